//! `Models` on this thread: pipelines kept loaded in a `Loaded`, models found through the Hugging
//! Face cache as everywhere in hftutor (`hub::Provision`). `hftutor python` and the solver use it.

use std::collections::BTreeMap;

use super::{ModelError, Models};
use crate::domain::{JobRequest, ModelRef, PipelineOutput, Task};
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::loaded::Loaded;

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
        let mut events = |e: ProvisionEvent| {
            if let ProvisionEvent::Note(n) = e {
                notes.push(n);
            }
        };
        let mut stream = |_| true;
        let output = self
            .loaded
            .run(job, &self.provision, &mut events, &mut stream)?;
        Ok(output)
    }
}
