//! The Python code cell: a student's real Python (`from transformers import pipeline` …) run in
//! pydantic's monty sandbox, a bytecode VM with no file, network or environment access, under
//! limits on time, memory and recursion. The host modules it imports (`transformers.rs`) run on
//! hftutor's own pipelines through `Models`, so the cell never touches a model itself.
//!
//! `run` gives what CPython would have printed (stdout, and a traceback for an error), the value
//! of the last expression as a REPL shows it, notes for stderr, and every pipeline call with its
//! output (which a code exercise's checks judge).

pub mod arrays;
pub mod code_text;
mod errors;
mod gradio;
pub mod imports;
pub mod local;
mod sentence_transformers;
mod session;
mod tokenizer;
pub mod transformers;
pub mod values;

use std::collections::BTreeMap;
use std::time::Duration;

use crate::domain::{JobRequest, ModelRef, PipelineOutput, Task};

pub use crate::domain::app::{Component, LaunchedApp, Shown};
pub use session::{run, run_with_form};

/// How the sandbox reaches models: the model worker in the tutor, a `Loaded` on the command line.
pub trait Models {
    /// The course's model for `task` (what `pipeline(task)` with no model runs).
    fn course_model(&self, task: Task) -> Option<ModelRef>;
    /// Runs one pipeline job to its end. The error is shown to the student as the exception's
    /// message.
    fn run(&mut self, job: &JobRequest) -> Result<PipelineOutput, ModelError>;
    /// Whether the student asked the cell to stop (checked at each host call).
    fn cancelled(&self) -> bool {
        false
    }
}

/// Why a model call failed (a missing model, a pipeline error), shown as the Python exception.
pub type ModelError = Box<dyn std::error::Error + Send + Sync>;

/// The limits a cell runs under.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Limits {
    /// Time in the Python VM (model calls don't count: they have their own budget below).
    pub python_time: Duration,
    /// Wall time of the whole cell, model calls included.
    pub wall_time: Duration,
    /// Memory the VM may hold.
    pub memory_bytes: usize,
    pub recursion_depth: usize,
    /// Host calls (pipelines made and called) in one cell.
    pub host_calls: usize,
    /// Bytes of printed output kept.
    pub output_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            python_time: Duration::from_secs(2),
            wall_time: Duration::from_secs(300),
            memory_bytes: 256 * 1024 * 1024,
            recursion_depth: 1000,
            host_calls: 500,
            output_bytes: 1024 * 1024,
        }
    }
}

/// How the code was given, for tracebacks: CPython names a file by its path and `-c` code
/// `<string>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    pub code: String,
    pub file_name: String,
}

/// One pipeline call the code made.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    pub task: Task,
    pub model: ModelRef,
    /// The keyword arguments it was given (with those of `pipeline(…)`).
    pub keywords: Vec<String>,
    /// Its inputs as a lesson's fields would hold them (`TaskInput::as_inputs`).
    pub texts: Vec<String>,
    pub output: PipelineOutput,
}

/// A cell asked of the model worker: the code, the course's model per task (what
/// `pipeline(task)` with no `model=` runs), the limits, and a seed for sampled calls that set
/// none (the solver's, so its verdicts can be reproduced; none in the tutor).
#[derive(Debug, Clone, PartialEq)]
pub struct CellJob {
    pub source: Source,
    pub course: BTreeMap<Task, ModelRef>,
    pub limits: Limits,
    pub seed: Option<u64>,
    /// What the student typed in a launched gradio app's fields: `launch()` runs `fn` on these
    /// instead of the first example (`None`: a run of the code as it is).
    pub form: Option<Vec<String>>,
}

/// What one run of a cell gave.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct CellRun {
    /// What `print` wrote.
    pub stdout: String,
    /// The value of the last expression, as a REPL shows it (`None` when it is `None` or the
    /// code doesn't end in an expression).
    pub last_value: Option<String>,
    /// The traceback, as CPython prints it, when the code raised.
    pub error: Option<String>,
    /// Notes for stderr (which model ran), as transformers prints its own warnings there.
    pub notes: Vec<String>,
    pub calls: Vec<Call>,
    /// The gradio apps `launch()` showed (gradio.rs).
    pub apps: Vec<LaunchedApp>,
}
