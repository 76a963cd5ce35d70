//! Plain data every room shares: the tasks and what they take, model references and repo-id rules,
//! run parameters and their bounds, pipeline outputs, and the worker's job. No candle, ratatui,
//! tokio or file I/O here, and nothing from the rest of the crate: everything else depends on this.

pub mod app;
pub mod corpus;
pub mod input;
pub mod job;
pub mod model_ref;
pub mod output;
pub mod params;
pub mod repo_id;
pub mod task;

pub use input::{InputError, TaskInput};
pub use job::{JobRequest, Prepared};
pub use model_ref::ModelRef;
pub use output::*;
pub use params::{
    Aggregation, Param, ParamError, RunParams, Seq2SeqParams, DEFAULT_MAX_NEW_TOKENS,
};
pub use task::Task;
