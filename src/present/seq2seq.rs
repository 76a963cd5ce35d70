//! Summaries and translations as plain lines.

use crate::domain::Seq2SeqText;

/// Text lines for people: the input, then its summary or translation.
pub fn describe(inputs: &[String], results: &[Seq2SeqText]) -> Vec<String> {
    let mut lines = Vec::new();
    for (text, r) in inputs.iter().zip(results) {
        if inputs.len() > 1 {
            lines.push(format!("{text:?}"));
        }
        lines.push(r.text.clone());
    }
    lines
}
