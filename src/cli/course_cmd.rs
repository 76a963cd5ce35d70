//! `hftutor` (the tutor), `hftutor check` and `hftutor solve`: loading a course for a command.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::course::{self, Course};
use crate::models::Provision;
use crate::progress::ProgressStore;

/// Loads the course in `dir` (or the built-in one); problems become one error listing them all.
pub fn load_course(dir: Option<&Path>) -> anyhow::Result<Course> {
    let loaded = match dir {
        Some(d) => course::load_dir(d),
        None => course::load_embedded(),
    };
    loaded.map_err(|problems| {
        let errors: Vec<String> = problems
            .iter()
            .filter(|p| !p.warning)
            .map(|p| p.to_string())
            .collect();
        let list = if errors.is_empty() {
            problems.iter().map(|p| p.to_string()).collect::<Vec<_>>()
        } else {
            errors
        };
        anyhow::anyhow!(
            "the course has problems; fix them and try again (`hftutor check` lists them):\n{}",
            list.join("\n")
        )
    })
}

/// The interactive tutor.
pub fn tutor(dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let course = load_course(dir)?;
    let store = ProgressStore::for_course(&course.title);
    let (progress, warning) = store.load().context("reading your progress")?;
    crate::shell::run(course, store, progress, warning, Provision::from_env())?;
    Ok(ExitCode::SUCCESS)
}

/// `hftutor check`: every problem as `path:line:col: message`; exit 1 on any error.
pub fn check(dir: Option<&Path>) -> ExitCode {
    let problems = course::check_course(dir);
    let errors = problems.iter().filter(|p| !p.warning).count();
    let warnings = problems.len() - errors;
    for p in &problems {
        println!("{p}");
    }
    let what = dir
        .map(|d| d.display().to_string())
        .unwrap_or_else(|| "the built-in course".into());
    if errors > 0 {
        eprintln!("{what}: {errors} error(s), {warnings} warning(s)");
        ExitCode::FAILURE
    } else {
        eprintln!("{what}: no errors, {warnings} warning(s)");
        ExitCode::SUCCESS
    }
}

/// `hftutor solve`: the headless solver's table; exit 1 on any failure.
pub fn solve(dir: Option<&Path>, lesson: Option<&str>) -> anyhow::Result<ExitCode> {
    let course = load_course(dir)?;
    let provision = Provision::from_env();
    let report =
        crate::solver::solve(&course, lesson, &provision, &mut |line| eprintln!("{line}"))?;
    print!("{}", report.table());
    Ok(if report.all_good() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}
