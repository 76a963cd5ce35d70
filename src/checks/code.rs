//! Judging a code cell (`kind: code`): that it ran and called the exercise's pipeline, then the
//! `check:` conditions on that call's output (the same ones a fields exercise has), on the
//! keywords it was given, on what the code printed, and on the code itself. It is handed what the
//! cell did (`CellOutcome`); it never runs Python or a model.

use crate::course::{CodeCheck, Exercise};
use crate::domain::PipelineOutput;

use super::{input_conditions, output, Condition, Verdict};

/// What a run of a code cell did, as the checks see it.
#[derive(Debug, Clone, Copy)]
pub struct CellOutcome<'a> {
    /// The code with its comments blanked.
    pub code: &'a str,
    /// What it printed, and its last expression's value.
    pub printed: &'a str,
    /// The exception it stopped with, as its traceback's last line (`NameError: …`).
    pub error: Option<&'a str>,
    /// The last call of the exercise's task, if it made one.
    pub judged: Option<JudgedCall<'a>>,
}

/// One pipeline call, as the checks read it.
#[derive(Debug, Clone, Copy)]
pub struct JudgedCall<'a> {
    /// Its inputs, as a fields exercise would hold them.
    pub texts: &'a [String],
    /// The keyword arguments it (and its `pipeline(…)`) was given.
    pub keywords: &'a [String],
    pub output: &'a PipelineOutput,
}

/// Judges a code cell's run.
pub fn judge(exercise: &Exercise, cell: &CellOutcome) -> Verdict {
    let check = &exercise.check;
    let mut conditions = Vec::new();
    if let Some(error) = cell.error {
        conditions.push(Condition {
            passed: false,
            detail: format!("your code stopped: {error}"),
        });
    }
    let task = exercise.task;
    let name = task.spec().transformers.unwrap_or(task.name());
    match cell.judged {
        // The error says what went wrong; "never ran a pipeline" would only add noise.
        None if cell.error.is_some() => {}
        None => conditions.push(Condition {
            passed: false,
            detail: format!(
                "your code never ran a {name} pipeline: make one with pipeline(\"{name}\") and call it on a text"
            ),
        }),
        Some(call) => {
            conditions.push(Condition {
                passed: true,
                detail: format!("your code ran a {name} pipeline"),
            });
            conditions.extend(input_conditions(exercise, call.texts));
            conditions.extend(output::output_conditions(check, call.texts, call.output));
            conditions.extend(keywords(&check.code, call.keywords));
        }
    }
    if cell.error.is_none() {
        conditions.extend(printed(&check.code, cell.printed));
        conditions.extend(not_printed(&check.code, cell.printed));
    }
    conditions.extend(code(&check.code, cell.code));
    let passed = conditions.iter().all(|c| c.passed);
    Verdict {
        passed,
        details: conditions.into_iter().map(|c| c.detail).collect(),
        feedback: if passed {
            exercise.feedback.pass.clone()
        } else {
            exercise.feedback.fail.clone()
        },
    }
}

fn keywords(check: &CodeCheck, used: &[String]) -> Vec<Condition> {
    check
        .keywords
        .iter()
        .map(|k| {
            let passed = used.iter().any(|u| u == k);
            Condition {
                passed,
                detail: if passed {
                    format!("you gave the pipeline {k}=")
                } else {
                    format!("give the pipeline {k}=… (it was given {})", given(used))
                },
            }
        })
        .collect()
}

fn given(used: &[String]) -> String {
    if used.is_empty() {
        "no keyword".to_string()
    } else {
        used.iter()
            .map(|u| format!("{u}="))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn printed(check: &CodeCheck, printed: &str) -> Vec<Condition> {
    let lower = printed.to_lowercase();
    check
        .printed
        .iter()
        .map(|p| {
            let passed = lower.contains(&p.to_lowercase());
            Condition {
                passed,
                detail: if passed {
                    format!("your output shows \"{p}\"")
                } else if printed.trim().is_empty() {
                    format!("your code showed nothing; the goal is an output with \"{p}\" (print it, or end with it)")
                } else {
                    format!("your output doesn't show \"{p}\"")
                },
            }
        })
        .collect()
}

fn not_printed(check: &CodeCheck, printed: &str) -> Option<Condition> {
    if check.not_printed.is_empty() {
        return None;
    }
    let lower = printed.to_lowercase();
    let shown: Vec<String> = check
        .not_printed
        .iter()
        .filter(|p| lower.contains(&p.to_lowercase()))
        .cloned()
        .collect();
    Some(if shown.is_empty() {
        Condition {
            passed: true,
            detail: format!(
                "your output shows none of \"{}\"",
                check.not_printed.join("\", \"")
            ),
        }
    } else {
        Condition {
            passed: false,
            detail: format!("your output shows \"{}\"", shown.join("\", \"")),
        }
    })
}

fn code(check: &CodeCheck, code: &str) -> Vec<Condition> {
    let mut out = Vec::new();
    for c in &check.code_contains {
        let passed = code.contains(c.as_str());
        out.push(Condition {
            passed,
            detail: if passed {
                format!("your code uses {c}")
            } else {
                format!("your code doesn't use {c} yet (comments don't count)")
            },
        });
    }
    let banned: Vec<String> = check
        .code_not_contains
        .iter()
        .filter(|b| code.contains(b.as_str()))
        .cloned()
        .collect();
    if !check.code_not_contains.is_empty() {
        out.push(if banned.is_empty() {
            Condition {
                passed: true,
                detail: format!(
                    "your code doesn't write {} itself",
                    check.code_not_contains.join(" or ")
                ),
            }
        } else {
            Condition {
                passed: false,
                detail: format!(
                    "your code writes {} itself: let the model give it",
                    banned.join(" and ")
                ),
            }
        });
    }
    out
}

/// The code conditions alone, judged without running anything (for a lesson's solutions and
/// counterexamples when the course loads).
pub fn static_conditions(check: &CodeCheck, code_without_comments: &str) -> Vec<Condition> {
    code(check, code_without_comments)
}
