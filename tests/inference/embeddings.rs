//! Real-model tests of feature-extraction, sentence-similarity and the tokenizer view with
//! sentence-transformers/all-MiniLM-L6-v2, provisioned as the product does it (HF cache → Hub →
//! package fallback), compared with sentence-transformers' own output
//! (tests/fixtures/parity/minilm_embeddings.json, made by make_minilm_fixture.py).

use std::sync::{Mutex, MutexGuard, OnceLock};

use hftutor::domain::ModelRef;
use hftutor::domain::PipelineOutput;
use hftutor::domain::RunParams;
use hftutor::domain::Task;
use hftutor::domain::TokenInfo;
use hftutor::hub::Provision;
use hftutor::inference;
use hftutor::inference::tasks::embeddings::cosine;
use hftutor::inference::Pipeline;
use hftutor::inference::PipelineError;
use serde::Deserialize;

const MINILM: &str = "sentence-transformers/all-MiniLM-L6-v2";

#[derive(Deserialize)]
struct Fixture {
    max_seq_length: usize,
    token_counts_untruncated: Vec<usize>,
    sentences: Vec<String>,
    embeddings: Vec<Vec<f32>>,
}

fn fixture() -> Fixture {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/parity/minilm_embeddings.json"
    );
    let text = std::fs::read_to_string(path).expect("fixture present");
    serde_json::from_str(&text).expect("fixture parses")
}

struct Loaded {
    features: Box<dyn Pipeline>,
    similarity: Box<dyn Pipeline>,
    tokenize: Box<dyn Pipeline>,
}

/// The pipelines, loaded once through `inference::load`, behind a lock: one model test at a time.
fn loaded() -> MutexGuard<'static, Loaded> {
    static LOADED: OnceLock<Mutex<Loaded>> = OnceLock::new();
    let lock = LOADED.get_or_init(|| {
        hftutor::threads::apply(hftutor::threads::choose(None).min(2));
        let provision = Provision::from_env();
        let model = ModelRef::new(MINILM);
        let mut events = |e| eprintln!("{e:?}");
        let mut load = |task| {
            inference::load(task, &model, &provision, &mut events)
                .unwrap_or_else(|e| panic!("can't load {MINILM} for {task}: {e}"))
        };
        Mutex::new(Loaded {
            features: load(Task::FeatureExtraction),
            similarity: load(Task::SentenceSimilarity),
            tokenize: load(Task::Tokenize),
        })
    });
    lock.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn texts(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

fn embed(p: &mut Box<dyn Pipeline>, items: &[String]) -> Vec<Vec<f32>> {
    match p.run(items, &RunParams::default(), 1, &mut |_| true) {
        Ok(PipelineOutput::Embeddings(v)) => v,
        other => panic!("expected embeddings, got {other:?}"),
    }
}

#[test]
fn similarity_scores_match_sentence_transformers() {
    let mut l = loaded();
    let inputs = texts(&[
        "I love this course.",
        "This class is wonderful.",
        "The stock market fell today.",
    ]);
    let scores = match l
        .similarity
        .run(&inputs, &RunParams::default(), 1, &mut |_| true)
    {
        Ok(PipelineOutput::Similarities(s)) => s,
        other => panic!("expected similarities, got {other:?}"),
    };
    assert_eq!(scores.len(), 2);
    assert!(
        (scores[0] - 0.6132).abs() < 0.001,
        "close pair: {}",
        scores[0]
    );
    assert!(
        (scores[1] - 0.0166).abs() < 0.001,
        "unrelated pair: {}",
        scores[1]
    );

    match l
        .similarity
        .run(&texts(&["only one"]), &RunParams::default(), 1, &mut |_| {
            true
        }) {
        Err(PipelineError::BadInput(msg)) => assert!(msg.contains("two"), "{msg}"),
        other => panic!("one sentence: expected BadInput, got {other:?}"),
    }
}

#[test]
fn whole_vectors_match_sentence_transformers() {
    let mut l = loaded();
    let f = fixture();
    let ours = embed(&mut l.features, &f.sentences);
    assert_eq!(ours.len(), f.embeddings.len());
    let mut worst = 0f32;
    for (i, (a, b)) in ours.iter().zip(&f.embeddings).enumerate() {
        assert_eq!(a.len(), 384);
        let diff = a
            .iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0f32, f32::max);
        assert!(
            diff < 1e-5,
            "sentence {i} {:?}: max abs diff {diff}",
            f.sentences[i]
        );
        let norm = a.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!(
            (norm - 1.0).abs() < 1e-5,
            "sentence {i} is normalised: {norm}"
        );
        worst = worst.max(diff);
    }
    eprintln!("max abs diff against sentence-transformers: {worst:e}");

    // The long text is cut at max_seq_length and the pipeline says so.
    let long = f
        .token_counts_untruncated
        .iter()
        .position(|&n| n > f.max_seq_length)
        .expect("a long text");
    let notes = l.features.last_notes();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains(&format!("text {}", long + 1)),
        "{notes:?}"
    );
    assert!(
        notes[0].contains(&f.token_counts_untruncated[long].to_string()),
        "{notes:?}"
    );
    assert!(notes[0].contains("256"), "{notes:?}");

    // One at a time gives what the padded batch gave; and no notes without truncation.
    for i in [0, 3, 4] {
        let single = embed(&mut l.features, &f.sentences[i..=i]);
        let diff = single[0]
            .iter()
            .zip(&ours[i])
            .map(|(x, y)| (x - y).abs())
            .fold(0f32, f32::max);
        assert!(diff < 1e-5, "sentence {i} alone vs in a batch: {diff}");
        assert!(cosine(&single[0], &ours[i]) > 0.99999);
    }
    assert!(l.features.last_notes().is_empty());
}

