//! fill-mask parity: tiny random BERT and DistilBERT masked-LM models made with transformers
//! (tests/fixtures/parity/make_bert_heads_fixtures.py) give, through hftutor's normal loading
//! path, the same guesses as transformers' fill-mask pipeline: tokens, texts and sequences
//! exactly, scores within 1e-4.

use std::path::PathBuf;

use hftutor::course::ModelRef;
use hftutor::models::Provision;
use hftutor::pipelines::fill_mask::{self, MaskFill};
use hftutor::pipelines::{self, Pipeline, PipelineError, PipelineOutput, RunParams};
use hftutor::task::Task;
use serde_json::Value;

const TOLERANCE: f64 = 1e-4;

fn folder(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/parity")
        .join(name)
}

fn load(name: &str) -> Box<dyn Pipeline> {
    let path = folder(name);
    pipelines::load(
        Task::FillMask,
        &ModelRef::new(path.to_string_lossy()),
        &Provision::from_env(),
        &mut |_| {},
    )
    .expect("the fixture model loads")
}

fn expected(name: &str) -> Value {
    let text = std::fs::read_to_string(folder(name).join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn fill(p: &mut Box<dyn Pipeline>, text: &str, params: &RunParams) -> Vec<Vec<MaskFill>> {
    let out = p
        .run(&[text.to_string()], params, 1, &mut |_| true)
        .unwrap();
    let PipelineOutput::FillMask(mut per_text) = out else {
        panic!("fill-mask output expected, got {out:?}")
    };
    assert_eq!(per_text.len(), 1);
    per_text.remove(0)
}

/// Compares every recorded run; returns the largest score difference seen.
fn check_parity(name: &str) -> f64 {
    let mut p = load(name);
    let exp = expected(name);
    let runs = exp["fill_mask"].as_array().unwrap();
    assert!(runs.len() >= 8);
    let mut worst: f64 = 0.0;
    for run in runs {
        let text = run["text"].as_str().unwrap();
        let params = RunParams {
            top_k: run["top_k"].as_u64().map(|k| k as usize),
            targets: run["targets"]
                .as_array()
                .map(|a| a.iter().map(|t| t.as_str().unwrap().to_string()).collect())
                .unwrap_or_default(),
            ..RunParams::default()
        };
        let got = fill(&mut p, text, &params);
        // transformers gives a flat list for one mask, a list per mask for several.
        let want: Vec<Value> = match run["output"][0].is_array() {
            true => run["output"].as_array().unwrap().clone(),
            false => vec![run["output"].clone()],
        };
        assert_eq!(got.len(), want.len(), "{name}: masks in {text:?}");
        for (g_row, w_row) in got.iter().zip(&want) {
            let w_row = w_row.as_array().unwrap();
            assert_eq!(g_row.len(), w_row.len(), "{name}: guesses for {text:?}");
            for (g, w) in g_row.iter().zip(w_row) {
                let ctx = format!("{name} {text:?} top_k {:?}", params.top_k);
                assert_eq!(i64::from(g.token), w["token"].as_i64().unwrap(), "{ctx}");
                assert_eq!(g.token_str, w["token_str"].as_str().unwrap(), "{ctx}");
                assert_eq!(g.sequence, w["sequence"].as_str().unwrap(), "{ctx}");
                let diff = (f64::from(g.score) - w["score"].as_f64().unwrap()).abs();
                assert!(
                    diff < TOLERANCE,
                    "{ctx}: score {} vs {}",
                    g.score,
                    w["score"]
                );
                worst = worst.max(diff);
            }
        }
        // The JSON hftutor prints has transformers' shape and values.
        let json = fill_mask::to_json(std::slice::from_ref(&got));
        assert_eq!(
            json.as_array().map(Vec::len),
            run["output"].as_array().map(Vec::len)
        );
    }
    eprintln!("{name}: largest score difference {worst:.2e}");
    worst
}

#[test]
fn bert_fill_mask_matches_transformers() {
    check_parity("bert_mlm");
}

#[test]
fn distilbert_fill_mask_matches_transformers() {
    check_parity("distilbert_mlm");
}

#[test]
fn a_text_without_the_mask_token_is_refused_with_a_clear_message() {
    let mut p = load("bert_mlm");
    let err = p
        .run(
            &["Paris is the capital of France.".to_string()],
            &RunParams::default(),
            1,
            &mut |_| true,
        )
        .unwrap_err();
    let PipelineError::BadInput(msg) = err else {
        panic!("bad input expected, got {err:?}")
    };
    assert_eq!(
        msg,
        "there is no [MASK] in your text: put [MASK] where the missing word goes, like \"Paris is the [MASK] of France.\""
    );
    let empty = p.run(&["  ".to_string()], &RunParams::default(), 1, &mut |_| true);
    assert!(
        matches!(empty, Err(PipelineError::BadInput(_))),
        "{empty:?}"
    );
}

#[test]
fn unknown_targets_alone_are_refused_and_known_ones_limit_the_guesses() {
    let mut p = load("distilbert_mlm");
    let only = RunParams {
        targets: vec!["dog".into(), "cat".into()],
        ..RunParams::default()
    };
    let got = fill(&mut p, "The [MASK] sat on the mat.", &only);
    let mut words: Vec<&str> = got[0].iter().map(|g| g.token_str.as_str()).collect();
    words.sort();
    assert_eq!(words, ["cat", "dog"]);
}

#[test]
fn long_texts_are_cut_to_the_model_length_and_say_so() {
    let mut p = load("bert_mlm");
    let long = format!("[MASK] {}", "the cat sat on the mat. ".repeat(30));
    let got = p
        .run(&[long], &RunParams::default(), 1, &mut |_| true)
        .unwrap();
    assert!(matches!(got, PipelineOutput::FillMask(_)));
    let notes = p.last_notes();
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(
        notes[0].contains("only its first 64 were read"),
        "{notes:?}"
    );
}
