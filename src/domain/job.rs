//! What an attempt is made of: the student's values prepared into texts and settings, and the
//! job sent to the model worker (one task, one model, the inputs and settings).

use super::{ModelRef, RunParams, Task, TaskInput};

/// A pipeline run asked of the worker.
#[derive(Debug, Clone, PartialEq)]
pub struct JobRequest {
    pub task: Task,
    pub model: ModelRef,
    pub input: TaskInput,
    pub params: RunParams,
    pub runs: usize,
}

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
