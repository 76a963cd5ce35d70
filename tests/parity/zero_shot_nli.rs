//! zero-shot-classification parity in NLI mode: tiny random NLI cross-encoders made with
//! transformers (tests/fixtures/parity/make_roberta_fixtures.py) — a RoBERTa one with
//! cross-encoder/nli-*'s label order (contradiction, entailment, neutral) and a DistilBERT one
//! with typeform/distilbert-base-uncased-mnli's (ENTAILMENT first) — are picked by their
//! entailment label and give transformers' ZeroShotClassificationPipeline results: labels in the
//! same order exactly, scores within 1e-4, single- and multi-label, a custom hypothesis template,
//! one label, and a text longer than the model reads.

use crate::parity;

use hftutor::domain::ModelRef;
use hftutor::domain::PipelineOutput;
use hftutor::domain::RunParams;
use hftutor::domain::Task;
use hftutor::domain::ZeroShotResult;
use hftutor::hub::Provision;
use hftutor::inference::tasks::zero_shot::nli;
use hftutor::inference::Pipeline;
use hftutor::inference::PipelineError;
use parity::{expected, folder, TOLERANCE};
use serde_json::Value;

fn load(name: &str) -> Box<dyn Pipeline> {
    parity::load(Task::ZeroShotClassification, name)
}

fn classify(
    p: &mut Box<dyn Pipeline>,
    labels: &str,
    text: &str,
    params: &RunParams,
) -> Result<ZeroShotResult, PipelineError> {
    let out = p.run(
        &[labels.to_string(), text.to_string()],
        params,
        1,
        &mut |_| true,
    )?;
    let PipelineOutput::ZeroShot(mut results) = out else {
        panic!("zero-shot output expected, got {out:?}")
    };
    assert_eq!(results.len(), 1);
    Ok(results.remove(0))
}

fn check_parity(name: &str) -> f64 {
    let mut p = load(name);
    let exp = expected(name);
    let runs = exp["zero_shot"].as_array().unwrap();
    assert_eq!(runs.len(), 11);
    let mut worst: f64 = 0.0;
    let mut truncated = 0;
    for run in runs {
        let text = run["text"].as_str().unwrap();
        let labels: Vec<&str> = run["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        let params = RunParams {
            multi_label: run["multi_label"].as_bool().unwrap(),
            hypothesis_template: run["hypothesis_template"].as_str().map(str::to_string),
            ..RunParams::default()
        };
        let got = classify(&mut p, &labels.join(", "), text, &params).unwrap();
        truncated += p.last_notes().len();
        let want = &run["output"];
        let ctx = format!("{name} {text:?} multi_label {}", params.multi_label);
        assert_eq!(got.sequence, want["sequence"].as_str().unwrap(), "{ctx}");
        let want_labels: Vec<&str> = want["labels"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert_eq!(got.labels, want_labels, "{ctx}: {got:?}");
        let want_scores = want["scores"].as_array().unwrap();
        assert_eq!(got.scores.len(), want_scores.len());
        for (g, w) in got.scores.iter().zip(want_scores) {
            let diff = (f64::from(*g) - w.as_f64().unwrap()).abs();
            assert!(diff < TOLERANCE, "{ctx}: score {g} vs {w}");
            worst = worst.max(diff);
        }
        // Single-label scores share 1 between the labels; multi-label ones don't have to.
        if !params.multi_label && labels.len() > 1 {
            let sum: f32 = got.scores.iter().sum();
            assert!((sum - 1.0).abs() < 1e-4, "{ctx}: scores add up to {sum}");
        }
    }
    // The long text (twice: single- and multi-label) was cut and the student told so.
    assert_eq!(truncated, 2, "{name}: truncation notes");
    eprintln!("{name}: largest score difference {worst:.2e}");
    worst
}

#[test]
fn roberta_nli_zero_shot_matches_transformers() {
    check_parity("nli_zero_shot");
}

#[test]
fn distilbert_nli_zero_shot_with_entailment_first_matches_transformers() {
    check_parity("nli_zero_shot_distilbert");
}

#[test]
fn bad_labels_templates_and_texts_are_explained() {
    let mut p = load("nli_zero_shot");
    let d = RunParams::default();
    let err = |r: Result<ZeroShotResult, PipelineError>| match r {
        Err(PipelineError::BadInput(m)) => m,
        other => panic!("bad input expected, got {other:?}"),
    };
    let m = err(classify(&mut p, " , ", "The team won.", &d));
    assert!(m.starts_with("type the labels first"), "{m}");
    let m = err(classify(&mut p, "sport, food", "   ", &d));
    assert!(m.starts_with("the text is empty"), "{m}");
    let no_slot = RunParams {
        hypothesis_template: Some("This is about sport.".into()),
        ..RunParams::default()
    };
    let m = err(classify(&mut p, "sport, food", "The team won.", &no_slot));
    assert!(m.contains("has no {} for the label"), "{m}");
    let only_labels = p.run(&["sport, food".to_string()], &d, 1, &mut |_| true);
    assert!(
        matches!(&only_labels, Err(PipelineError::BadInput(m)) if m.starts_with("there is no text")),
        "{only_labels:?}"
    );
}

#[test]
fn only_models_with_an_entailment_label_run_in_nli_mode() {
    let is_nli = |name: &str| {
        nli::is_checkpoint(
            &ModelRef::new(folder(name).to_string_lossy()),
            &Provision::from_env(),
            &mut |_| {},
        )
    };
    assert!(is_nli("nli_zero_shot"));
    assert!(is_nli("nli_zero_shot_distilbert"));
    // Sentiment heads (NEGATIVE/POSITIVE/NEUTRAL) and masked-LM models are not NLI models.
    assert!(!is_nli("roberta_cls"));
    assert!(!is_nli("modernbert_mlm"));
}

/// `hftutor pipeline zero-shot-classification --json …` on a fixture: transformers' JSON.
fn cli_json(args: &[&str]) -> Value {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hftutor"))
        .args(["pipeline", "zero-shot-classification", "--json", "--model"])
        .arg(folder("nli_zero_shot"))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

#[test]
fn the_command_line_flags_reach_the_nli_pipeline() {
    let exp = expected("nli_zero_shot");
    let runs = exp["zero_shot"].as_array().unwrap();
    let templated = runs
        .iter()
        .find(|r| r["hypothesis_template"].is_string())
        .unwrap();
    let (single, multi) = (&runs[0], &runs[1]);
    assert_eq!(multi["multi_label"], true);
    assert!(templated["hypothesis_template"].is_string());
    let text = single["text"].as_str().unwrap();
    let labels = "sport, politics, cooking";
    let template = templated["hypothesis_template"].as_str().unwrap();
    for (args, want) in [
        (vec![labels, text], single),
        (vec!["--labels", labels, text], single),
        (vec!["--multi-label", labels, text], multi),
        (
            vec!["--hypothesis-template", template, labels, text],
            templated,
        ),
    ] {
        let got = cli_json(&args);
        let want = &want["output"];
        assert_eq!(got["sequence"], want["sequence"], "{args:?}");
        assert_eq!(got["labels"], want["labels"], "{args:?}");
        let (g, w) = (
            got["scores"].as_array().unwrap(),
            want["scores"].as_array().unwrap(),
        );
        assert_eq!(g.len(), w.len());
        for (g, w) in g.iter().zip(w) {
            let diff = (g.as_f64().unwrap() - w.as_f64().unwrap()).abs();
            assert!(diff < TOLERANCE, "{args:?}: {g} vs {w}");
        }
    }
}
