//! summarization / translation parity: tiny random T5 and Marian models made with transformers
//! (tests/fixtures/parity/make_seq2seq_fixtures.py) give, through hftutor's normal loading path,
//! the same first-step logits (within 1e-4), the same generated token ids and the same decoded
//! texts as transformers' generate(), greedy and with num_beams=3; Marian's tokenizer (read from
//! the SentencePiece files) gives MarianTokenizer's ids.

use std::path::PathBuf;

use hftutor::domain::ModelRef;
use hftutor::domain::PipelineOutput;
use hftutor::domain::RunParams;
use hftutor::domain::StopReason;
use hftutor::domain::Stream;
use hftutor::domain::Task;
use hftutor::domain::{Seq2SeqParams, Seq2SeqText};
use hftutor::hub::Provision;
use hftutor::inference;
use hftutor::inference::tasks::seq2seq::Seq2SeqPipeline;
use hftutor::inference::Pipeline;
use hftutor::inference::PipelineError;
use serde_json::Value;

const TOLERANCE: f64 = 1e-4;

fn folder(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/parity")
        .join(name)
}

fn model(name: &str) -> ModelRef {
    ModelRef::new(folder(name).to_string_lossy())
}

fn load(name: &str, task: Task) -> Box<dyn Pipeline> {
    inference::load(task, &model(name), &Provision::from_env(), &mut |_| {})
        .expect("the fixture model loads")
}

fn expected(name: &str) -> Value {
    let text = std::fs::read_to_string(folder(name).join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn ids(v: &Value) -> Vec<u32> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_u64().unwrap() as u32)
        .collect()
}

/// The task and settings of a fixture case: T5 cases name their task_specific_params entry.
fn case_setup(case: &Value, beams: Option<usize>, max_new: Option<usize>) -> (Task, RunParams) {
    let task = case["task"].as_str().unwrap_or("translation");
    let (task, src, tgt) = match task.strip_prefix("translation_") {
        Some(pair) => {
            let (s, t) = pair.split_once("_to_").unwrap();
            (Task::Translation, Some(s.to_string()), Some(t.to_string()))
        }
        None if task == "summarization" => (Task::Summarization, None, None),
        None => (Task::Translation, None, None),
    };
    let params = RunParams {
        seq2seq: Seq2SeqParams {
            max_new_tokens: max_new,
            num_beams: beams,
            src_lang: src,
            tgt_lang: tgt,
        },
        ..RunParams::default()
    };
    (task, params)
}

fn run_one(p: &mut Box<dyn Pipeline>, text: &str, params: &RunParams) -> Seq2SeqText {
    let out = p
        .run(&[text.to_string()], params, 1, &mut |_| true)
        .unwrap();
    let PipelineOutput::Seq2Seq(mut v) = out else {
        panic!("seq2seq output expected, got {out:?}")
    };
    v.remove(0)
}

/// Largest first-step logit difference over the fixture's cases; input ids checked on the way.
fn logits_parity(name: &str) -> f64 {
    let exp = expected(name);
    let mut worst: f64 = 0.0;
    for case in exp["cases"].as_array().unwrap() {
        let (task, params) = case_setup(case, None, None);
        let mut p =
            Seq2SeqPipeline::load(task, &model(name), &Provision::from_env(), &mut |_| {}).unwrap();
        let text = case["text"].as_str().unwrap();
        let (input, cut) = p.input_ids(text, &params.seq2seq).unwrap();
        assert_eq!(
            input,
            ids(&case["input_ids"]),
            "{name}: input ids of {text}"
        );
        assert!(!cut);
        let want: Vec<f64> = case["first_logits"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap())
            .collect();
        let got = p.first_logits(text, &params.seq2seq).unwrap();
        assert_eq!(got.len(), want.len());
        for (g, w) in got.iter().zip(&want) {
            worst = worst.max((f64::from(*g) - w).abs());
        }
    }
    worst
}

/// Greedy and num_beams=3 with 20 new tokens, and the model's own settings ("default").
fn generation_parity(name: &str) {
    let exp = expected(name);
    for case in exp["cases"].as_array().unwrap() {
        let text = case["text"].as_str().unwrap();
        for (key, beams, max_new) in [
            ("greedy", Some(1), Some(20)),
            ("beam", Some(3), Some(20)),
            ("default", None, None),
        ] {
            let (task, params) = case_setup(case, beams, max_new);
            let mut p = load(name, task);
            let got = run_one(&mut p, text, &params);
            assert_eq!(
                got.token_ids,
                ids(&case[format!("{key}_ids")]),
                "{name} {key}: {text}"
            );
            assert_eq!(
                got.text,
                case[format!("{key}_text")].as_str().unwrap(),
                "{name} {key}"
            );
        }
    }
}

#[test]
fn t5_first_step_logits_match_transformers() {
    let worst = logits_parity("t5_tiny");
    eprintln!("t5_tiny: largest first-step logit difference {worst:e}");
    assert!(worst < TOLERANCE, "{worst}");
}

#[test]
fn t5_greedy_and_beams_match_transformers() {
    generation_parity("t5_tiny");
}

#[test]
fn t5_gated_first_step_logits_match_transformers() {
    let worst = logits_parity("t5_gated_tiny");
    eprintln!("t5_gated_tiny: largest first-step logit difference {worst:e}");
    assert!(worst < TOLERANCE, "{worst}");
}

#[test]
fn t5_gated_greedy_and_beams_match_transformers() {
    generation_parity("t5_gated_tiny");
}