#[test]
fn empty_input_is_bad_input() {
    let mut l = loaded();
    for inputs in [vec![], texts(&[""]), texts(&["fine", "  "])] {
        match l
            .features
            .run(&inputs, &RunParams::default(), 1, &mut |_| true)
        {
            Err(PipelineError::BadInput(msg)) => assert!(!msg.is_empty()),
            other => panic!("{inputs:?}: expected BadInput, got {other:?}"),
        }
    }
}

#[test]
fn wordpiece_tokens_with_special_tokens_and_offsets() {
    let mut l = loaded();
    let text = "Tokenization is fun!";
    let tokens: Vec<TokenInfo> =
        match l
            .tokenize
            .run(&texts(&[text]), &RunParams::default(), 1, &mut |_| true)
        {
            Ok(PipelineOutput::Tokens(mut t)) => t.remove(0),
            other => panic!("expected tokens, got {other:?}"),
        };
    let spelled: Vec<&str> = tokens.iter().map(|t| t.token.as_str()).collect();
    assert_eq!(
        spelled,
        ["[CLS]", "token", "##ization", "is", "fun", "!", "[SEP]"]
    );
    assert_eq!(tokens[0].id, 101);
    assert_eq!(tokens[6].id, 102);
    assert!(tokens[0].special && tokens[6].special);
    assert!(tokens[1..6].iter().all(|t| !t.special));
    assert_eq!((tokens[0].start, tokens[0].end), (0, 0));
    // Offsets point into the original text (not the lower-cased one).
    assert_eq!(&text[tokens[1].start..tokens[2].end], "Tokenization");
    // No padding to 128 (the tokenizer file's own setting), no truncation in the tokenizer view.
    let long = "word ".repeat(300);
    let out = l
        .tokenize
        .run(&[long], &RunParams::default(), 1, &mut |_| true);
    let Ok(PipelineOutput::Tokens(t)) = out else {
        panic!("expected tokens")
    };
    assert_eq!(t[0].len(), 302);
}
