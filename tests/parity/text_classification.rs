//! text-classification parity: tiny random BertForSequenceClassification and
//! DistilBertForSequenceClassification models made with transformers
//! (tests/fixtures/parity/make_bert_heads_fixtures.py) are picked by their config's
//! `architectures` and give the same labels as transformers' pipeline (scores within 1e-4), with
//! `top_k` 1 (its default) and every label.

use crate::parity;

#[test]
fn bert_sequence_classification_matches_transformers() {
    parity::classification_parity("bert_cls", 6);
}

#[test]
fn distilbert_sequence_classification_matches_transformers() {
    parity::classification_parity("distilbert_cls", 6);
}
