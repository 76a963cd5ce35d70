//! RoBERTa-family and ModernBERT parity: tiny random RobertaForSequenceClassification,
//! XLMRobertaForSequenceClassification, ModernBertForSequenceClassification (mean pooling,
//! sliding-window layers), RobertaForMaskedLM, ModernBertForMaskedLM and
//! RobertaForTokenClassification models made with transformers
//! (tests/fixtures/parity/make_roberta_fixtures.py, byte-level BPE tokenizers) give, through
//! hftutor's normal loading path, the same outputs as transformers' pipelines: labels, tokens,
//! token strings (`Ġ` decoded to a space) and sequences exactly, scores within 1e-4.

use std::path::PathBuf;

use hftutor::course::ModelRef;
use hftutor::models::Provision;
use hftutor::pipelines::token_classification::Aggregation;
use hftutor::pipelines::{self, Pipeline, PipelineError, PipelineOutput, RunParams};
use hftutor::task::Task;
use serde_json::Value;

const TOLERANCE: f64 = 1e-4;

fn folder(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/parity")
        .join(name)
}

fn load(task: Task, name: &str) -> Box<dyn Pipeline> {
    pipelines::load(
        task,
        &ModelRef::new(folder(name).to_string_lossy()),
        &Provision::from_env(),
        &mut |_| {},
    )
    .unwrap_or_else(|e| panic!("the fixture model {name} loads: {e}"))
}

fn expected(name: &str) -> Value {
    let text = std::fs::read_to_string(folder(name).join("expected.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

fn close(name: &str, got: f32, want: &Value, worst: &mut f64) {
    let diff = (f64::from(got) - want.as_f64().unwrap()).abs();
    assert!(diff < TOLERANCE, "{name}: score {got} vs {want}");
    *worst = worst.max(diff);
}

fn classification_parity(name: &str) -> f64 {
    let mut p = load(Task::TextClassification, name);
    let exp = expected(name);
    let runs = exp["text_classification"].as_array().unwrap();
    assert_eq!(runs.len(), 8);
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

fn fill_mask_parity(name: &str) -> f64 {
    let mut p = load(Task::FillMask, name);
    let exp = expected(name);
    let runs = exp["fill_mask"].as_array().unwrap();
    assert_eq!(runs.len(), 10);
    let mut worst: f64 = 0.0;
    let mut spaced = 0;
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
        let out = p
            .run(&[text.to_string()], &params, 1, &mut |_| true)
            .unwrap();
        let PipelineOutput::FillMask(mut per_text) = out else {
            panic!("fill-mask output expected, got {out:?}")
        };
        let got = per_text.remove(0);
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
                close(&ctx, g.score, &w["score"], &mut worst);
                spaced += usize::from(g.token_str.starts_with(' '));
            }
        }
    }
    // Byte-level BPE words start with Ġ; transformers shows it as a space, and so must we.
    assert!(spaced > 0, "{name}: no guess started with a space");
    eprintln!("{name}: largest score difference {worst:.2e}");
    worst
}

#[test]
fn roberta_sequence_classification_matches_transformers() {
    classification_parity("roberta_cls");
}

#[test]
fn xlm_roberta_sequence_classification_matches_transformers() {
    classification_parity("xlm_roberta_cls");
}

#[test]
fn modernbert_sequence_classification_matches_transformers() {
    classification_parity("modernbert_cls");
}

#[test]
fn roberta_fill_mask_matches_transformers() {
    fill_mask_parity("roberta_mlm");
}

#[test]
fn modernbert_fill_mask_matches_transformers() {
    fill_mask_parity("modernbert_mlm");
}

#[test]
fn a_text_without_the_mask_token_names_the_models_own_mask_token() {
    for (name, mask) in [("roberta_mlm", "<mask>"), ("modernbert_mlm", "[MASK]")] {
        let mut p = load(Task::FillMask, name);
        let err = p
            .run(
                &["Paris is the [MASK] of France.".replace("[MASK]", "capital")],
                &RunParams::default(),
                1,
                &mut |_| true,
            )
            .unwrap_err();
        let PipelineError::BadInput(msg) = err else {
            panic!("bad input expected, got {err:?}")
        };
        assert!(
            msg.starts_with(&format!(
                "there is no {mask} in your text: put {mask} where"
            )),
            "{msg}"
        );
    }
    // BERT's [MASK] typed into a RoBERTa model isn't its mask token.
    let mut p = load(Task::FillMask, "roberta_mlm");
    let err = p.run(
        &["Paris is the [MASK] of France.".to_string()],
        &RunParams::default(),
        1,
        &mut |_| true,
    );
    assert!(
        matches!(&err, Err(PipelineError::BadInput(m)) if m.contains("<mask>")),
        "{err:?}"
    );
}

#[test]
fn long_texts_are_cut_to_the_roberta_position_limit_and_say_so() {
    let mut p = load(Task::TextClassification, "roberta_cls");
    let long = "the cat sat on the mat. ".repeat(40);
    let out = p
        .run(&[long], &RunParams::default(), 1, &mut |_| true)
        .unwrap();
    assert!(matches!(out, PipelineOutput::Labels(_)));
    let notes = p.last_notes();
    assert_eq!(notes.len(), 1, "{notes:?}");
    // 66 position embeddings, positions starting at pad_token_id + 1 = 2: 64 tokens fit.
    assert!(
        notes[0].contains("only its first 64 were read"),
        "{notes:?}"
    );
}

#[test]
fn roberta_token_classification_matches_transformers() {
    let name = "roberta_ner";
    let exp = expected(name);
    let runs = exp["token_classification"].as_array().unwrap();
    assert_eq!(runs.len(), 10);
    let mut p = load(Task::TokenClassification, name);
    let mut worst: f64 = 0.0;
    for run in runs {
        let text = run["text"].as_str().unwrap();
        let strategy = run["aggregation_strategy"].as_str().unwrap();
        let how: Aggregation = strategy.parse().unwrap();
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
        let got = per_text.remove(0);
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
            close(&ctx, g.score, &w["score"], &mut worst);
        }
    }
    eprintln!("{name}: largest score difference {worst:.2e}");
}

#[test]
fn a_roberta_folder_without_tokenizer_config_still_finds_its_mask_token() {
    // roberta-base and distilroberta-base ship no tokenizer_config.json.
    let dir = tempfile::tempdir().unwrap();
    for f in ["config.json", "model.safetensors", "tokenizer.json"] {
        std::fs::copy(folder("roberta_mlm").join(f), dir.path().join(f)).unwrap();
    }
    let mut p = pipelines::load(
        Task::FillMask,
        &ModelRef::new(dir.path().to_string_lossy()),
        &Provision::from_env(),
        &mut |_| {},
    )
    .expect("loads without tokenizer_config.json");
    let exp = expected("roberta_mlm");
    let run = &exp["fill_mask"][0];
    let out = p
        .run(
            &[run["text"].as_str().unwrap().to_string()],
            &RunParams::default(),
            1,
            &mut |_| true,
        )
        .unwrap();
    let PipelineOutput::FillMask(per_text) = out else {
        panic!("fill-mask output expected, got {out:?}")
    };
    assert_eq!(
        per_text[0][0][0].token_str,
        run["output"][0]["token_str"].as_str().unwrap()
    );
}
