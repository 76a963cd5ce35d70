//! Shared by the parity tests: where the fixtures are, loading one through hftutor's normal
//! `--model FOLDER` path, reading transformers' recorded outputs, and comparing the outputs of
//! the text tasks (labels, fill-mask guesses, entities) to them: texts, tokens and offsets
//! exactly, scores within [`TOLERANCE`].
#![allow(dead_code)]

use std::path::PathBuf;

use hftutor::domain::Aggregation;
use hftutor::domain::ModelRef;
use hftutor::domain::PipelineOutput;
use hftutor::domain::RunParams;
use hftutor::domain::Task;
use hftutor::hub::Provision;
use hftutor::inference;
use hftutor::inference::Pipeline;
use serde_json::Value;

/// The largest score or logit difference from transformers a parity test accepts.
pub const TOLERANCE: f64 = 1e-4;

/// The fixture folder `tests/fixtures/parity/NAME`.
pub fn folder(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/parity")
        .join(name)
}

/// The fixture model `name` loaded for `task`, as `hftutor pipeline TASK --model FOLDER` does.
pub fn load(task: Task, name: &str) -> Box<dyn Pipeline> {
    load_folder(task, &folder(name))
}

/// A model folder anywhere, loaded for `task`.
pub fn load_folder(task: Task, path: &std::path::Path) -> Box<dyn Pipeline> {
    inference::load(
        task,
        &ModelRef::new(path.to_string_lossy()),
        &Provision::from_env(),
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("the model {} loads: {e}", path.display()))
}

/// What transformers gave on the fixture `name` (its expected.json).
pub fn expected(name: &str) -> Value {
    let path = folder(name).join("expected.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Asserts `got` is within [`TOLERANCE`] of the recorded number; keeps the largest difference.
pub fn close(ctx: &str, got: f32, want: &Value, worst: &mut f64) {
    let want_f = want
        .as_f64()
        .unwrap_or_else(|| panic!("{ctx}: {want} is not a number"));
    let diff = (f64::from(got) - want_f).abs();
    assert!(diff < TOLERANCE, "{ctx}: score {got} vs {want_f}");
    *worst = worst.max(diff);
}

/// Runs `p` on one text.
pub fn run_one(p: &mut Box<dyn Pipeline>, text: &str, params: &RunParams) -> PipelineOutput {
    p.run(&[text.to_string()], params, 1, &mut |_| true)
        .unwrap_or_else(|e| panic!("{text:?}: {e}"))
}

/// A recorded run's text.
pub fn text_of(run: &Value) -> &str {
    run["text"].as_str().expect("each recorded run has a text")
}

/// The recorded runs under `key`, of which there must be `count`.
pub fn runs<'a>(exp: &'a Value, key: &str, count: usize) -> &'a Vec<Value> {
    let runs = exp[key]
        .as_array()
        .unwrap_or_else(|| panic!("expected.json has no {key} list"));
    assert_eq!(runs.len(), count, "recorded {key} runs");
    runs
}

/// Text classification on every recorded run of fixture `name` (`count` of them): labels
/// exactly, scores close. Returns the largest score difference.
pub fn classification_parity(name: &str, count: usize) -> f64 {
    let mut p = load(Task::TextClassification, name);
    let exp = expected(name);
    let mut worst: f64 = 0.0;
    for run in runs(&exp, "text_classification", count) {
        let text = text_of(run);
        let params = RunParams {
            top_k: run["top_k"].as_u64().map(|k| k as usize),
            ..RunParams::default()
        };
        let PipelineOutput::Labels(per_text) = run_one(&mut p, text, &params) else {
            panic!("{name}: labels expected")
        };
        let want = run["output"].as_array().expect("a list of labels");
        assert_eq!(per_text[0].len(), want.len(), "{name} {text:?}");
        for (g, w) in per_text[0].iter().zip(want) {
            assert_eq!(g.label, w["label"].as_str().unwrap(), "{name} {text:?}");
            close(
                &format!("{name} {text:?}"),
                g.score,
                &w["score"],
                &mut worst,
            );
        }
    }
    eprintln!("{name}: largest score difference {worst:.2e}");
    worst
}

