//! Judging a pipeline's result against an exercise's `check:` block, with feedback text.
//! Never runs a model: it is handed the result.
//!
//! CONTRACT (owned by the course helper): the functions below are what the rest of the crate uses.

mod classes;
pub mod entities;
mod gap;
mod inputs;
mod output;
mod prepare;
mod text;
mod wording;
mod words;

use crate::course::Exercise;
use crate::pipelines::{PipelineOutput, RunParams};

pub use inputs::input_conditions;
pub use output::{cosine, most_split_word};
pub use prepare::{
    max_new_tokens, param_text, seed, set_param, targets, temperature, top_k, top_p,
    MAX_NEW_TOKENS, MAX_RUNS, MAX_TEMPERATURE,
};
pub use words::{shared as shared_words, words};

/// What the student's input turns into: pipeline texts plus the run's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub texts: Vec<String>,
    /// The student's prediction of the label (a `param: prediction` field), judged against the
    /// model's answer for the first text.
    pub prediction: Option<String>,
    pub params: RunParams,
    pub runs: usize,
}

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

/// Turns the values of the exercise's input fields into pipeline texts and settings, or says
/// what is wrong with them (empty text, a temperature that is not a number…).
pub fn prepare(exercise: &Exercise, values: &[String]) -> Result<Prepared, String> {
    prepare::prepare(exercise, values)
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
