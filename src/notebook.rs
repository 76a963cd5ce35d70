//! Taking a lesson's code home: the lesson as a Jupyter notebook (`.ipynb`, nbformat 4, opens in
//! Colab and Jupyter) with its text as Markdown cells and each code exercise as a code cell, and
//! each code exercise as a `.py` file. The code is the student's last run (from their progress),
//! else the lesson's starter. Files already there are never written over: a new name is taken.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};

use crate::course::{Block, Exercise, Kind, Lesson};
use crate::progress::Progress;

/// Why the files could not be written.
#[derive(Debug, thiserror::Error)]
pub enum NotebookError {
    #[error("no lesson \"{0}\" in the course")]
    NoLesson(String),
    #[error("lesson \"{0}\" has no code exercise to take home")]
    NoCode(String),
    #[error("can't write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Each code exercise's code: the student's last run, else the starter.
pub fn codes(lesson: &Lesson, progress: &Progress) -> BTreeMap<String, String> {
    lesson
        .exercises()
        .filter(|e| e.kind == Kind::Code)
        .map(|e| {
            let last = progress
                .lesson(&lesson.id)
                .and_then(|l| l.exercises.get(&e.id))
                .and_then(|p| p.last_input.first())
                .filter(|c| !c.trim().is_empty());
            let code = last.cloned().unwrap_or_else(|| {
                e.inputs
                    .first()
                    .map(|f| f.default.clone())
                    .unwrap_or_default()
            });
            (e.id.clone(), code)
        })
        .collect()
}

/// The lines of a cell's source, as nbformat keeps them (each with its line break but the last).
fn source(text: &str) -> Value {
    let text = text.trim_end_matches('\n');
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    json!(lines)
}

fn markdown(text: &str) -> Value {
    json!({"cell_type": "markdown", "metadata": {}, "source": source(text)})
}

fn code(text: &str) -> Value {
    json!({
        "cell_type": "code",
        "execution_count": null,
        "metadata": {},
        "outputs": [],
        "source": source(text),
    })
}

fn exercise_text(e: &Exercise) -> String {
    match e.kind {
        Kind::Code => format!("**Exercise:** {}", e.goal),
        Kind::Fields => format!("**Exercise (in hftutor):** {}", e.goal),
    }
}

/// The lesson as an nbformat 4 notebook.
pub fn notebook(lesson: &Lesson, codes: &BTreeMap<String, String>) -> String {
    let mut cells = vec![
        markdown(&format!("# {}\n\n{}", lesson.title, lesson.summary)),
        code("%pip install -q transformers sentence-transformers torch"),
    ];
    for step in &lesson.steps {
        cells.push(markdown(&format!("## {}", step.title)));
        for block in &step.blocks {
            match block {
                Block::Markdown(text) => cells.push(markdown(text)),
                Block::Exercise(e) => {
                    cells.push(markdown(&exercise_text(e)));
                    if let Some(c) = codes.get(&e.id) {
                        cells.push(code(c));
                    }
                }
                Block::Quiz(q) => {
                    let mut text = format!("**Quiz:** {}\n", q.question);
                    for c in &q.choices {
                        text.push_str(&format!("\n- {}", c.text));
                    }
                    cells.push(markdown(&text));
                }
            }
        }
    }
    let nb = json!({
        "cells": cells,
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 4,
    });
    let mut text = serde_json::to_string_pretty(&nb).unwrap_or_default();
    text.push('\n');
    text
}

/// Creates `path`, or the first free `stem-2.ext`, `stem-3.ext`…, holding `text`.
fn write_free(path: &Path, text: &str) -> Result<PathBuf, NotebookError> {
    use std::io::Write;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let ext = path
        .extension()
        .map(|s| format!(".{}", s.to_string_lossy()))
        .unwrap_or_default();
    for n in 1..=999 {
        let candidate = match n {
            1 => path.to_path_buf(),
            _ => path.with_file_name(format!("{stem}-{n}{ext}")),
        };
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&candidate)
        {
            Ok(mut f) => {
                f.write_all(text.as_bytes())
                    .map_err(|source| NotebookError::Write {
                        path: candidate.clone(),
                        source,
                    })?;
                return Ok(candidate);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(source) => {
                return Err(NotebookError::Write {
                    path: candidate,
                    source,
                })
            }
        }
    }
    Err(NotebookError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::new(
            std::io::ErrorKind::AlreadyExists,
            "999 files of that name are already there",
        ),
    })
}

/// Writes `DIR/<lesson>.ipynb` and `DIR/<lesson>/<exercise>.py` for each code exercise; gives
/// the paths written.
pub fn write(
    dir: &Path,
    lesson: &Lesson,
    progress: &Progress,
) -> Result<Vec<PathBuf>, NotebookError> {
    let codes = codes(lesson, progress);
    if codes.is_empty() {
        return Err(NotebookError::NoCode(lesson.id.clone()));
    }
    let folder = dir.join(&lesson.id);
    std::fs::create_dir_all(&folder).map_err(|source| NotebookError::Write {
        path: folder.clone(),
        source,
    })?;
    let mut written = vec![write_free(
        &dir.join(format!("{}.ipynb", lesson.id)),
        &notebook(lesson, &codes),
    )?];
    for (id, c) in &codes {
        let mut text = c.trim_end_matches('\n').to_string();
        text.push('\n');
        written.push(write_free(&folder.join(format!("{id}.py")), &text)?);
    }
    Ok(written)
}
