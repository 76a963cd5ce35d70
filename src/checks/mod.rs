//! Judging a pipeline's result against an exercise's `check:` block, with feedback built from what
//! happened. Never runs a model and never prepares inputs: it is handed both (see `attempt`).

mod classes;
pub mod code;
pub mod entities;
mod gap;
mod inputs;
mod output;
mod place;
mod text;
mod wording;
mod words;

use crate::course::Exercise;
use crate::domain::{PipelineOutput, Prepared};

pub use inputs::input_conditions;
pub use output::{cosine, most_split_word};
pub use words::{shared as shared_words, words};

/// The judgement of one attempt.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict {
    pub passed: bool,
    /// One line per condition checked, e.g. "similarity 0.42 is below 0.60".
    pub details: Vec<String>,
    /// The teacher's pass or fail message.
    pub feedback: Option<String>,
}

/// One condition judged: whether it holds, and a line saying so to the student.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    pub passed: bool,
    pub detail: String,
}

/// Judges a result. Conditions on the inputs themselves (shared words…) are judged here too.
pub fn judge(exercise: &Exercise, prepared: &Prepared, output: &PipelineOutput) -> Verdict {
    let mut conditions = input_conditions(exercise, &prepared.texts);
    if let Some(guess) = &prepared.prediction {
        conditions.push(classes::prediction(guess, output));
    }
    conditions.extend(output::output_conditions(
        &exercise.check,
        &prepared.texts,
        output,
    ));
    let passed = !conditions.is_empty() && conditions.iter().all(|c| c.passed);
    let feedback = if passed {
        exercise.feedback.pass.clone()
    } else {
        exercise.feedback.fail.clone()
    };
    Verdict {
        passed,
        details: conditions.into_iter().map(|c| c.detail).collect(),
        feedback,
    }
}
