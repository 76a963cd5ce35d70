//! text-classification parity: tiny random BertForSequenceClassification and
//! DistilBertForSequenceClassification models made with transformers
//! (tests/fixtures/parity/make_bert_heads_fixtures.py) are picked by their config's
//! `architectures` and give the same labels as transformers' pipeline (scores within 1e-4), with
//! `top_k` 1 (its default) and every label.

use std::path::PathBuf;

use hftutor::course::ModelRef;
use hftutor::models::Provision;
use hftutor::pipelines::{self, Pipeline, PipelineOutput, RunParams};
use hftutor::task::Task;
use serde_json::Value;

const TOLERANCE: f64 = 1e-4;

fn folder(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/parity")
        .join(name)
}

fn check_parity(name: &str) {
    let mut p: Box<dyn Pipeline> = pipelines::load(
        Task::TextClassification,
        &ModelRef::new(folder(name).to_string_lossy()),
        &Provision::from_env(),
        &mut |_| {},
    )
    .expect("the fixture model loads");
    let text = std::fs::read_to_string(folder(name).join("expected.json")).unwrap();
    let exp: Value = serde_json::from_str(&text).unwrap();
    let runs = exp["text_classification"].as_array().unwrap();
    assert_eq!(runs.len(), 6);
    let mut worst: f64 = 0.0;
    for run in runs {
        let text = run["text"].as_str().unwrap();
        let params = RunParams {
            top_k: run["top_k"].as_u64().map(|k| k as usize),
            ..RunParams::default()
        };
        let out = p
            .run(&[text.to_string()], &params, 1, &mut |_| true)
            .unwrap();
        let PipelineOutput::Labels(per_text) = out else {
            panic!("labels expected, got {out:?}")
        };
        let want = run["output"].as_array().unwrap();
        assert_eq!(per_text[0].len(), want.len(), "{name} {text:?}");
        for (g, w) in per_text[0].iter().zip(want) {
            assert_eq!(g.label, w["label"].as_str().unwrap(), "{name} {text:?}");
            let diff = (f64::from(g.score) - w["score"].as_f64().unwrap()).abs();
            assert!(
                diff < TOLERANCE,
                "{name} {text:?}: {} vs {}",
                g.score,
                w["score"]
            );
            worst = worst.max(diff);
        }
    }
    eprintln!("{name}: largest score difference {worst:.2e}");
}

#[test]
fn bert_sequence_classification_matches_transformers() {
    check_parity("bert_cls");
}

#[test]
fn distilbert_sequence_classification_matches_transformers() {
    check_parity("distilbert_cls");
}
