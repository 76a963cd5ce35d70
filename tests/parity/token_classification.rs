//! token-classification parity: a tiny random BertForTokenClassification made with transformers
//! (tests/fixtures/parity/make_bert_heads_fixtures.py) gives, through hftutor's normal loading
//! path, the same entities as transformers' pipeline under all five aggregation strategies:
//! labels, words and offsets exactly, scores within 1e-4.

use crate::parity;

use hftutor::domain::Aggregation;
use hftutor::domain::RunParams;
use hftutor::domain::Task;
use hftutor::inference::Pipeline;
use hftutor::inference::PipelineError;

fn load() -> Box<dyn Pipeline> {
    parity::load(Task::TokenClassification, "bert_ner")
}

#[test]
fn every_aggregation_strategy_matches_transformers() {
    let (_, grouped_words) = parity::entities_parity("bert_ner", 25);
    // The fixture really exercises grouping: some entities span several words.
    assert!(grouped_words > 0);
}

#[test]
fn strategies_parse_by_name_and_unknown_ones_are_explained() {
    assert_eq!("simple".parse::<Aggregation>(), Ok(Aggregation::Simple));
    assert_eq!(" MAX ".parse::<Aggregation>(), Ok(Aggregation::Max));
    assert_eq!(
        "grouped".parse::<Aggregation>().map_err(|e| e.to_string()),
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
