//! token-classification parity: a tiny random BertForTokenClassification made with transformers
//! (tests/fixtures/parity/make_bert_heads_fixtures.py) gives, through hftutor's normal loading
//! path, the same entities as transformers' pipeline under all five aggregation strategies:
//! labels, words and offsets exactly, scores within 1e-4.

use std::path::PathBuf;

use hftutor::course::ModelRef;
use hftutor::models::Provision;
use hftutor::pipelines::token_classification::{Aggregation, Entity};
use hftutor::pipelines::{self, Pipeline, PipelineError, PipelineOutput, RunParams};
use hftutor::task::Task;
use serde_json::Value;

const TOLERANCE: f64 = 1e-4;

fn folder() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/parity/bert_ner")
}

fn load() -> Box<dyn Pipeline> {
    pipelines::load(
        Task::TokenClassification,
        &ModelRef::new(folder().to_string_lossy()),
        &Provision::from_env(),
        &mut |_| {},
    )
    .expect("the fixture model loads")
}

fn entities(p: &mut Box<dyn Pipeline>, text: &str, how: Aggregation) -> Vec<Entity> {
    let params = RunParams {
        aggregation_strategy: how,
        ..RunParams::default()
    };
    let out = p
        .run(&[text.to_string()], &params, 1, &mut |_| true)
        .unwrap();
    let PipelineOutput::Entities(mut per_text) = out else {
        panic!("entities expected, got {out:?}")
    };
    per_text.remove(0)
}

#[test]
fn every_aggregation_strategy_matches_transformers() {
    let text = std::fs::read_to_string(folder().join("expected.json")).unwrap();
    let exp: Value = serde_json::from_str(&text).unwrap();
    let runs = exp["token_classification"].as_array().unwrap();
    assert_eq!(runs.len(), 25);
    let mut p = load();
    let mut worst: f64 = 0.0;
    let mut grouped_words = 0;
    for run in runs {
        let text = run["text"].as_str().unwrap();
        let strategy = run["aggregation_strategy"].as_str().unwrap();
        let how: Aggregation = strategy.parse().unwrap();
        let got = entities(&mut p, text, how);
        let want = run["output"].as_array().unwrap();
        let ctx = format!("{strategy} {text:?}");
        assert_eq!(got.len(), want.len(), "{ctx}: {got:?}");
        for (g, w) in got.iter().zip(want) {
            assert_eq!(g.entity.as_deref(), w["entity"].as_str(), "{ctx}");
            assert_eq!(
                g.entity_group.as_deref(),
                w["entity_group"].as_str(),
                "{ctx}"
            );
            assert_eq!(g.index.map(|i| i as u64), w["index"].as_u64(), "{ctx}");
            assert_eq!(g.word, w["word"].as_str().unwrap(), "{ctx}");
            assert_eq!(g.start as u64, w["start"].as_u64().unwrap(), "{ctx}");
            assert_eq!(g.end as u64, w["end"].as_u64().unwrap(), "{ctx}");
            let diff = (f64::from(g.score) - w["score"].as_f64().unwrap()).abs();
            assert!(
                diff < TOLERANCE,
                "{ctx}: score {} vs {}",
                g.score,
                w["score"]
            );
            worst = worst.max(diff);
            if g.word.contains(' ') {
                grouped_words += 1;
            }
            // The JSON has transformers' keys and no others.
            let json = serde_json::to_value(g).unwrap();
            let mut keys: Vec<&String> = json.as_object().unwrap().keys().collect();
            let mut want_keys: Vec<&String> = w.as_object().unwrap().keys().collect();
            keys.sort();
            want_keys.sort();
            assert_eq!(keys, want_keys, "{ctx}");
        }
    }
    // The fixture really exercises grouping: some entities span several words.
    assert!(grouped_words > 0);
    eprintln!("bert_ner: largest score difference {worst:.2e}");
}

#[test]
fn strategies_parse_by_name_and_unknown_ones_are_explained() {
    assert_eq!("simple".parse::<Aggregation>(), Ok(Aggregation::Simple));
    assert_eq!(" MAX ".parse::<Aggregation>(), Ok(Aggregation::Max));
    assert_eq!(
        "grouped".parse::<Aggregation>(),
        Err(
            "unknown aggregation strategy \"grouped\": use none, simple, first, average or max"
                .to_string()
        )
    );
}

#[test]
fn empty_text_is_refused() {
    let mut p = load();
    let err = p
        .run(&[String::new()], &RunParams::default(), 1, &mut |_| true)
        .unwrap_err();
    assert!(
        matches!(&err, PipelineError::BadInput(m) if m == "the text is empty: type a sentence first"),
        "{err:?}"
    );
}
