//! `hftutor export-space`: turns a course exercise into a Gradio Space folder (app.py using
//! transformers' `pipeline` with the exercise's task, model and solutions as examples,
//! requirements.txt, and README.md with the Space's YAML header), ready to publish. Used by the
//! command line and by the shell's export key (a student's own Space, lesson 11).

mod app_py;
mod more_tasks;

use std::path::{Path, PathBuf};

use crate::course::{Course, Exercise, Lesson};
use crate::domain::ModelRef;
use crate::domain::Task;

/// The gradio version the README header names (the Space builds with it).
pub const GRADIO_VERSION: &str = "5.9.1";

/// Why a Space could not be exported.
#[derive(Debug, Clone, thiserror::Error, PartialEq)]
pub enum ExportError {
    #[error("“{0}” is not LESSON/EXERCISE, e.g. meaning-as-numbers/close-pair")]
    BadName(String),
    #[error("no lesson “{lesson}”; the lessons are: {known}")]
    NoLesson { lesson: String, known: String },
    #[error("lesson “{lesson}” has no exercise “{exercise}”; its exercises are: {known}")]
    NoExercise {
        lesson: String,
        exercise: String,
        known: String,
    },
    #[error("no model is set for the task {0}")]
    NoModel(String),
    #[error("exercises of the task {0} can't become a Space yet")]
    Unsupported(String),
    #[error("{path}: {message}")]
    Write { path: PathBuf, message: String },
    #[error("couldn't start writing the Space: {0}")]
    Thread(String),
}

/// The three files of a Space.
#[derive(Debug, Clone, PartialEq)]
pub struct Space {
    pub app_py: String,
    pub requirements: String,
    pub readme: String,
}

