//! The text checks `contains`, `not_contains` and `regex`, over generated text (one text per run,
//! whole words) or over tokenize output (pieces, matched anywhere).

use crate::course::{Bounds, Check};
use crate::domain::Generation;
use crate::domain::PipelineOutput;
use crate::domain::TokenInfo;

use super::wording::{count_bounds, plural, quoted, MANY};
use super::words::{mentions, words};
use super::Condition;

fn fail(detail: String) -> Condition {
    Condition {
        passed: false,
        detail,
    }
}

pub(super) fn generation_text(check: &Check, runs: &[Generation]) -> Vec<Condition> {
    if runs.is_empty() {
        return vec![fail("the model gave no text".into())];
    }
    let texts: Vec<&str> = runs.iter().map(|g| g.text.as_str()).collect();
    text_conditions(check, &texts, "the text", true)
}

pub(super) fn token_text(check: &Check, per_input: &[Vec<TokenInfo>]) -> Vec<Condition> {
    let joined: String = per_input
        .iter()
        .map(|toks| {
            toks.iter()
                .map(|t| t.token.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join(" ");
    // Token pieces are not words: "ðŁ" or "##able" match part of a piece.
    text_conditions(check, &[joined.as_str()], "the tokens", false)
}

/// The text a teacher means when checking a result that is not generated text, with its name:
/// the model's first guess (fill-mask), the entities found (words, `|`-separated), the best
/// answer, the transcript, the summary or translation. One text per input.
pub(super) fn answer_texts(output: &PipelineOutput) -> Option<(Vec<String>, &'static str)> {
    Some(match output {
        PipelineOutput::FillMask(per_text) => (
            per_text
                .iter()
                .map(|masks| {
                    let firsts: Vec<&str> = masks
                        .iter()
                        .filter_map(|m| m.first())
                        .map(|f| f.token_str.trim())
                        .collect();
                    firsts.join(" ")
                })
                .collect(),
            "the model's guess",
        ),
        PipelineOutput::Entities(per_text) => (
            per_text
                .iter()
                .map(|ents| {
                    let words: Vec<&str> = ents.iter().map(|e| e.word.as_str()).collect();
                    words.join(" | ")
                })
                .collect(),
            "the entities",
        ),
        PipelineOutput::Answers(per_question) => (
            per_question
                .iter()
                .map(|a| a.first().map(|a| a.answer.clone()).unwrap_or_default())
                .collect(),
            "the answer",
        ),
        PipelineOutput::Transcriptions(list) => (
            list.iter().map(|t| t.text.clone()).collect(),
            "the transcript",
        ),
        PipelineOutput::Seq2Seq(list) => {
            (list.iter().map(|t| t.text.clone()).collect(), "the text")
        }
        _ => return None,
    })
}

/// contains / not_contains / regex over the answer texts of [`answer_texts`].
pub(super) fn answer_text(check: &Check, texts: &[String], what: &str) -> Vec<Condition> {
    if texts.is_empty() {
        return vec![fail("the model gave no text".into())];
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    text_conditions(check, &refs, what, true)
}

/// `words` bounds over the answer texts: every text must be within them.
pub(super) fn word_count(b: &Bounds, texts: &[String], what: &str) -> Condition {
    let counts: Vec<usize> = texts.iter().map(|t| words(t).len()).collect();
    let off = counts.iter().find(|n| !b.contains(**n as f64));
    let shown = |n: usize| plural(n, "word");
    match off {
        Some(&n) => fail(format!(
            "{what} has {}, but the goal is {}",
            shown(n),
            count_bounds(b)
        )),
        None => Condition {
            passed: !counts.is_empty(),
            detail: match counts.first() {
                Some(&n) => format!("{what} has {} ({})", shown(n), count_bounds(b)),
                None => "the model gave no text".to_string(),
            },
        },
    }
}

/// contains / not_contains / regex over one text per run. `what` names the text ("the text",
/// or "the tokens", plural). `whole_words`: single words match whole words only (see
/// [`mentions`]); otherwise any part of the text. A list of [`MANY`] or more gives one line.
fn text_conditions(check: &Check, texts: &[&str], what: &str, whole_words: bool) -> Vec<Condition> {
    let has = |t: &str, w: &str| {
        if whole_words {
            mentions(t, w)
        } else {
            t.to_lowercase().contains(&w.to_lowercase())
        }
    };
    let n = texts.len();
    let plural = what.ends_with('s');
    let verb = |one: &str, many: &str| {
        if plural {
            many.to_string()
        } else {
            one.to_string()
        }
    };
    let run_name = |i: usize| {
        if n > 1 {
            format!("run {} of {n}: {what}", i + 1)
        } else {
            what.to_string()
        }
    };
    let every = if n > 1 {
        format!("every run's {}", what.trim_start_matches("the "))
    } else {
        what.to_string()
    };
    let mut out = Vec::new();
    // Long lists: one line, naming the first run that misses and what it misses.
    let listed = |list: &[String], want: bool| -> Option<(usize, Vec<String>)> {
        texts.iter().enumerate().find_map(|(i, t)| {
            let off: Vec<String> = list.iter().filter(|w| has(t, w) != want).cloned().collect();
            (!off.is_empty()).then_some((i, off))
        })
    };
    if check.contains.len() >= MANY {
        out.push(match listed(&check.contains, true) {
            Some((i, missing)) => fail(format!(
                "{} {} {}",
                run_name(i),
                verb("doesn't contain", "don't contain"),
                quoted(&missing)
            )),
            None => Condition {
                passed: true,
                detail: format!(
                    "{every} {} all of {}",
                    verb("contains", "contain"),
                    quoted(&check.contains)
                ),
            },
        });
    }
    if check.not_contains.len() >= MANY {
        out.push(match listed(&check.not_contains, false) {
            Some((i, found)) => fail(format!(
                "{} {} {}, which {} shouldn't",
                run_name(i),
                verb("contains", "contain"),
                quoted(&found),
                verb("it", "they")
            )),
            None => Condition {
                passed: true,
                detail: format!(
                    "{every} {} all of {}",
                    verb("avoids", "avoid"),
                    quoted(&check.not_contains)
                ),
            },
        });
    }
    let few = |list: &[String]| if list.len() >= MANY { 0 } else { list.len() };
    for word in &check.contains[..few(&check.contains)] {
        out.push(match texts.iter().position(|t| !has(t, word)) {
            Some(i) => fail(format!(
                "{} {} \"{word}\"",
                run_name(i),
                verb("doesn't contain", "don't contain")
            )),
            None => Condition {
                passed: true,
                detail: format!("{every} {} \"{word}\"", verb("contains", "contain")),
            },
        });
    }
    for word in &check.not_contains[..few(&check.not_contains)] {
        out.push(match texts.iter().position(|t| has(t, word)) {
            Some(i) => fail(format!(
                "{} {} \"{word}\", which {} shouldn't",
                run_name(i),
                verb("contains", "contain"),
                verb("it", "they")
            )),
            None => Condition {
                passed: true,
                detail: format!("{every} {} \"{word}\"", verb("avoids", "avoid")),
            },
        });
    }
    if let Some(pattern) = &check.regex {
        out.push(match regex::Regex::new(pattern) {
            Err(_) => fail(format!(
                "the pattern /{pattern}/ is broken: tell your teacher"
            )),
            Ok(re) => match texts.iter().position(|t| !re.is_match(t)) {
                Some(i) => fail(format!(
                    "{} {} the pattern /{pattern}/",
                    run_name(i),
                    verb("doesn't match", "don't match")
                )),
                None => Condition {
                    passed: true,
                    detail: format!(
                        "{every} {} the pattern /{pattern}/",
                        verb("matches", "match")
                    ),
                },
            },
        });
    }
    out
}
