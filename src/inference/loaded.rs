//! Pipelines kept loaded, one per (task, model): the worker and the solver load a model once and
//! run every job on it after that. A panic in model code is an error of that job (guard.rs), and
//! the pipeline it ran in is dropped.

use std::collections::HashMap;

use super::{load, Pipeline, PipelineError};
use crate::domain::{JobRequest, ModelRef, PipelineOutput, Stream, Task};
use crate::hub::{Provision, ProvisionEvent};

#[derive(Default)]
pub struct Loaded {
    pipelines: HashMap<(Task, ModelRef), Box<dyn Pipeline>>,
}

impl Loaded {
    pub fn new() -> Loaded {
        Loaded::default()
    }

    /// Whether the pipeline of `task` on `model` is loaded already (running it reads no files).
    pub fn has(&self, task: Task, model: &ModelRef) -> bool {
        self.pipelines.contains_key(&(task, model.clone()))
    }

    /// The pipeline of `task` on `model`, loaded first if it isn't (news on `events`).
    pub fn get(
        &mut self,
        task: Task,
        model: &ModelRef,
        provision: &Provision,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<&mut dyn Pipeline, PipelineError> {
        let key = (task, model.clone());
        if !self.pipelines.contains_key(&key) {
            let pipeline = super::guard::guarded(|| load(task, model, provision, events))?;
            self.pipelines.insert(key.clone(), pipeline);
        }
        match self.pipelines.get_mut(&key) {
            Some(p) => Ok(p.as_mut()),
            None => Err(PipelineError::Model(
                "the model could not be kept loaded".into(),
            )),
        }
    }

    /// Runs `job` (loading its pipeline first if needed); `stream` gets partial results and
    /// cancels by returning `false`.
    pub fn run(
        &mut self,
        job: &JobRequest,
        provision: &Provision,
        events: &mut dyn FnMut(ProvisionEvent),
        stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        let pipeline = self.get(job.task, &job.model, provision, events)?;
        let result = super::guard::guarded(|| {
            pipeline.run_input(&job.input, &job.params, job.runs.max(1), stream)
        });
        if matches!(result, Err(PipelineError::Panicked(_))) {
            self.forget(job);
        }
        result
    }

    /// Drops `job`'s pipeline (after a panic inside it, it may be half-updated).
    pub fn forget(&mut self, job: &JobRequest) {
        self.pipelines.remove(&(job.task, job.model.clone()));
    }
}
