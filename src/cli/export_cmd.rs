//! `hftutor export-space LESSON/EXERCISE DIR`: writes a Gradio Space folder for an exercise.

use std::path::Path;
use std::process::ExitCode;

use crate::space as export_space;

use super::course_cmd;

pub fn run(course_dir: Option<&Path>, exercise: &str, dir: &Path) -> anyhow::Result<ExitCode> {
    let course = course_cmd::load_course(course_dir)?;
    let (lesson, ex) = export_space::find(&course, exercise)?;
    let space = export_space::space(&course, lesson, ex)?;
    for path in export_space::write(dir, &space)? {
        outln!("wrote {}", path.display());
    }
    outln!(
        "Try it: cd {} && pip install -r requirements.txt && python app.py",
        dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