#[test]
fn marian_first_step_logits_match_transformers() {
    let worst = logits_parity("marian_tiny");
    eprintln!("marian_tiny: largest first-step logit difference {worst:e}");
    assert!(worst < TOLERANCE, "{worst}");
}

#[test]
fn marian_greedy_and_beams_match_transformers() {
    generation_parity("marian_tiny");
}

#[test]
fn empty_text_is_a_clear_error() {
    let mut p = load("marian_tiny", Task::Translation);
    let err = p
        .run(&["  ".into()], &RunParams::default(), 1, &mut |_| true)
        .unwrap_err();
    assert!(
        matches!(err, PipelineError::BadInput(ref m) if m.contains("no text")),
        "{err}"
    );
}

#[test]
fn cancelling_stops_greedy_generation() {
    let mut p = load("marian_tiny", Task::Translation);
    let (_, greedy) = case_setup(&Value::Null, Some(1), Some(20));
    let mut calls = 0;
    let got = p
        .run(
            &["The cat sat on the mat.".into()],
            &greedy,
            1,
            &mut |_: Stream| {
                calls += 1;
                calls < 3
            },
        )
        .unwrap();
    let PipelineOutput::Seq2Seq(v) = got else {
        panic!()
    };
    assert_eq!(v[0].stop, StopReason::Cancelled);
    assert_eq!(v[0].token_ids.len(), 3);
}

#[test]
fn marian_tokens_match_marian_tokenizer() {
    let exp = expected("marian_tiny");
    let p = Seq2SeqPipeline::load(
        Task::Translation,
        &model("marian_tiny"),
        &Provision::from_env(),
        &mut |_| {},
    )
    .unwrap();
    let mut cut_seen = false;
    for t in exp["tokens"].as_array().unwrap() {
        let text = t["text"].as_str().unwrap();
        let want = ids(&t["input_ids"]);
        let (got, cut) = p.input_ids(text, &Seq2SeqParams::default()).unwrap();
        if cut {
            // Cut to the model's 32 tokens, end token kept.
            cut_seen = true;
            assert_eq!(got.len(), 32);
            assert_eq!(got[..31], want[..31], "{text}");
            assert_eq!(got[31], 0);
        } else {
            assert_eq!(got, want, "{text}");
        }
    }
    assert!(
        cut_seen,
        "one fixture sentence is longer than the model's maximum"
    );
}

#[test]
fn too_long_text_is_cut_and_said() {
    let mut p = load("marian_tiny", Task::Translation);
    let (_, greedy) = case_setup(&Value::Null, Some(1), Some(3));
    let long = "The cat sat on the mat in the sun. ".repeat(20);
    p.run(&[long], &greedy, 1, &mut |_| true).unwrap();
    let notes = p.last_notes();
    assert_eq!(notes.len(), 1);
    assert!(notes[0].contains("32 tokens"), "{notes:?}");
}

#[test]
fn t5_json_is_shaped_like_transformers() {
    let mut p = load("t5_tiny", Task::Summarization);
    let (_, greedy) = case_setup(&Value::Null, Some(1), Some(3));
    let out = p
        .run(&["Hello there.".into()], &greedy, 1, &mut |_| true)
        .unwrap();
    let json = serde_json::to_value(&out).unwrap();
    let list = json.as_array().unwrap();
    assert_eq!(list.len(), 1);
    assert!(list[0]["summary_text"].is_string(), "{json}");
}

#[test]
fn t5_unknown_language_pair_is_a_clear_error() {
    let mut p = load("t5_tiny", Task::Translation);
    let params = RunParams {
        seq2seq: Seq2SeqParams {
            src_lang: Some("en".into()),
            tgt_lang: Some("xx".into()),
            ..Seq2SeqParams::default()
        },
        ..RunParams::default()
    };
    let err = p
        .run(&["Hello.".into()], &params, 1, &mut |_| true)
        .unwrap_err();
    assert!(err.to_string().contains("en to fr"), "{err}");
}

fn hftutor(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_hftutor"))
        .arg("pipeline")
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn cli_prints_transformers_json() {
    let t5 = folder("t5_tiny").to_string_lossy().into_owned();
    let exp = expected("t5_tiny");
    let case = &exp["cases"][0];
    let text = case["text"].as_str().unwrap();
    let out = hftutor(&[
        "summarization",
        "--model",
        &t5,
        "--json",
        "--num-beams",
        "3",
        "--max-new-tokens",
        "20",
        text,
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        got,
        serde_json::json!([{ "summary_text": case["beam_text"] }])
    );

    let marian = folder("marian_tiny").to_string_lossy().into_owned();
    let exp = expected("marian_tiny");
    let case = &exp["cases"][1];
    let out = hftutor(&[
        "translation",
        "--model",
        &marian,
        "--json",
        case["text"].as_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        got,
        serde_json::json!([{ "translation_text": case["default_text"] }])
    );
}

#[test]
fn cli_says_what_is_wrong_with_empty_text() {
    let marian = folder("marian_tiny").to_string_lossy().into_owned();
    let out = hftutor(&["translation", "--model", &marian, ""]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no text to translate"), "{err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn marian_stops_at_its_last_position() {
    // The fixture has 64 positions: asking for more new tokens ends there, without an error.
    let mut p = load("marian_tiny", Task::Translation);
    let (_, params) = case_setup(&Value::Null, Some(1), Some(500));
    let got = run_one(&mut p, "The cat sat on the mat.", &params);
    assert_eq!(got.token_ids.len(), 63);
}
