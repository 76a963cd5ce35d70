//! fill-mask guesses as plain lines and as transformers' JSON.

use crate::domain::MaskFill;

/// transformers' JSON shape: a list of guesses for one mask, a list of such lists for several
/// masks; a list of those for several texts.
pub fn to_json(per_text: &[Vec<Vec<MaskFill>>]) -> serde_json::Value {
    let one = |masks: &Vec<Vec<MaskFill>>| match masks.as_slice() {
        [only] => serde_json::json!(only),
        _ => serde_json::json!(masks),
    };
    match per_text {
        [only] => one(only),
        _ => serde_json::Value::Array(per_text.iter().map(one).collect()),
    }
}

/// Plain lines for the command line: each guess with its score.
pub fn describe(inputs: &[String], per_text: &[Vec<Vec<MaskFill>>]) -> Vec<String> {
    let mut out = Vec::new();
    for (text, masks) in inputs.iter().zip(per_text) {
        out.push(format!("{text:?}"));
        for (m, fills) in masks.iter().enumerate() {
            if masks.len() > 1 {
                out.push(format!(" mask {}:", m + 1));
            }
            for f in fills {
                out.push(format!(
                    "  {:.4}  {}  → {}",
                    f.score, f.token_str, f.sequence
                ));
            }
        }
    }
    out
}
