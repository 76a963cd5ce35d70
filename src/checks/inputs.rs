//! Conditions on what the student typed (shared words, same words, distinct inputs, forbidden
//! words): judged without a model, so the validator can test solutions with them too.

use crate::course::Exercise;

use super::wording::{count_bounds, plural, quoted, MANY};
use super::words::{mentions, shared, words};
use super::Condition;

/// The input conditions of the exercise's check, judged on the pipeline texts.
pub fn input_conditions(exercise: &Exercise, texts: &[String]) -> Vec<Condition> {
    let check = &exercise.check;
    let mut out = Vec::new();
    if check.distinct_inputs {
        out.push(distinct(texts));
    }
    if check.same_words {
        out.push(same_words(texts));
    }
    if let Some(b) = &check.shared_words {
        let common = shared(texts);
        let n = common.len();
        let passed = b.contains(n as f64);
        let listed = if n == 0 {
            String::new()
        } else {
            format!(" ({})", quoted(&common))
        };
        let detail = if n == 0 && passed {
            "your sentences share no word".to_string()
        } else if passed {
            format!(
                "your sentences share {}{listed} (goal: {})",
                plural(n, "word"),
                count_bounds(b)
            )
        } else if n == 0 {
            format!(
                "your sentences share no word; the goal is {}",
                count_bounds(b)
            )
        } else {
            format!(
                "your sentences share {}{listed}; the goal is {}",
                plural(n, "word"),
                count_bounds(b)
            )
        };
        out.push(Condition { passed, detail });
    }
    let banned = &check.input_not_contains;
    if banned.len() >= MANY {
        let used: Vec<String> = banned
            .iter()
            .filter(|b| texts.iter().any(|t| mentions(t, b)))
            .cloned()
            .collect();
        out.push(if used.is_empty() {
            Condition {
                passed: true,
                detail: format!("your input uses none of {}", quoted(banned)),
            }
        } else {
            Condition {
                passed: false,
                detail: format!(
                    "your input uses {}: get there without typing {}",
                    quoted(&used),
                    if used.len() == 1 { "it" } else { "them" }
                ),
            }
        });
        return out;
    }
    for banned in banned {
        let used = texts.iter().any(|t| mentions(t, banned));
        out.push(if used {
            Condition {
                passed: false,
                detail: format!("your input uses \"{banned}\": get there without typing it"),
            }
        } else {
            Condition {
                passed: true,
                detail: format!("your input doesn't use \"{banned}\""),
            }
        });
    }
    out
}

fn distinct(texts: &[String]) -> Condition {
    let norm: Vec<Vec<String>> = texts.iter().map(|t| words(t)).collect();
    for i in 0..texts.len() {
        for j in i + 1..texts.len() {
            let same = if norm[i].is_empty() && norm[j].is_empty() {
                texts[i].trim() == texts[j].trim()
            } else {
                norm[i] == norm[j]
            };
            if same {
                return Condition {
                    passed: false,
                    detail: format!(
                        "sentences {} and {} are the same: change one of them",
                        i + 1,
                        j + 1
                    ),
                };
            }
        }
    }
    let detail = if texts.len() == 2 {
        "the two sentences are different".to_string()
    } else {
        "all sentences are different".to_string()
    };
    Condition {
        passed: true,
        detail,
    }
}

fn same_words(texts: &[String]) -> Condition {
    let lists: Vec<Vec<String>> = texts.iter().map(|t| words(t)).collect();
    let sorted: Vec<Vec<String>> = lists
        .iter()
        .map(|w| {
            let mut w = w.clone();
            w.sort();
            w
        })
        .collect();
    let Some(first) = sorted.first() else {
        return Condition {
            passed: false,
            detail: "there are no sentences to compare".into(),
        };
    };
    for (i, other) in sorted.iter().enumerate().skip(1) {
        if other != first {
            let only_first = difference(&lists[0], &lists[i]);
            let only_other = difference(&lists[i], &lists[0]);
            let mut parts = Vec::new();
            if !only_first.is_empty() {
                parts.push(format!("{} only in sentence 1", quoted(&only_first)));
            }
            if !only_other.is_empty() {
                parts.push(format!(
                    "{} only in sentence {}",
                    quoted(&only_other),
                    i + 1
                ));
            }
            let detail = if parts.is_empty() {
                format!("sentences 1 and {} don't use the same words", i + 1)
            } else {
                format!(
                    "the sentences don't use the same words: {}",
                    parts.join(", ")
                )
            };
            return Condition {
                passed: false,
                detail,
            };
        }
    }
    let in_order = texts
        .iter()
        .all(|t| words(t) == texts.first().map(|f| words(f)).unwrap_or_default());
    let detail = if in_order {
        "the sentences use the same words".to_string()
    } else {
        format!(
            "the sentences use the same {} in a different order",
            plural(first.len(), "word")
        )
    };
    Condition {
        passed: true,
        detail,
    }
}

/// Words of `a` not matched in `b` (as multisets).
fn difference(a: &[String], b: &[String]) -> Vec<String> {
    let mut rest: Vec<&String> = b.iter().collect();
    let mut out = Vec::new();
    for w in a {
        match rest.iter().position(|x| *x == w) {
            Some(i) => {
                rest.remove(i);
            }
            None => {
                if !out.contains(w) {
                    out.push(w.clone());
                }
            }
        }
    }
    out
}
