//! `hftutor python FILE.py` and `hftutor python -c CODE`: the code cell's sandbox headless. It
//! prints what CPython would print (stdout, then the traceback on stderr) and exits 1 on an error.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::hub::Provision;
use crate::python::{self, local::LocalModels, Limits, Source};

use super::course_cmd::load_course;

#[derive(Debug, clap::Args)]
pub struct PythonArgs {
    /// The program as a string (as `python -c`).
    #[arg(short = 'c', value_name = "CODE", conflicts_with = "file")]
    pub code: Option<String>,
    /// A Python file to run.
    pub file: Option<PathBuf>,
}

pub fn run(course_dir: Option<&Path>, args: PythonArgs) -> anyhow::Result<ExitCode> {
    let source = match (&args.code, &args.file) {
        (Some(code), _) => Source {
            code: code.clone(),
            file_name: "<string>".into(),
        },
        (None, Some(file)) => {
            let code = std::fs::read_to_string(file)
                .map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            Source {
                code,
                file_name: file.display().to_string(),
            }
        }
        (None, None) => anyhow::bail!("give a file to run, or -c CODE"),
    };
    let course = load_course(course_dir)?;
    let mut models = LocalModels::new(course.models.clone(), Provision::from_env());
    let cell = python::run(&source, &mut models, Limits::default());
    for note in cell.notes.iter().chain(&models.notes) {
        errln!("{note}");
    }
    out!("{}", cell.stdout);
    // What a launched gradio app shows, on stderr with the other notes (stdout stays what
    // CPython prints).
    for app in &cell.apps {
        for line in crate::present::app::lines(app) {
            errln!("{line}");
        }
    }
    match cell.error {
        Some(traceback) => {
            crate::cli::out::write_err(&traceback);
            Ok(ExitCode::from(1))
        }
        None => Ok(ExitCode::SUCCESS),
    }
}
