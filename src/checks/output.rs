//! Conditions on what the pipeline gave back: similarity scores, generated texts over one or
//! more runs, tokens.

use crate::course::{Agreement, Bounds, Check};
use crate::domain::Generation;
use crate::domain::PipelineOutput;
use crate::domain::TokenInfo;

use super::place::{not_finite, place, Placed};
use super::text;
use super::wording::{count, count_bounds, plural, score, score_bounds};
use super::words::{word_spans, words};
use super::Condition;

fn fail(detail: String) -> Condition {
    Condition {
        passed: false,
        detail,
    }
}

fn kind(output: &PipelineOutput) -> &'static str {
    match output {
        PipelineOutput::Embeddings(_) => "embeddings",
        PipelineOutput::Similarities(_) => "similarity scores",
        PipelineOutput::Generations(_) => "generated text",
        PipelineOutput::Tokens(_) => "tokens",
        PipelineOutput::Labels(_) | PipelineOutput::ZeroShot(_) => "labels",
        PipelineOutput::Ranking(_) => "a ranking of documents",
        PipelineOutput::Trained(_) => "a trained classifier",
        PipelineOutput::FillMask(_) => "guesses for a masked word",
        PipelineOutput::Entities(_) => "entities",
        PipelineOutput::Answers(_) => "answers to a question",
        PipelineOutput::Transcriptions(_) => "a transcript",
        PipelineOutput::Seq2Seq(_) => "a summary or translation",
    }
}

fn wrong_output(output: &PipelineOutput, needed: &str) -> Condition {
    fail(format!(
        "this check needs {needed}, but the model gave {}",
        kind(output)
    ))
}

/// The output conditions of `check`, judged on `output`.
pub fn output_conditions(
    check: &Check,
    texts: &[String],
    output: &PipelineOutput,
) -> Vec<Condition> {
    let mut out = Vec::new();
    if let Some(b) = &check.similarity {
        out.extend(similarity(b, output));
    }
    if let Some(b) = &check.similarity_gap {
        out.push(super::gap::similarity_gap(b, output));
    }
    if check_text(check) {
        match output {
            PipelineOutput::Generations(runs) => out.extend(text::generation_text(check, runs)),
            PipelineOutput::Tokens(tokens) => out.extend(text::token_text(check, tokens)),
            other => match text::answer_texts(other) {
                Some((texts, what)) => out.extend(text::answer_text(check, &texts, what)),
                None => out.push(wrong_output(other, "text")),
            },
        }
    }
    if let Some(b) = &check.words {
        out.push(match output {
            PipelineOutput::Generations(runs) => per_run(
                runs,
                |g| {
                    let n = words(&g.text).len();
                    (b.contains(n as f64), plural(n, "word"))
                },
                |what| format!("the text has {what}"),
                b,
            ),
            other => match text::answer_texts(other) {
                Some((texts, what)) => text::word_count(b, &texts, what),
                None => wrong_output(other, "generated text"),
            },
        });
    }
    if let Some(b) = &check.tokens {
        out.push(match output {
            PipelineOutput::Generations(runs) => per_run(
                runs,
                |g| {
                    let n = g.token_ids.len();
                    (b.contains(n as f64), plural(n, "token"))
                },
                |what| format!("the model wrote {what}"),
                b,
            ),
            PipelineOutput::Tokens(per_input) => input_token_counts(per_input, b),
            other => wrong_output(other, "tokens"),
        });
    }
    if let Some(b) = &check.pieces_in_a_word {
        out.push(pieces_in_a_word(b, texts, output));
    }
    if let Some(agreement) = check.runs_agree {
        out.push(match output {
            PipelineOutput::Generations(runs) => runs_agree(agreement, runs),
            other => wrong_output(other, "generated text"),
        });
    }
    out.extend(super::classes::conditions(check, output));
    if !check.entities.is_empty() {
        out.extend(super::entities::conditions(&check.entities, output));
    }
    out
}

fn check_text(check: &Check) -> bool {
    !check.contains.is_empty() || !check.not_contains.is_empty() || check.regex.is_some()
}

/// Cosine similarity of two vectors (0 when one is all zeros).
pub fn cosine(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum();
    let na: f64 = a.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    let nb: f64 = b.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

fn similarity(b: &Bounds, output: &PipelineOutput) -> Vec<Condition> {
    let scores: Vec<f64> = match output {
        PipelineOutput::Similarities(s) => s.iter().map(|v| f64::from(*v)).collect(),
        PipelineOutput::Embeddings(e) if e.len() >= 2 => {
            e[1..].iter().map(|v| cosine(&e[0], v)).collect()
        }
        PipelineOutput::Embeddings(_) => {
            return vec![fail("similarity needs at least two sentences".into())]
        }
        other => return vec![wrong_output(other, "similarity scores")],
    };
    if scores.is_empty() {
        return vec![fail("similarity needs at least two sentences".into())];
    }
    let several = scores.len() > 1;
    scores
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let prefix = if several {
                format!("sentence 1 and sentence {}: ", i + 2)
            } else {
                String::new()
            };
            let shown = score(v, b);
            match place(v, b) {
                Placed::NotFinite => {
                    return fail(not_finite(&format!("{prefix}the similarity"), v));
                }
                Placed::Below(min) => {
                    return fail(format!(
                        "{prefix}similarity {shown} is below the goal of {min:.2}"
                    ));
                }
                Placed::Above(max) => {
                    return fail(format!(
                        "{prefix}similarity {shown} is above the limit of {max:.2}"
                    ));
                }
                Placed::Within => {}
            }
            Condition {
                passed: true,
                detail: format!(
                    "{prefix}similarity {shown} meets the goal ({})",
                    score_bounds(b)
                ),
            }
        })
        .collect()
}

