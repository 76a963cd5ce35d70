//! `hftutor progress --export FILE` (a student's progress as JSON) and
//! `hftutor class report FILES… [--csv]` (the teacher's table).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::Subcommand;

use super::course_cmd::load_course;
use super::out;
use crate::author::classroom;
use crate::progress::ProgressStore;

#[derive(Debug, Subcommand)]
pub enum ClassAction {
    /// A table per lesson, exercise and quiz: students done, mean attempts, hints used.
    Report {
        /// Progress files written by `hftutor progress --export FILE`, one per student.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print CSV for a spreadsheet instead of a table.
        #[arg(long)]
        csv: bool,
    },
}

/// Writes the student's progress on the course to `file` (`-` for the screen).
pub fn export(
    course_dir: Option<&Path>,
    file: &Path,
    student: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let course = load_course(course_dir)?;
    let store = ProgressStore::for_course(&course.title);
    let (progress, warning) = store.load()?;
    if let Some(w) = warning {
        errln!("warning: {w}");
    }
    let user = std::env::var("USER").ok().filter(|u| !u.trim().is_empty());
    let student = student
        .map(str::to_string)
        .or(user)
        .unwrap_or_else(|| "student".into());
    let export = classroom::export(&course, &progress, &student);
    let json = serde_json::to_string_pretty(&export)? + "\n";
    if file == Path::new("-") {
        out::json_line(json.trim_end());
    } else {
        std::fs::write(file, json).with_context(|| format!("cannot write {}", file.display()))?;
        errln!(
            "wrote {}'s progress on {} to {}",
            student,
            course.title,
            file.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run(action: ClassAction) -> anyhow::Result<ExitCode> {
    match action {
        ClassAction::Report { files, csv } => {
            let mut exports = Vec::new();
            for f in &files {
                let text = std::fs::read_to_string(f)
                    .with_context(|| format!("cannot read {}", f.display()))?;
                let export = classroom::parse_export(&text)
                    .map_err(|why| anyhow::anyhow!("{}: {why}", f.display()))?;
                exports.push(export);
            }
            let report = classroom::class_report(&exports).map_err(anyhow::Error::msg)?;
            out!("{}", if csv { report.csv() } else { report.table() });
        }
    }
    Ok(ExitCode::SUCCESS)
}