/// Finds `LESSON/EXERCISE` (ids) in `course`.
pub fn find<'a>(course: &'a Course, name: &str) -> Result<(&'a Lesson, &'a Exercise), ExportError> {
    let (lesson_id, exercise_id) = name
        .split_once('/')
        .filter(|(l, e)| !l.is_empty() && !e.is_empty())
        .ok_or_else(|| ExportError::BadName(name.to_string()))?;
    let lesson = course
        .lessons
        .iter()
        .find(|l| l.id == lesson_id)
        .ok_or_else(|| ExportError::NoLesson {
            lesson: lesson_id.to_string(),
            known: course
                .lessons
                .iter()
                .map(|l| l.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    let exercise = lesson
        .exercises()
        .find(|e| e.id == exercise_id)
        .ok_or_else(|| ExportError::NoExercise {
            lesson: lesson.id.clone(),
            exercise: exercise_id.to_string(),
            known: lesson
                .exercises()
                .map(|e| e.id.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
    Ok((lesson, exercise))
}

/// The Space for what the student has in the exercise's fields right now (`values`, one per field):
/// they become the app's starting values and, when no text field is empty, its first example.
pub fn space_with_inputs(
    course: &Course,
    lesson: &Lesson,
    exercise: &Exercise,
    values: &[String],
) -> Result<Space, ExportError> {
    let mut exercise = exercise.clone();
    if values.len() == exercise.inputs.len() {
        let texts_filled = exercise
            .inputs
            .iter()
            .zip(values)
            .all(|(f, v)| f.param.is_some() || !v.trim().is_empty());
        for (field, value) in exercise.inputs.iter_mut().zip(values) {
            if !value.trim().is_empty() {
                field.default = value.clone();
            }
        }
        if texts_filled && !exercise.solutions.iter().any(|s| s == values) {
            exercise.solutions.insert(0, values.to_vec());
        }
    }
    space(course, lesson, &exercise)
}

/// A classifier or tokenizer exercise with several text fields becomes an app with one text box,
/// each text of each example an example of its own (the app handles one text at a time).
fn one_text_box(exercise: &Exercise) -> Option<Exercise> {
    let single = matches!(exercise.task, Task::TextClassification | Task::Tokenize);
    if !single || exercise.inputs.len() < 2 || exercise.inputs.iter().any(|f| f.param.is_some()) {
        return None;
    }
    let mut one = exercise.clone();
    let mut field = exercise.inputs[0].clone();
    field.label = "Text".into();
    one.inputs = vec![field];
    one.solutions = Vec::new();
    for text in exercise.solutions.iter().flatten() {
        let example = vec![text.clone()];
        if !text.trim().is_empty() && !one.solutions.contains(&example) {
            one.solutions.push(example);
        }
    }
    Some(one)
}

/// The Space for `exercise` of `lesson`.
pub fn space(course: &Course, lesson: &Lesson, exercise: &Exercise) -> Result<Space, ExportError> {
    let single = one_text_box(exercise);
    let exercise = single.as_ref().unwrap_or(exercise);
    let model = exercise
        .model
        .clone()
        .or_else(|| course.models.get(&exercise.task).cloned())
        .ok_or_else(|| ExportError::NoModel(exercise.task.name().to_string()))?;
    let app_py = app_py::render(lesson, exercise, &model)?;
    let mut requirements = vec!["gradio", "transformers", "torch"];
    if matches!(
        exercise.task,
        Task::SentenceSimilarity | Task::FeatureExtraction
    ) {
        requirements.push("numpy");
    }
    if model.gguf_file.is_some() && app_py::transformers_id(&model).is_none() {
        requirements.push("gguf");
    }
    Ok(Space {
        app_py,
        requirements: requirements.join("\n") + "\n",
        readme: readme(lesson, exercise, &model),
    })
}

/// A double-quoted string literal, valid in both YAML and Python (JSON's escapes).
pub(crate) fn quoted(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".to_string())
}

fn readme(lesson: &Lesson, exercise: &Exercise, model: &ModelRef) -> String {
    let title: String = format!("{} · {}", lesson.title, exercise.id)
        .chars()
        .take(60)
        .collect();
    let short: String = exercise.goal.chars().take(60).collect();
    let header = [
        "---".to_string(),
        format!("title: {}", quoted(&title)),
        "emoji: 🤗".to_string(),
        "colorFrom: yellow".to_string(),
        "colorTo: blue".to_string(),
        "sdk: gradio".to_string(),
        format!("sdk_version: {}", quoted(GRADIO_VERSION)),
        "app_file: app.py".to_string(),
        "pinned: false".to_string(),
        format!("short_description: {}", quoted(&short)),
        "---".to_string(),
    ]
    .join("\n");
    format!(
        "{header}\n\n# {}\n\n{}\n\nA demo of the exercise “{}” from the hftutor lesson “{}”: a \
         `{}` model ({}) behind a small Gradio app.\n\nRun it on your computer with \
         `pip install -r requirements.txt` then `python app.py`, or put this folder in a new \
         Space on Hugging Face to share it.\n",
        lesson.title,
        exercise.goal,
        exercise.id,
        lesson.id,
        exercise.task.name(),
        model.id
    )
}

/// Writes the Space into a new folder `parent/name`, or `name-2`, `name-3`… when that one is taken
/// (an existing folder is never written over); returns the folder.
pub fn write_new(parent: &Path, name: &str, space: &Space) -> Result<PathBuf, ExportError> {
    let fail = |path: &Path, e: std::io::Error| ExportError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    std::fs::create_dir_all(parent).map_err(|e| fail(parent, e))?;
    for n in 1..=999 {
        let dir = match n {
            1 => parent.join(name),
            _ => parent.join(format!("{name}-{n}")),
        };
        match std::fs::create_dir(&dir) {
            Ok(()) => {
                write(&dir, space)?;
                return Ok(dir);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(fail(&dir, e)),
        }
    }
    Err(ExportError::Write {
        path: parent.join(name),
        message: "999 folders of that name are already there".into(),
    })
}

/// Writes the Space's files into `dir` (made if missing); returns the paths written.
pub fn write(dir: &Path, space: &Space) -> Result<Vec<PathBuf>, ExportError> {
    let fail = |path: &Path, e: std::io::Error| ExportError::Write {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    std::fs::create_dir_all(dir).map_err(|e| fail(dir, e))?;
    let mut written = Vec::new();
    for (name, text) in [
        ("app.py", &space.app_py),
        ("requirements.txt", &space.requirements),
        ("README.md", &space.readme),
    ] {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| fail(&path, e))?;
        written.push(path);
    }
    Ok(written)
}
