//! `hftutor notebook LESSON [DIR]`: the lesson as a Jupyter notebook, and each code exercise's
//! last run as a `.py` file, to take home (`crate::notebook`).

use std::path::Path;
use std::process::ExitCode;

use crate::notebook::{self, NotebookError};
use crate::progress::ProgressStore;

use super::course_cmd;

pub fn run(course_dir: Option<&Path>, lesson: &str, dir: &Path) -> anyhow::Result<ExitCode> {
    let course = course_cmd::load_course(course_dir)?;
    let l = course
        .lessons
        .iter()
        .find(|l| l.id == lesson)
        .ok_or_else(|| NotebookError::NoLesson(lesson.to_string()))?;
    let (progress, warning) = ProgressStore::for_course(&course.title).load()?;
    if let Some(w) = warning {
        errln!("{w}");
    }
    for path in notebook::write(dir, l, &progress)? {
        outln!("wrote {}", path.display());
    }
    outln!("Open the .ipynb in Jupyter, or upload it to Colab (File › Upload notebook).");
    Ok(ExitCode::SUCCESS)
}
