//! Models the course needs that are not on this computer yet: before the first run of such an
//! exercise the tutor says what will be downloaded (and how much, from the lesson's front
//! matter `download:`), and runs only when the student presses Enter again.

use std::collections::HashSet;

use crate::course::Course;
use crate::domain::ModelRef;
use crate::hub::Provision;

use crate::shell::state::App;

#[derive(Debug, Clone, Default)]
pub struct Downloads {
    /// Models (as shown) not in the cache when the tutor started.
    missing: HashSet<String>,
    /// Models the student already agreed to download.
    agreed: HashSet<String>,
}

/// Every model the course can run on: the defaults per task and the exercises' own.
pub fn course_models(course: &Course) -> Vec<ModelRef> {
    let mut out: Vec<ModelRef> = course.models.values().cloned().collect();
    for lesson in &course.lessons {
        out.extend(lesson.exercises().filter_map(|e| e.model.clone()));
    }
    out.sort_by_key(|m| m.to_string());
    out.dedup_by_key(|m| m.to_string());
    out
}

/// The course's models that `provision` doesn't have yet.
pub fn missing_models(course: &Course, provision: &Provision) -> Vec<String> {
    course_models(course)
        .into_iter()
        .filter(|m| provision.model_dir(m).is_none())
        .map(|m| m.to_string())
        .collect()
}

impl App {
    /// Tells the shell which models are not on this computer (see [`missing_models`]).
    pub fn set_missing_models(&mut self, models: impl IntoIterator<Item = String>) {
        self.downloads.missing = models.into_iter().collect();
    }

    /// The first time an exercise needs a missing model: the offer to show instead of running.
    /// The next call for the same model returns `None` (the student agreed by asking again).
    pub(crate) fn download_offer(
        &mut self,
        model: &ModelRef,
        size: Option<&str>,
    ) -> Option<String> {
        let name = model.to_string();
        if !self.downloads.missing.contains(&name) || !self.downloads.agreed.insert(name.clone()) {
            return None;
        }
        Some(crate::shell::text::strings::download_offer(&name, size))
    }
}
