//! RoBERTa-family and ModernBERT parity: tiny random RobertaForSequenceClassification,
//! XLMRobertaForSequenceClassification, ModernBertForSequenceClassification (mean pooling,
//! sliding-window layers), RobertaForMaskedLM, ModernBertForMaskedLM and
//! RobertaForTokenClassification models made with transformers
//! (tests/fixtures/parity/make_roberta_fixtures.py, byte-level BPE tokenizers) give, through
//! hftutor's normal loading path, the same outputs as transformers' pipelines: labels, tokens,
//! token strings (`Ġ` decoded to a space) and sequences exactly, scores within 1e-4.

use crate::parity;

use hftutor::domain::PipelineOutput;
use hftutor::domain::RunParams;
use hftutor::domain::Task;
use hftutor::inference::PipelineError;
use parity::{expected, folder, load};

fn classification_parity(name: &str) -> f64 {
    parity::classification_parity(name, 8)
}

fn fill_mask_parity(name: &str) -> f64 {
    let (worst, spaced) = parity::fill_mask_parity(name, 10);
    // Byte-level BPE words start with Ġ; transformers shows it as a space, and so must we.
    assert!(spaced > 0, "{name}: no guess started with a space");
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
    parity::entities_parity("roberta_ner", 10);
}

#[test]
fn a_roberta_folder_without_tokenizer_config_still_finds_its_mask_token() {
    // roberta-base and distilroberta-base ship no tokenizer_config.json.
    let dir = tempfile::tempdir().unwrap();
    for f in ["config.json", "model.safetensors", "tokenizer.json"] {
        std::fs::copy(folder("roberta_mlm").join(f), dir.path().join(f)).unwrap();
    }
    let mut p = parity::load_folder(Task::FillMask, dir.path());
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
