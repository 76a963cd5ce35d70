//! A code exercise's attempt: the student's code → a `CellJob` for the model worker (or the
//! solver's models) → the `CellRun` it gave → a `Verdict` on the last call of the exercise's
//! task, what the code printed, and the code itself.

use crate::checks::code::{CellOutcome, JudgedCall};
use crate::checks::{self, Verdict};
use crate::course::{Course, Exercise};
use crate::python::{code_text, CellJob, CellRun, Limits, Source};

/// The file name a cell's tracebacks give (and its `.py` export takes).
pub fn file_name(exercise: &Exercise) -> String {
    format!("{}.py", exercise.id)
}

/// The job that runs `code` for `exercise`: `pipeline(task)` with no `model=` runs the
/// exercise's model for its task, else the course's.
pub fn start_cell(course: &Course, exercise: &Exercise, code: &str) -> CellJob {
    let mut models = course.models.clone();
    if let Some(m) = &exercise.model {
        models.insert(exercise.task, m.clone());
    }
    CellJob {
        source: Source {
            code: code.to_string(),
            file_name: file_name(exercise),
        },
        course: models,
        limits: Limits::default(),
        seed: None,
        form: None,
    }
}

/// What the cell showed: what it printed, then its last expression's value, as a REPL shows it,
/// then any gradio app it launched (present::app).
pub fn shown(run: &CellRun) -> String {
    let mut out = run.stdout.clone();
    if let Some(v) = &run.last_value {
        out.push_str(v);
        out.push('\n');
    }
    // A launched app shows its fields and results too.
    for app in &run.apps {
        for line in crate::present::app::lines(app) {
            out.push_str(&line);
            out.push('\n');
        }
    }
    out
}

/// Judges a run of `code`.
pub fn judge_cell(exercise: &Exercise, code: &str, run: &CellRun) -> Verdict {
    let code = code_text::without_comments(code);
    let printed = shown(run);
    let error = run.error.as_deref().map(|e| {
        e.lines()
            .rev()
            .find(|l| !l.trim().is_empty())
            .unwrap_or(e)
            .trim()
    });
    // A launched gradio app is judged by the calls its fn made for its example.
    let calls = match run.apps.iter().rev().find(|a| !a.calls.is_empty()) {
        Some(app) => run.calls.get(app.calls.clone()).unwrap_or(&[]),
        None => &run.calls[..],
    };
    let judged = calls
        .iter()
        .rev()
        .find(|c| c.task == exercise.task)
        .map(|c| JudgedCall {
            texts: &c.texts,
            keywords: &c.keywords,
            output: &c.output,
        });
    checks::code::judge(
        exercise,
        &CellOutcome {
            code: &code,
            printed: &printed,
            error,
            judged,
        },
    )
}

/// A lesson's solution or counterexample code, tried without running it: a syntax error, or a
/// code condition it can't meet.
pub fn check_code(exercise: &Exercise, code: &str) -> crate::course::AnswerCheck {
    use crate::course::AnswerCheck;
    if let Some((line, message)) = code_text::syntax_error(code) {
        // The tutor runs it and shows the SyntaxError: a counterexample may have one.
        return AnswerCheck::CannotPass(format!(
            "its code has a SyntaxError on line {line}: {message}"
        ));
    }
    let plain = code_text::without_comments(code);
    match checks::code::static_conditions(&exercise.check.code, &plain)
        .into_iter()
        .find(|c| !c.passed)
    {
        Some(c) => AnswerCheck::CannotPass(c.detail),
        None => AnswerCheck::Fine,
    }
}