/// Fill-mask on every recorded run of fixture `name` (`count` of them, at least): tokens,
/// token strings and sequences exactly, scores close. Returns the largest score difference and
/// how many guesses started with a space.
pub fn fill_mask_parity(name: &str, at_least: usize) -> (f64, usize) {
    let mut p = load(Task::FillMask, name);
    let exp = expected(name);
    let runs = exp["fill_mask"].as_array().expect("a fill_mask list");
    assert!(runs.len() >= at_least, "{name}: {} runs", runs.len());
    let mut worst: f64 = 0.0;
    let mut spaced = 0;
    for run in runs {
        let text = text_of(run);
        let params = RunParams {
            top_k: run["top_k"].as_u64().map(|k| k as usize),
            targets: run["targets"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|t| t.as_str())
                        .map(String::from)
                        .collect()
                })
                .unwrap_or_default(),
            ..RunParams::default()
        };
        let PipelineOutput::FillMask(mut per_text) = run_one(&mut p, text, &params) else {
            panic!("{name}: fill-mask output expected")
        };
        assert_eq!(per_text.len(), 1);
        let got = per_text.remove(0);
        // transformers gives a flat list for one mask, a list per mask for several.
        let want: Vec<Value> = match run["output"][0].is_array() {
            true => run["output"].as_array().unwrap().clone(),
            false => vec![run["output"].clone()],
        };
        assert_eq!(got.len(), want.len(), "{name}: masks in {text:?}");
        for (g_row, w_row) in got.iter().zip(&want) {
            let w_row = w_row.as_array().expect("a list of guesses");
            assert_eq!(g_row.len(), w_row.len(), "{name}: guesses for {text:?}");
            for (g, w) in g_row.iter().zip(w_row) {
                let ctx = format!("{name} {text:?} top_k {:?}", params.top_k);
                assert_eq!(i64::from(g.token), w["token"].as_i64().unwrap(), "{ctx}");
                assert_eq!(g.token_str, w["token_str"].as_str().unwrap(), "{ctx}");
                assert_eq!(g.sequence, w["sequence"].as_str().unwrap(), "{ctx}");
                close(&ctx, g.score, &w["score"], &mut worst);
                spaced += usize::from(g.token_str.starts_with(' '));
            }
        }
        // The JSON hftutor prints has transformers' shape.
        let json = hftutor::present::fill_mask::to_json(std::slice::from_ref(&got));
        assert_eq!(
            json.as_array().map(Vec::len),
            run["output"].as_array().map(Vec::len),
            "{name} {text:?}"
        );
    }
    eprintln!("{name}: largest score difference {worst:.2e}");
    (worst, spaced)
}

/// Token classification on every recorded run of fixture `name` (`count` of them), each with its
/// aggregation strategy: entities, words and offsets exactly, scores close, and the JSON keys
/// transformers writes and no others. Returns the largest score difference and how many
/// entities spanned several words.
pub fn entities_parity(name: &str, count: usize) -> (f64, usize) {
    let mut p = load(Task::TokenClassification, name);
    let exp = expected(name);
    let mut worst: f64 = 0.0;
    let mut grouped_words = 0;
    for run in runs(&exp, "token_classification", count) {
        let text = text_of(run);
        let strategy = run["aggregation_strategy"].as_str().unwrap();
        let how: Aggregation = strategy.parse().unwrap();
        let params = RunParams {
            aggregation_strategy: how,
            ..RunParams::default()
        };
        let PipelineOutput::Entities(mut per_text) = run_one(&mut p, text, &params) else {
            panic!("{name}: entities expected")
        };
        let got = per_text.remove(0);
        let want = run["output"].as_array().expect("a list of entities");
        let ctx = format!("{name} {strategy} {text:?}");
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
            close(&ctx, g.score, &w["score"], &mut worst);
            grouped_words += usize::from(g.word.contains(' '));
            let json = serde_json::to_value(g).unwrap();
            let mut keys: Vec<&String> = json.as_object().unwrap().keys().collect();
            let mut want_keys: Vec<&String> = w.as_object().unwrap().keys().collect();
            keys.sort();
            want_keys.sort();
            assert_eq!(keys, want_keys, "{ctx}");
        }
    }
    eprintln!("{name}: largest score difference {worst:.2e}");
    (worst, grouped_words)
}
