//! The `check:` block of an exercise: which conditions it has (the tasks each fits are in the task
//! registry, `domain::TaskSpec::checks`), and the rules on their values (bounds in range, min ≤ max, a regex that compiles…).

use crate::domain::Task;

use super::check_classes as classes;
use super::did_you_mean;
use super::raw::{RawBounds, RawCheck, Texts};
use super::report::Report;
use super::types::{Agreement, Bounds, Check, CodeCheck};
use super::yaml_doc::YamlDoc;

/// What the check needs to know about the rest of the exercise.
pub struct Context {
    pub task: Option<Task>,
    pub text_inputs: usize,
    pub runs: usize,
    /// Whether any run can sample (temperature above 0 in params, or set by an input).
    pub can_sample: bool,
    /// Whether an input is the student's prediction (itself a condition: the guess must be right).
    pub has_prediction: bool,
    /// A code exercise: its inputs are whatever the code passes, so their count isn't known.
    pub code: bool,
}

#[derive(Clone, Copy, PartialEq)]
enum Scale {
    /// A cosine similarity: -1 to 1.
    Similarity,
    /// The difference of two similarities: -2 to 2.
    Gap,
    /// A count: whole, 0 or more.
    Count,
    /// A probability or a share: 0 to 1.
    Probability,
}

pub fn convert(doc: &YamlDoc, raw: RawCheck, ctx: &Context, report: &mut Report) -> Check {
    let set: Vec<&str> = [
        ("similarity", raw.similarity.is_some()),
        ("similarity_gap", raw.similarity_gap.is_some()),
        ("contains", raw.contains.is_some()),
        ("not_contains", raw.not_contains.is_some()),
        ("input_not_contains", raw.input_not_contains.is_some()),
        ("regex", raw.regex.is_some()),
        ("words", raw.words.is_some()),
        ("tokens", raw.tokens.is_some()),
        ("pieces_in_a_word", raw.pieces_in_a_word.is_some()),
        ("runs_agree", raw.runs_agree.is_some()),
        ("shared_words", raw.shared_words.is_some()),
        ("same_words", raw.same_words == Some(true)),
        ("distinct_inputs", raw.distinct_inputs == Some(true)),
        ("label", raw.label.is_some()),
        ("score", raw.score.is_some()),
        ("rank", raw.rank.is_some()),
        ("accuracy", raw.accuracy.is_some()),
        ("entities", raw.entities.is_some()),
    ]
    .into_iter()
    .filter(|(_, on)| *on)
    .map(|(name, _)| name)
    .collect();

    let code_set: Vec<&str> = [
        ("keywords", raw.keywords.is_some()),
        ("printed", raw.printed.is_some()),
        ("not_printed", raw.not_printed.is_some()),
        ("code_contains", raw.code_contains.is_some()),
        ("code_not_contains", raw.code_not_contains.is_some()),
    ]
    .into_iter()
    .filter(|(_, on)| *on)
    .map(|(name, _)| name)
    .collect();
    if !ctx.code {
        for name in &code_set {
            report.error(
                doc.pos(&format!("check.{name}")),
                format!(
                    "check \"{name}\" judges a code cell: use it in an exercise with `kind: code`"
                ),
            );
        }
    }
    // A code exercise always judges that its code ran and called the task's pipeline.
    if set.is_empty() && code_set.is_empty() && !ctx.has_prediction && !ctx.code {
        report.error(
            doc.pos("check"),
            "check has no condition: add at least one (similarity, contains, words, runs_agree, …)",
        );
    }
    if let Some(task) = ctx.task {
        for name in &set {
            if !task.judged_by(name) {
                let names: Vec<&str> = Task::ALL
                    .iter()
                    .filter(|t| t.judged_by(name))
                    .map(|t| t.name())
                    .collect();
                report.error(
                    doc.pos(&format!("check.{name}")),
                    format!(
                        "check \"{name}\" doesn't fit task {task}: it works with {}",
                        names.join(", ")
                    ),
                );
            }
        }
    }
    for name in ["shared_words", "same_words", "distinct_inputs"] {
        if set.contains(&name) && ctx.text_inputs < 2 && !ctx.code {
            report.error(
                doc.pos(&format!("check.{name}")),
                format!(
                    "check \"{name}\" compares the text inputs, but the exercise has {}: give it at least 2",
                    if ctx.text_inputs == 1 { "only 1".to_string() } else { "none".to_string() }
                ),
            );
        }
    }

    if set.contains(&"similarity_gap") && ctx.text_inputs != 3 && !ctx.code {
        report.error(
            doc.pos("check.similarity_gap"),
            format!(
                "check \"similarity_gap\" compares sentence 1 with sentence 2, then with sentence 3, but the exercise has {} text input{}: give it exactly 3",
                ctx.text_inputs,
                if ctx.text_inputs == 1 { "" } else { "s" }
            ),
        );
    }

    let runs_agree = raw
        .runs_agree
        .as_deref()
        .and_then(|v| agreement(doc, v, ctx, report));
    if let Some(re) = &raw.regex {
        if let Err(e) = regex::Regex::new(re) {
            let why = e
                .to_string()
                .lines()
                .rev()
                .find(|l| !l.trim().is_empty())
                .unwrap_or_default()
                .trim()
                .to_string();
            let why = why.strip_prefix("error: ").unwrap_or(&why).to_string();
            report.error(
                doc.value_pos("check.regex"),
                format!("check \"regex\" doesn't compile: {why}"),
            );
        }
    }

    Check {
        similarity: bounds(doc, "similarity", raw.similarity, Scale::Similarity, report),
        similarity_gap: bounds(
            doc,
            "similarity_gap",
            raw.similarity_gap,
            Scale::Gap,
            report,
        ),
        contains: texts(doc, "contains", raw.contains, report),
        not_contains: texts(doc, "not_contains", raw.not_contains, report),
        input_not_contains: texts(doc, "input_not_contains", raw.input_not_contains, report),
        regex: raw.regex,
        words: bounds(doc, "words", raw.words, Scale::Count, report),
        tokens: bounds(doc, "tokens", raw.tokens, Scale::Count, report),
        pieces_in_a_word: bounds(
            doc,
            "pieces_in_a_word",
            raw.pieces_in_a_word,
            Scale::Count,
            report,
        ),
        runs_agree,
        shared_words: bounds(doc, "shared_words", raw.shared_words, Scale::Count, report),
        same_words: raw.same_words.unwrap_or(false),
        distinct_inputs: raw.distinct_inputs.unwrap_or(false),
        label: classes::labels(doc, raw.label, ctx, report),
        score: bounds(doc, "score", raw.score, Scale::Probability, report),
        rank: raw.rank.and_then(|r| classes::rank(doc, r, report)),
        accuracy: bounds(doc, "accuracy", raw.accuracy, Scale::Probability, report),
        entities: texts(doc, "entities", raw.entities, report),
        code: CodeCheck {
            keywords: texts(doc, "keywords", raw.keywords, report),
            printed: texts(doc, "printed", raw.printed, report),
            not_printed: texts(doc, "not_printed", raw.not_printed, report),
            code_contains: texts(doc, "code_contains", raw.code_contains, report),
            code_not_contains: texts(doc, "code_not_contains", raw.code_not_contains, report),
        },
    }
}

