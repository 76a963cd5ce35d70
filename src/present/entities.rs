//! token-classification entities as plain lines.

use crate::domain::Entity;

/// Plain lines for the command line: one entity per line.
pub fn describe(inputs: &[String], per_text: &[Vec<Entity>]) -> Vec<String> {
    let mut out = Vec::new();
    for (text, entities) in inputs.iter().zip(per_text) {
        out.push(format!("{text:?}: {} entities", entities.len()));
        for e in entities {
            let label = e
                .entity_group
                .as_deref()
                .or(e.entity.as_deref())
                .unwrap_or("");
            out.push(format!(
                "  {label:<6} {:.4}  {:?} ({}..{})",
                e.score, e.word, e.start, e.end
            ));
        }
    }
    out
}