/// One condition over all runs: passes when every run passes; names the first run that doesn't.
fn per_run(
    runs: &[Generation],
    judge: impl Fn(&Generation) -> (bool, String),
    say: impl Fn(&str) -> String,
    b: &Bounds,
) -> Condition {
    if runs.is_empty() {
        return fail("the model gave no text".into());
    }
    let results: Vec<(bool, String)> = runs.iter().map(judge).collect();
    let goal = count_bounds(b);
    if runs.len() == 1 {
        let (ok, what) = &results[0];
        return if *ok {
            Condition {
                passed: true,
                detail: format!("{} (goal: {goal})", say(what)),
            }
        } else {
            fail(format!("{}; the goal is {goal}", say(what)))
        };
    }
    match results.iter().position(|(ok, _)| !ok) {
        Some(i) => fail(format!(
            "run {} of {}: {}; the goal is {goal}",
            i + 1,
            runs.len(),
            say(&results[i].1)
        )),
        None => Condition {
            passed: true,
            detail: format!("every run meets the goal ({goal})"),
        },
    }
}

fn input_token_counts(per_input: &[Vec<TokenInfo>], b: &Bounds) -> Condition {
    let goal = count_bounds(b);
    let counts: Vec<usize> = per_input
        .iter()
        .map(|toks| toks.iter().filter(|t| !t.special).count())
        .collect();
    if counts.is_empty() {
        return fail("there is no text to count".into());
    }
    let name = |i: usize| {
        if counts.len() > 1 {
            format!("text {}", i + 1)
        } else {
            "your text".to_string()
        }
    };
    match counts.iter().position(|&n| !b.contains(n as f64)) {
        Some(i) => fail(format!(
            "{} is {} (not counting special tokens); the goal is {goal}",
            name(i),
            plural(counts[i], "token")
        )),
        None if counts.len() == 1 => Condition {
            passed: true,
            detail: format!("your text is {} (goal: {goal})", plural(counts[0], "token")),
        },
        None => Condition {
            passed: true,
            detail: format!("every text meets the goal ({goal} tokens)"),
        },
    }
}

/// The word split into the most pieces: (word, pieces), over all inputs.
pub fn most_split_word(texts: &[String], per_input: &[Vec<TokenInfo>]) -> Option<(String, usize)> {
    let mut best: Option<(String, usize)> = None;
    for (text, tokens) in texts.iter().zip(per_input) {
        let spans = word_spans(text);
        let mut pieces = vec![0usize; spans.len()];
        for t in tokens.iter().filter(|t| !t.special) {
            // The token's first letter or digit decides its word (BPE tokens may start with a space).
            let first = text
                .get(t.start.min(text.len())..t.end.min(text.len()))
                .and_then(|s| {
                    s.char_indices()
                        .find(|(_, c)| c.is_alphanumeric())
                        .map(|(i, _)| t.start + i)
                });
            if let Some(pos) = first {
                if let Some(w) = spans.iter().position(|&(a, b)| pos >= a && pos < b) {
                    pieces[w] += 1;
                }
            }
        }
        for (w, &n) in pieces.iter().enumerate() {
            if best.as_ref().is_none_or(|(_, m)| n > *m) && n > 0 {
                let (a, b) = spans[w];
                best = Some((text.get(a..b).unwrap_or_default().to_string(), n));
            }
        }
    }
    best
}

fn pieces_in_a_word(b: &Bounds, texts: &[String], output: &PipelineOutput) -> Condition {
    let PipelineOutput::Tokens(per_input) = output else {
        return wrong_output(output, "tokens");
    };
    let goal = count_bounds(b);
    match most_split_word(texts, per_input) {
        None => fail("there is no word to split: type a few words".into()),
        Some((word, n)) if b.contains(n as f64) => Condition {
            passed: true,
            detail: format!(
                "\"{word}\" is split into {} (goal: {goal})",
                plural(n, "piece")
            ),
        },
        Some((word, n)) => fail(format!(
            "the most split word is \"{word}\", in {}; the goal is {goal}",
            plural(n, "piece")
        )),
    }
}

fn runs_agree(agreement: Agreement, runs: &[Generation]) -> Condition {
    if runs.len() < 2 {
        return fail(format!(
            "this check compares several runs, but the model ran {}",
            plural(runs.len(), "time")
        ));
    }
    let all_same = runs.iter().all(|g| g.text == runs[0].text);
    let both = if runs.len() == 2 {
        "both runs".to_string()
    } else {
        format!("all {} runs", runs.len())
    };
    match (agreement, all_same) {
        (Agreement::Same, true) => Condition {
            passed: true,
            detail: format!("{both} wrote the same text"),
        },
        (Agreement::Same, false) => {
            fail("the runs wrote different texts; the goal is the same text every time".into())
        }
        (Agreement::Different, false) => {
            let distinct = count_distinct(runs);
            Condition {
                passed: true,
                detail: format!("the runs wrote {} different texts", count(distinct as f64)),
            }
        }
        (Agreement::Different, true) => fail(format!(
            "{both} wrote the same text; the goal is different texts"
        )),
    }
}

fn count_distinct(runs: &[Generation]) -> usize {
    let mut seen: Vec<&str> = Vec::new();
    for g in runs {
        if !seen.contains(&g.text.as_str()) {
            seen.push(&g.text);
        }
    }
    seen.len()
}
