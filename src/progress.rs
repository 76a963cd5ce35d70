//! The student's progress: where they are and what they have done, per course, saved atomically
//! (temp file + fsync + rename) in the platform data dir (or `HFTUTOR_HOME`), resumed at start.
//! A corrupt file is moved aside with a warning, never silently overwritten. Saves take an
//! advisory lock (`NAME.json.lock`) and merge with what is on disk, so two tutors open on one
//! course keep both sessions' work.

mod merge;
pub use merge::merge;

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

/// Everything saved for one student on one course.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Progress {
    /// The lesson the student was on, and the step within it.
    pub current_lesson: Option<String>,
    pub lessons: BTreeMap<String, LessonProgress>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct LessonProgress {
    /// The step the student last saw.
    pub step: usize,
    /// Steps seen (the furthest index + 1).
    pub steps_seen: usize,
    pub exercises: BTreeMap<String, ExerciseProgress>,
    pub quizzes: BTreeMap<String, QuizProgress>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ExerciseProgress {
    pub passed: bool,
    pub attempts: u32,
    pub hints_used: u32,
    /// The student's last input values, so an exercise reopens as they left it.
    pub last_input: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct QuizProgress {
    /// Choices picked, in order.
    pub picked: Vec<usize>,
    pub correct: bool,
}

/// How far a lesson is, for the lesson list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LessonState {
    NotStarted,
    InProgress,
    Done,
}

impl Progress {
    pub fn lesson(&self, id: &str) -> Option<&LessonProgress> {
        self.lessons.get(id)
    }

    pub fn lesson_mut(&mut self, id: &str) -> &mut LessonProgress {
        self.lessons.entry(id.to_string()).or_default()
    }

    /// Done when every exercise and quiz named is passed; in progress once anything is recorded.
    pub fn state(&self, lesson_id: &str, exercises: &[&str], quizzes: &[&str]) -> LessonState {
        let Some(lp) = self.lessons.get(lesson_id) else {
            return LessonState::NotStarted;
        };
        let ex_done = exercises
            .iter()
            .all(|e| lp.exercises.get(*e).is_some_and(|p| p.passed));
        let quiz_done = quizzes
            .iter()
            .all(|q| lp.quizzes.get(*q).is_some_and(|p| p.correct));
        if ex_done
            && quiz_done
            && (lp.steps_seen > 0 || !exercises.is_empty() || !quizzes.is_empty())
        {
            LessonState::Done
        } else {
            LessonState::InProgress
        }
    }
}

/// Errors of the progress store.
#[derive(Debug, thiserror::Error)]
pub enum ProgressError {
    #[error("cannot write progress to {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot read progress from {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Where one course's progress lives on disk.
#[derive(Debug, Clone)]
pub struct ProgressStore {
    path: PathBuf,
}

/// The folder for hftutor's own data: `HFTUTOR_HOME`, else the platform data dir.
pub fn data_dir() -> PathBuf {
    if let Some(home) = std::env::var_os("HFTUTOR_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(home);
    }
    dirs::data_dir()
        .map(|d| d.join("hftutor"))
        .unwrap_or_else(|| PathBuf::from(".hftutor"))
}

/// A file-name-safe key for a course title.
pub fn course_key(title: &str) -> String {
    let key: String = title
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let key = key
        .split('-')
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join("-");
    if key.is_empty() {
        "course".to_string()
    } else {
        key
    }
}

impl ProgressStore {
    /// The store for a course, in [`data_dir`].
    pub fn for_course(course_title: &str) -> ProgressStore {
        ProgressStore::at(
            data_dir()
                .join("progress")
                .join(format!("{}.json", course_key(course_title))),
        )
    }

    pub fn at(path: impl Into<PathBuf>) -> ProgressStore {
        ProgressStore { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Loads progress. A missing file is a fresh start; a corrupt one is moved aside
    /// (`NAME.corrupt-<unix time>`) and reported as a warning.
    pub fn load(&self) -> Result<(Progress, Option<String>), ProgressError> {
        let text = match fs::read_to_string(&self.path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok((Progress::default(), None))
            }
            Err(source) => {
                return Err(ProgressError::Read {
                    path: self.path.clone(),
                    source,
                })
            }
        };
        match serde_json::from_str::<Progress>(&text) {
            Ok(p) => Ok((p, None)),
            Err(err) => {
                let stamp = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                let aside = self.path.with_extension(format!("json.corrupt-{stamp}"));
                let moved = fs::rename(&self.path, &aside);
                let warning = match moved {
                    Ok(()) => format!(
                        "progress file {} was unreadable ({err}); kept it as {} and started fresh",
                        self.path.display(),
                        aside.display()
                    ),
                    Err(e) => format!(
                        "progress file {} is unreadable ({err}) and could not be moved aside ({e}); \
                         starting fresh without overwriting it",
                        self.path.display()
                    ),
                };
                Ok((Progress::default(), Some(warning)))
            }
        }
    }

    /// Saves atomically (a crash leaves the old file or the new one, never half of one), under
    /// the lock, merged with what another tutor may have saved meanwhile (see [`merge`]).
    /// A corrupt file on disk is not merged from: it is replaced.
    pub fn save(&self, progress: &Progress) -> Result<(), ProgressError> {
        let _lock = self.lock()?;
        self.remove_stale_temps();
        let merged = match self.read_existing() {
            Some(disk) => merge(disk, progress),
            None => progress.clone(),
        };
        self.write_atomic(&merged)
    }

    /// Replaces the file with `progress` as it is (no merge), under the lock.
    pub fn save_replacing(&self, progress: &Progress) -> Result<(), ProgressError> {
        let _lock = self.lock()?;
        self.write_atomic(progress)
    }

    /// Temp files left by a save that was killed (under the lock no other save is writing one).
    fn remove_stale_temps(&self) {
        let (Some(dir), Some(name)) = (self.path.parent(), self.path.file_name()) else {
            return;
        };
        let prefix = format!("{}.tmp-", name.to_string_lossy());
        let Ok(entries) = fs::read_dir(if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        }) else {
            return;
        };
        for entry in entries.flatten() {
            if entry.file_name().to_string_lossy().starts_with(&prefix) {
                let _ = fs::remove_file(entry.path());
            }
        }
    }

    /// What is on disk now, if it is readable progress.
    fn read_existing(&self) -> Option<Progress> {
        let text = fs::read_to_string(&self.path).ok()?;
        serde_json::from_str(&text).ok()
    }

    /// Takes the advisory lock on `NAME.json.lock`, held until the file handle is dropped.
    fn lock(&self) -> Result<fs::File, ProgressError> {
        let wrap = |source| ProgressError::Write {
            path: self.path.clone(),
            source,
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(wrap)?;
        let file = fs::File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(self.path.with_extension("json.lock"))
            .map_err(wrap)?;
        file.lock().map_err(wrap)?;
        Ok(file)
    }

    fn write_atomic(&self, progress: &Progress) -> Result<(), ProgressError> {
        let wrap = |source| ProgressError::Write {
            path: self.path.clone(),
            source,
        };
        let dir = self.path.parent().unwrap_or(Path::new("."));
        fs::create_dir_all(dir).map_err(wrap)?;
        let json =
            serde_json::to_vec_pretty(progress).map_err(|e| wrap(std::io::Error::other(e)))?;
        let tmp = self
            .path
            .with_extension(format!("json.tmp-{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut file = fs::File::create(&tmp)?;
            file.write_all(&json)?;
            file.sync_all()?;
            fs::rename(&tmp, &self.path)?;
            if let Ok(d) = fs::File::open(dir) {
                let _ = d.sync_all();
            }
            Ok(())
        };
        write().map_err(|e| {
            let _ = fs::remove_file(&tmp);
            wrap(e)
        })
    }

    /// Forgets one lesson, or everything when `lesson` is None.
    pub fn reset(&self, lesson: Option<&str>) -> Result<Progress, ProgressError> {
        let _lock = self.lock()?;
        let (mut progress, _) = self.load()?;
        match lesson {
            Some(id) => {
                progress.lessons.remove(id);
                if progress.current_lesson.as_deref() == Some(id) {
                    progress.current_lesson = None;
                }
            }
            None => progress = Progress::default(),
        }
        self.write_atomic(&progress)?;
        Ok(progress)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saves_and_loads_back() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = ProgressStore::at(dir.path().join("p/course.json"));
        let mut p = Progress {
            current_lesson: Some("embeddings".into()),
            ..Progress::default()
        };
        p.lesson_mut("embeddings")
            .exercises
            .entry("pair".into())
            .or_default()
            .passed = true;
        store.save(&p).expect("save");
        let (back, warning) = store.load().expect("load");
        assert_eq!(back, p);
        assert!(warning.is_none());
        // No temp file left behind.
        let names: Vec<_> = fs::read_dir(dir.path().join("p"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| !n.to_string_lossy().ends_with(".lock"))
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
    }

    #[test]
    fn corrupt_file_is_kept_aside() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("course.json");
        fs::write(&path, "{ not json").unwrap();
        let store = ProgressStore::at(&path);
        let (p, warning) = store.load().expect("load");
        assert_eq!(p, Progress::default());
        let warning = warning.expect("a warning");
        assert!(warning.contains("kept it as"), "{warning}");
        let aside: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains("corrupt"))
            .collect();
        assert_eq!(aside.len(), 1);
        assert_eq!(fs::read_to_string(aside[0].path()).unwrap(), "{ not json");
    }

    #[test]
    fn reset_one_lesson_keeps_the_others() {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = ProgressStore::at(dir.path().join("c.json"));
        let mut p = Progress::default();
        p.lesson_mut("a").step = 2;
        p.lesson_mut("b").step = 3;
        store.save(&p).unwrap();
        let after = store.reset(Some("a")).unwrap();
        assert!(!after.lessons.contains_key("a"));
        assert_eq!(after.lessons.get("b").map(|l| l.step), Some(3));
        assert_eq!(store.reset(None).unwrap(), Progress::default());
    }

    #[test]
    fn lesson_state_follows_what_is_passed() {
        let mut p = Progress::default();
        assert_eq!(p.state("l", &["e"], &["q"]), LessonState::NotStarted);
        p.lesson_mut("l")
            .exercises
            .entry("e".into())
            .or_default()
            .passed = true;
        assert_eq!(p.state("l", &["e"], &["q"]), LessonState::InProgress);
        p.lesson_mut("l")
            .quizzes
            .entry("q".into())
            .or_default()
            .correct = true;
        assert_eq!(p.state("l", &["e"], &["q"]), LessonState::Done);
        assert_eq!(
            course_key("Hugging Face: the course!"),
            "hugging-face-the-course"
        );
    }
}
