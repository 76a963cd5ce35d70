//! A ```quiz block: from its raw YAML to a [`Quiz`], with its rules (a question, at least two
//! choices, at least one correct, an explanation for every choice).

use super::ids;
use super::raw::RawQuiz;
use super::report::Report;
use super::types::{Choice, Quiz};
use super::yaml_doc::YamlDoc;

pub fn convert(
    doc: &YamlDoc,
    raw: RawQuiz,
    fence_line: usize,
    report: &mut Report,
) -> Option<Quiz> {
    let what = match &raw.id {
        Some(id) => format!("quiz \"{id}\""),
        None => "quiz".to_string(),
    };
    match &raw.id {
        None => report.error(
            doc.anchor(),
            "quiz has no id: add `id: a-short-name` (unique in the lesson)",
        ),
        Some(id) => {
            if let Err(m) = ids::check(id) {
                report.error(doc.value_pos("id"), m.to_string());
            }
        }
    }
    let question = raw
        .question
        .as_deref()
        .map(str::trim)
        .unwrap_or_default()
        .to_string();
    if question.is_empty() {
        report.error(
            doc.anchor(),
            format!("{what} has no question: add `question: …`"),
        );
    }
    let raw_choices = raw.choices.unwrap_or_default();
    if raw_choices.len() < 2 {
        let pos = if raw_choices.is_empty() {
            doc.anchor()
        } else {
            doc.pos("choices")
        };
        report.error(
            pos,
            format!(
                "{what} has {}: give at least 2 under `choices:`, each with text, correct and explain",
                if raw_choices.is_empty() { "no choices".to_string() } else { "only 1 choice".to_string() }
            ),
        );
    }
    let mut choices = Vec::new();
    for (i, c) in raw_choices.into_iter().enumerate() {
        let pos = doc.pos(&format!("choices[{i}]"));
        let text = c
            .text
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_string();
        if text.is_empty() {
            report.error(pos, format!("choice {} has no text: add `text: …`", i + 1));
        } else if let Some(j) = choices.iter().position(|p: &Choice| p.text == text) {
            report.error(pos, format!("choice {} repeats choice {}", i + 1, j + 1));
        }
        let explain = c
            .explain
            .as_deref()
            .map(str::trim)
            .unwrap_or_default()
            .to_string();
        if explain.is_empty() {
            report.error(
                pos,
                format!(
                    "choice {} has no explain: say why this answer is right or wrong",
                    i + 1
                ),
            );
        }
        choices.push(Choice {
            text,
            correct: c.correct.unwrap_or(false),
            explain,
        });
    }
    if choices.len() >= 2 && !choices.iter().any(|c| c.correct) {
        report.error(
            doc.pos("choices"),
            format!("{what} has no correct choice: mark at least one with `correct: true`"),
        );
    }
    Some(Quiz {
        id: raw.id?,
        question,
        choices,
        line: fence_line,
    })
}
