//! The shell's "export as a Space" key: `App::export_space` turns the active exercise (with what the
//! student typed) into a `SpaceJob`; `write_space` (run off the UI thread by the run loop) writes
//! it as a new folder under `./spaces/`, or under hftutor's data folder when that can't be written.

use std::path::{Path, PathBuf};

use crate::space::{self as export_space, ExportError, Space};

use crate::shell::action::{Action, Effect};
use crate::shell::state::{App, Panel, StatusKind};
use crate::shell::text::strings;

/// The folder (under the current directory, or hftutor's data folder) that exported Spaces go in.
pub const SPACES_DIR: &str = "spaces";

/// A Space to write: its files and the folder name it wants (`<lesson>-<exercise>`).
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceJob {
    pub name: String,
    pub space: Space,
}

/// What writing a Space gave, for the status line.
#[derive(Debug, Clone, PartialEq)]
pub struct SpaceWritten {
    /// The folder written, as the student should type it (relative to the current folder when
    /// under it).
    pub dir: PathBuf,
    /// The folder name first wanted was taken, so another was used.
    pub renamed: bool,
}

impl App {
    /// The `x` key: asks the run loop to write the active exercise as a Space, or says why not.
    pub(crate) fn export_space(&mut self) -> Vec<Effect> {
        let Some(Panel::Exercise(exercise)) = self.active_panel() else {
            self.set_status(StatusKind::Info, strings::EXPORT_NO_EXERCISE);
            return vec![];
        };
        let Some(lesson) = self.current_lesson() else {
            return vec![];
        };
        let values = self
            .exercise_ui(self.reading.lesson, &exercise.id)
            .map(|ui| ui.values.clone())
            .unwrap_or_default();
        let name = format!("{}-{}", lesson.id, exercise.id);
        match export_space::space_with_inputs(&self.course, lesson, exercise, &values) {
            Ok(space) => vec![Effect::ExportSpace(SpaceJob { name, space })],
            Err(ExportError::Unsupported(task)) => {
                self.set_status(StatusKind::Warning, strings::export_unsupported(&task));
                vec![]
            }
            Err(e) => {
                self.set_status(StatusKind::Error, strings::export_failed(&e.to_string()));
                vec![]
            }
        }
    }

    /// The news of `Effect::ExportSpace`, in the status line.
    pub(crate) fn space_exported(
        &mut self,
        result: Result<SpaceWritten, crate::space::ExportError>,
    ) -> Vec<Effect> {
        match result {
            Ok(w) => {
                let text = strings::space_written(&w.dir.display().to_string(), w.renamed);
                self.set_status(StatusKind::Info, text);
            }
            Err(message) => self.set_status(
                StatusKind::Error,
                strings::export_failed(&message.to_string()),
            ),
        }
        vec![]
    }
}

/// Writes `job` as a new folder in `cwd/spaces`, or in `home/spaces` when that fails (a read-only
/// current folder); never over an existing folder. Blocking: the run loop calls it off the UI
/// thread. Returns the action that reports the result.
pub fn write_space(job: &SpaceJob, cwd: &Path, home: &Path) -> Action {
    let here = export_space::write_new(&cwd.join(SPACES_DIR), &job.name, &job.space);
    let result = match here {
        Ok(dir) => Ok(dir),
        Err(first) => export_space::write_new(&home.join(SPACES_DIR), &job.name, &job.space)
            .map_err(|_| first),
    };
    Action::SpaceExported(result.map(|dir| SpaceWritten {
        renamed: dir.file_name().is_some_and(|n| n != job.name.as_str()),
        dir: dir.strip_prefix(cwd).map_or(dir.clone(), Path::to_path_buf),
    }))
}
