//! fill-mask parity: tiny random BERT and DistilBERT masked-LM models made with transformers
//! (tests/fixtures/parity/make_bert_heads_fixtures.py) give, through hftutor's normal loading
//! path, the same guesses as transformers' fill-mask pipeline: tokens, texts and sequences
//! exactly, scores within 1e-4.

use crate::parity;

use hftutor::domain::MaskFill;
use hftutor::domain::PipelineOutput;
use hftutor::domain::RunParams;
use hftutor::domain::Task;
use hftutor::inference::Pipeline;
use hftutor::inference::PipelineError;

fn load(name: &str) -> Box<dyn Pipeline> {
    parity::load(Task::FillMask, name)
}

fn fill(p: &mut Box<dyn Pipeline>, text: &str, params: &RunParams) -> Vec<Vec<MaskFill>> {
    let PipelineOutput::FillMask(mut per_text) = parity::run_one(p, text, params) else {
        panic!("fill-mask output expected")
    };
    assert_eq!(per_text.len(), 1);
    per_text.remove(0)
}

#[test]
fn bert_fill_mask_matches_transformers() {
    parity::fill_mask_parity("bert_mlm", 8);
}

#[test]
fn distilbert_fill_mask_matches_transformers() {
    parity::fill_mask_parity("distilbert_mlm", 8);
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
