//! Tokenizers built from slow files (no tokenizer.json): the folders made by
//! tests/fixtures/parity/make_slow_tokenizer_fixtures.py (WordPiece from vocab.txt, uncased as
//! distilbert-base-uncased-finetuned-sst-2-english, cased as dslim/bert-base-NER, and with accents
//! kept; byte-level BPE from vocab.json + merges.txt, RoBERTa and GPT-2 style) give the ids,
//! tokens, offsets, type ids and word ids transformers' own fast tokenizer gave on the same
//! files, for single texts and pairs (offsets in characters, as Python gives them).

use crate::parity;

use hftutor::domain::ModelRef;
use hftutor::hub::{Provision, ProvisionEvent};
use hftutor::inference::tokenizers::load as load_tokenizer;
use serde_json::Value;
use tokenizers::{EncodeInput, Encoding, Tokenizer};

fn load(name: &str) -> (Tokenizer, Vec<String>, Value) {
    let folder = parity::folder("slow_tokenizers").join(name);
    assert!(
        !folder.join("tokenizer.json").exists(),
        "{name}: the fixture must have no tokenizer.json"
    );
    let mut notes = Vec::new();
    let tokenizer = load_tokenizer(
        &Provision::from_env(),
        &ModelRef::new(folder.to_string_lossy()),
        &mut |e| {
            if let ProvisionEvent::Note(n) = e {
                notes.push(n)
            }
        },
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    let text = std::fs::read_to_string(folder.join("expected.json")).expect("expected.json");
    let expected: Value = serde_json::from_str(&text).expect("expected.json parses");
    (tokenizer, notes, expected)
}

fn as_u32s(v: &Value) -> Vec<u32> {
    v.as_array()
        .expect("a list")
        .iter()
        .map(|x| x.as_u64().expect("a number") as u32)
        .collect()
}

fn check(name: &str, enc: &Encoding, want: &Value) {
    let ctx = format!("{name}: {} / {}", want["text"], want["pair"]);
    assert_eq!(
        enc.get_ids(),
        as_u32s(&want["ids"]).as_slice(),
        "{ctx}: ids"
    );
    let tokens: Vec<&str> = want["tokens"]
        .as_array()
        .expect("tokens")
        .iter()
        .map(|t| t.as_str().expect("a token"))
        .collect();
    assert_eq!(enc.get_tokens(), tokens.as_slice(), "{ctx}: tokens");
    let offsets: Vec<(usize, usize)> = want["offsets"]
        .as_array()
        .expect("offsets")
        .iter()
        .map(|o| {
            let o = as_u32s(o);
            (o[0] as usize, o[1] as usize)
        })
        .collect();
    assert_eq!(enc.get_offsets(), offsets.as_slice(), "{ctx}: offsets");
    assert_eq!(
        enc.get_type_ids(),
        as_u32s(&want["type_ids"]).as_slice(),
        "{ctx}: type ids"
    );
    let words: Vec<Option<u32>> = want["word_ids"]
        .as_array()
        .expect("word ids")
        .iter()
        .map(|w| w.as_u64().map(|w| w as u32))
        .collect();
    assert_eq!(enc.get_word_ids(), words.as_slice(), "{ctx}: word ids");
}

fn matches_transformers(name: &str, kind: &str) {
    let (tokenizer, notes, expected) = load(name);
    assert!(
        notes
            .iter()
            .any(|n| n.contains(&format!("building its {kind} tokenizer"))),
        "{name}: {notes:?}"
    );
    let singles = expected["singles"].as_array().expect("singles");
    assert!(singles.len() >= 10, "{name}: recorded texts");
    for want in singles {
        let text = want["text"].as_str().expect("text");
        let enc = tokenizer.encode_char_offsets(text, true).expect("encodes");
        check(name, &enc, want);
    }
    let pairs = expected["pairs"].as_array().expect("pairs");
    assert!(!pairs.is_empty(), "{name}: recorded pairs");
    for want in pairs {
        let (a, b) = (
            want["text"].as_str().expect("text"),
            want["pair"].as_str().expect("pair"),
        );
        let enc = tokenizer
            .encode_char_offsets(EncodeInput::Dual(a.into(), b.into()), true)
            .expect("encodes a pair");
        check(name, &enc, want);
    }
}

#[test]
fn uncased_wordpiece_from_vocab_txt_matches_transformers() {
    matches_transformers("wordpiece_uncased", "WordPiece");
}

#[test]
fn cased_wordpiece_with_special_tokens_map_matches_transformers() {
    matches_transformers("wordpiece_cased", "WordPiece");
}

#[test]
fn wordpiece_keeping_accents_and_cjk_words_matches_transformers() {
    matches_transformers("wordpiece_keep_accents", "WordPiece");
}

#[test]
fn roberta_bpe_from_vocab_json_and_merges_matches_transformers() {
    matches_transformers("bpe_roberta", "byte-level BPE");
}

#[test]
fn gpt2_bpe_from_vocab_json_and_merges_matches_transformers() {
    matches_transformers("bpe_gpt2", "byte-level BPE");
}
