//! One student attempt, the one path the shell, the headless solver, the course loader and the
//! fuzzers all take: field values → [`Prepared`] texts and settings → a [`JobRequest`] for the
//! model worker (or a pipeline already loaded) → its output → a [`Verdict`] → progress.
//! It never draws and never loads a model itself.

mod cell;
mod prepare;

pub use cell::{check_code, file_name, judge_cell, shown, start_cell};
pub use prepare::PrepareError;

use crate::checks::{self, Verdict};
use crate::course::media::MediaError;
use crate::course::{AnswerCheck, AnswerRules, Course, Exercise};
use crate::domain::{InputError, JobRequest, ModelRef, PipelineOutput, Prepared, TaskInput};
use crate::progress::Progress;

/// An attempt ready to run: what the student's values became, and the job that runs them.
#[derive(Debug, Clone, PartialEq)]
pub struct Attempt {
    pub prepared: Prepared,
    pub job: JobRequest,
}

impl Attempt {
    /// Gives a sampled run that sets no seed this one, so its verdict can be reproduced.
    pub fn seeded(mut self, seed: u64) -> Attempt {
        if self.prepared.params.temperature > 0.0 && self.prepared.params.seed.is_none() {
            self.prepared.params.seed = Some(seed);
            self.job.params.seed = Some(seed);
        }
        self
    }
}

/// The model an exercise runs on: its own, else the course's default for the task.
pub fn model_for(course: &Course, exercise: &Exercise) -> Option<ModelRef> {
    exercise
        .model
        .clone()
        .or_else(|| course.models.get(&exercise.task).cloned())
}

/// Turns the values of the exercise's input fields into pipeline texts and settings, or says
/// what is wrong with them (empty text, a temperature that is not a number…). Media inputs are
/// not looked for yet: see [`start`].
pub fn prepare(exercise: &Exercise, values: &[String]) -> Result<Prepared, PrepareError> {
    prepare::prepare(exercise, values)
}

/// Why an attempt can't start, said to the student.
#[derive(Debug, thiserror::Error)]
pub enum AttemptError {
    #[error(transparent)]
    Input(#[from] PrepareError),
    /// The inputs don't make what the task takes (zero-shot without labels…).
    #[error(transparent)]
    Task(#[from] InputError),
    /// A picture or clip the values name can't be used (missing, outside the course…).
    #[error(transparent)]
    Media(#[from] MediaError),
}

/// Prepares `values` and finds the course's media files they name (pictures, clips), giving the
/// job to run on `model`; or the reason the tutor refuses the input, for the student.
pub fn start(
    course: &Course,
    exercise: &Exercise,
    model: ModelRef,
    values: &[String],
) -> Result<Attempt, AttemptError> {
    let mut prepared = prepare(exercise, values)?;
    prepared.texts = crate::course::media::resolve_inputs(course, exercise.task, &prepared.texts)?;
    let job = JobRequest {
        task: exercise.task,
        model,
        input: TaskInput::from_inputs(exercise.task, &prepared.texts, &prepared.params)?,
        params: prepared.params.clone(),
        runs: prepared.runs.max(1),
    };
    Ok(Attempt { prepared, job })
}

/// Judges what a run of the attempt gave.
pub fn judge(exercise: &Exercise, prepared: &Prepared, output: &PipelineOutput) -> Verdict {
    checks::judge(exercise, prepared, output)
}

/// Remembers the values the student last ran an exercise with.
pub fn record_input(progress: &mut Progress, lesson: &str, exercise: &str, values: Vec<String>) {
    progress
        .lesson_mut(lesson)
        .exercises
        .entry(exercise.to_string())
        .or_default()
        .last_input = values;
}

/// Counts a judged attempt, and a pass once passed stays passed.
pub fn record_verdict(progress: &mut Progress, lesson: &str, exercise: &str, verdict: &Verdict) {
    let ep = progress
        .lesson_mut(lesson)
        .exercises
        .entry(exercise.to_string())
        .or_default();
    ep.attempts += 1;
    ep.passed |= verdict.passed;
}

/// The attempt path's rules for a lesson's solutions and counterexamples, handed to the course
/// loader: the tutor must take them as input, and a solution's input conditions must be able to
/// hold (no model is run).
pub struct Rules;

impl AnswerRules for Rules {
    fn check(&self, exercise: &Exercise, values: &[String]) -> AnswerCheck {
        if exercise.kind == crate::course::Kind::Code {
            return check_code(exercise, values.first().map_or("", String::as_str));
        }
        match prepare(exercise, values) {
            Err(m) => AnswerCheck::Refused(m.to_string()),
            Ok(prepared) => match checks::input_conditions(exercise, &prepared.texts)
                .into_iter()
                .find(|c| !c.passed)
            {
                Some(c) => AnswerCheck::CannotPass(c.detail),
                None => AnswerCheck::Fine,
            },
        }
    }
}
