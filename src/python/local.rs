//! `Models` over pipelines kept loaded in a `Loaded`, models found through the Hugging Face cache
//! as everywhere in hftutor (`hub::Provision`). `LoadedModels` borrows them (the model worker and
//! the solver own their `Loaded`); `LocalModels` owns them, for `hftutor python`.

use std::collections::BTreeMap;

use super::{ModelError, Models};
use crate::domain::{JobRequest, ModelRef, PipelineOutput, Stream, Task};
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::loaded::Loaded;

/// Borrowed models for one cell.
pub struct LoadedModels<'a> {
    pub loaded: &'a mut Loaded,
    pub provision: &'a Provision,
    pub course: &'a BTreeMap<Task, ModelRef>,
    /// Loading news (a download, a weights note).
    pub on_event: &'a mut dyn FnMut(ProvisionEvent),
    /// Each streamed piece of a generation; false stops it (the student pressed Esc).
    pub on_stream: &'a mut dyn FnMut(Stream) -> bool,
    /// Whether the student asked the cell to stop.
    pub stop: &'a dyn Fn() -> bool,
    /// A seed for sampled calls that set none (the solver's), so verdicts can be reproduced.
    pub seed: Option<u64>,
}

impl Models for LoadedModels<'_> {
    fn course_model(&self, task: Task) -> Option<ModelRef> {
        self.course.get(&task).cloned()
    }

    fn run(&mut self, job: &JobRequest) -> Result<PipelineOutput, ModelError> {
        let mut job = job.clone();
        if job.params.temperature > 0.0 && job.params.seed.is_none() {
            job.params.seed = self.seed;
        }
        let output = self
            .loaded
            .run(&job, self.provision, self.on_event, self.on_stream)?;
        Ok(output)
    }

    fn cancelled(&self) -> bool {
        (self.stop)()
    }
}

/// Owned models, for `hftutor python`.
pub struct LocalModels {
    loaded: Loaded,
    provision: Provision,
    course: BTreeMap<Task, ModelRef>,
    /// What loading said (a download, a weights note), for stderr.
    pub notes: Vec<String>,
}

impl LocalModels {
    /// Models for a course whose model per task is `course`.
    pub fn new(course: BTreeMap<Task, ModelRef>, provision: Provision) -> LocalModels {
        LocalModels {
            loaded: Loaded::new(),
            provision,
            course,
            notes: Vec::new(),
        }
    }
}

impl Models for LocalModels {
    fn course_model(&self, task: Task) -> Option<ModelRef> {
        self.course.get(&task).cloned()
    }

    fn run(&mut self, job: &JobRequest) -> Result<PipelineOutput, ModelError> {
        let notes = &mut self.notes;
        let mut on_event = |e: ProvisionEvent| {
            if let ProvisionEvent::Note(n) = e {
                notes.push(n);
            }
        };
        LoadedModels {
            loaded: &mut self.loaded,
            provision: &self.provision,
            course: &self.course,
            on_event: &mut on_event,
            on_stream: &mut |_| true,
            stop: &|| false,
            seed: None,
        }
        .run(job)
    }
}