fn agreement(doc: &YamlDoc, value: &str, ctx: &Context, report: &mut Report) -> Option<Agreement> {
    let pos = doc.value_pos("check.runs_agree");
    let a = match value.trim() {
        "same" => Agreement::Same,
        "different" => Agreement::Different,
        other => {
            let hint = did_you_mean::suggestion(other, ["same", "different"]);
            report.error(
                pos,
                format!(
                    "check \"runs_agree\" must be \"same\" or \"different\", not \"{other}\"{hint}"
                ),
            );
            return None;
        }
    };
    if ctx.task.is_some_and(|t| t != Task::TextGeneration) {
        return Some(a); // already reported: runs_agree doesn't fit the task
    }
    if ctx.runs < 2 {
        report.error(
            doc.pos("check.runs_agree"),
            "check \"runs_agree\" compares several runs: set `runs: 2` or more",
        );
    }
    if a == Agreement::Different && !ctx.can_sample {
        report.error(
            doc.pos("check.runs_agree"),
            "runs_agree: different can't pass with greedy decoding (temperature 0): set params.temperature above 0, or add an input with `param: temperature`",
        );
    }
    Some(a)
}

fn texts(doc: &YamlDoc, name: &str, raw: Option<Texts>, report: &mut Report) -> Vec<String> {
    let list = raw.map(|t| t.0).unwrap_or_default();
    if list.iter().any(|s| s.trim().is_empty()) {
        report.error(
            doc.pos(&format!("check.{name}")),
            format!("check \"{name}\" has an empty text, which matches everything: remove it"),
        );
    }
    list
}

fn bounds(
    doc: &YamlDoc,
    name: &str,
    raw: Option<RawBounds>,
    scale: Scale,
    report: &mut Report,
) -> Option<Bounds> {
    let raw = raw?;
    let here = format!("check.{name}");
    if raw.min.is_none() && raw.max.is_none() {
        let example = if scale == Scale::Count {
            "{min: 1}"
        } else {
            "{min: 0.6}"
        };
        report.error(
            doc.pos(&here),
            format!("check \"{name}\" needs min or max, e.g. `{name}: {example}`"),
        );
        return None;
    }
    for (key, v) in [("min", raw.min), ("max", raw.max)] {
        let Some(v) = v else { continue };
        let pos = doc.pos(&format!("{here}.{key}"));
        match scale {
            Scale::Similarity if !(-1.0..=1.0).contains(&v) => report.error(
                pos,
                format!("{name} {key} {v} is outside -1 to 1: a cosine similarity is never above 1 or below -1"),
            ),
            Scale::Gap if !(-2.0..=2.0).contains(&v) => report.error(
                pos,
                format!("{name} {key} {v} is outside -2 to 2: two similarities never differ by more than 2"),
            ),
            Scale::Probability if !(0.0..=1.0).contains(&v) => report.error(
                pos,
                format!("{name} {key} {v} is outside 0 to 1: write 0.8 for 80%"),
            ),
            Scale::Count if v < 0.0 => {
                report.error(pos, format!("{name} {key} {v} is negative: counts start at 0"))
            }
            Scale::Count if v.fract() != 0.0 => {
                report.error(pos, format!("{name} {key} {v} is not a whole number"))
            }
            _ => {}
        }
    }
    if let (Some(lo), Some(hi)) = (raw.min, raw.max) {
        if lo > hi {
            report.error(
                doc.pos(&here),
                format!(
                    "{name}: min {lo} is above max {hi}, so nothing can pass: swap them or fix one"
                ),
            );
        }
    }
    Some(Bounds {
        min: raw.min,
        max: raw.max,
    })
}
