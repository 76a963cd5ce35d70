//! The `entities` check (token-classification): each listed entity type must be found in every
//! text, e.g. `entities: [PER, LOC]` — "find a person and a place".

use crate::domain::Entity;
use crate::domain::PipelineOutput;

use super::Condition;

/// The entity type of a result: its group, or its per-token label without `B-` / `I-`.
pub fn entity_type(e: &Entity) -> &str {
    let raw = e
        .entity_group
        .as_deref()
        .or(e.entity.as_deref())
        .unwrap_or_default();
    raw.strip_prefix("B-")
        .or_else(|| raw.strip_prefix("I-"))
        .unwrap_or(raw)
}

/// One condition per wanted type and text.
pub fn conditions(wanted: &[String], output: &PipelineOutput) -> Vec<Condition> {
    let PipelineOutput::Entities(per_text) = output else {
        return vec![Condition {
            passed: false,
            detail: "this check needs entities, but the model gave something else".into(),
        }];
    };
    let n = per_text.len();
    let mut out = Vec::new();
    for (i, entities) in per_text.iter().enumerate() {
        let which = if n > 1 {
            format!("in text {}", i + 1)
        } else {
            "in your text".to_string()
        };
        for want in wanted {
            let found: Vec<&str> = entities
                .iter()
                .filter(|e| entity_type(e).eq_ignore_ascii_case(want.trim()))
                .map(|e| e.word.as_str())
                .collect();
            out.push(if found.is_empty() {
                let seen: Vec<String> = entities
                    .iter()
                    .map(|e| format!("{} ({})", e.word, entity_type(e)))
                    .collect();
                Condition {
                    passed: false,
                    detail: if seen.is_empty() {
                        format!("no {want} found {which}: the model found no entities at all")
                    } else {
                        format!(
                            "no {want} found {which}; the model found {}",
                            seen.join(", ")
                        )
                    },
                }
            } else {
                Condition {
                    passed: true,
                    detail: format!("{want} found {which}: {}", found.join(", ")),
                }
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ent(group: &str, word: &str) -> Entity {
        Entity {
            entity: None,
            entity_group: Some(group.into()),
            score: 0.9,
            word: word.into(),
            start: 0,
            end: word.len(),
            index: None,
        }
    }

    #[test]
    fn each_wanted_type_must_be_found() {
        let out = PipelineOutput::Entities(vec![vec![ent("PER", "Ada"), ent("LOC", "London")]]);
        let c = conditions(&["per".into(), "ORG".into()], &out);
        assert!(c[0].passed, "{c:?}");
        assert_eq!(c[0].detail, "per found in your text: Ada");
        assert!(!c[1].passed);
        assert_eq!(
            c[1].detail,
            "no ORG found in your text; the model found Ada (PER), London (LOC)"
        );
    }

    #[test]
    fn per_token_labels_lose_their_prefix() {
        let mut e = ent("x", "Paris");
        e.entity_group = None;
        e.entity = Some("B-LOC".into());
        assert_eq!(entity_type(&e), "LOC");
    }
}
