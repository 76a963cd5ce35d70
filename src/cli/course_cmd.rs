//! `hftutor` (the tutor), `hftutor check` and `hftutor solve`: loading a course for a command.

use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;

use crate::course::{self, Course};
use crate::hub::Provision;
use crate::progress::ProgressStore;

/// Loads the course in `dir` (or the built-in one); problems become one error listing them all.
pub fn load_course(dir: Option<&Path>) -> anyhow::Result<Course> {
    let loaded = match dir {
        Some(d) => course::load_dir(d, &crate::attempt::Rules),
        None => course::load_embedded(&crate::attempt::Rules),
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

/// The interactive tutor; with `watch`, the course reloads whenever its files change.
pub fn tutor(
    dir: Option<&Path>,
    watch: bool,
    theme: crate::shell::theme::Theme,
) -> anyhow::Result<ExitCode> {
    let course = match (watch, dir) {
        (true, None) => {
            anyhow::bail!(
                "--watch needs --course DIR: it previews a course folder while you edit it"
            )
        }
        (true, Some(d)) => first_good_course(d)?,
        (false, _) => load_course(dir)?,
    };
    let store = ProgressStore::for_course(&course.title);
    let (progress, warning) = store.load().context("reading your progress")?;
    let watch = if watch {
        dir.map(Path::to_path_buf)
    } else {
        None
    };
    crate::shell::run(
        course,
        store,
        progress,
        warning,
        Provision::from_env(),
        watch,
        theme,
    )?;
    Ok(ExitCode::SUCCESS)
}

/// How `hftutor check` prints problems.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// For `--watch`: the course in `dir`; while it has errors, lists them and waits for a save
/// that fixes them.
fn first_good_course(dir: &Path) -> anyhow::Result<Course> {
    crate::shell::watch::first_good_course(dir, |problems| {
        for p in problems.iter().filter(|p| !p.warning) {
            errln!("{p}");
        }
        errln!("Fix these and save: the tutor opens as soon as the course has no errors (Ctrl-C to stop).");
    })
}

/// `hftutor check`: every problem as `path:line:col: message` (or a JSON array for editors);
/// exit 1 on any error.
pub fn check(dir: Option<&Path>, format: Format) -> ExitCode {
    let problems = course::check_course(dir, &crate::attempt::Rules);
    let errors = problems.iter().filter(|p| !p.warning).count();
    let warnings = problems.len() - errors;
    match format {
        Format::Text => {
            for p in &problems {
                outln!("{p}");
            }
        }
        Format::Json => super::out::json_line(&course::problems_json(&problems)),
    }
    let what = dir
        .map(|d| d.display().to_string())
        .unwrap_or_else(|| "the built-in course".into());
    if errors > 0 {
        errln!("{what}: {errors} error(s), {warnings} warning(s)");
        ExitCode::FAILURE
    } else {
        errln!("{what}: no errors, {warnings} warning(s)");
        ExitCode::SUCCESS
    }
}

/// `hftutor solve`: the headless solver's table; exit 1 on any failure, 2 when every exercise
/// that ran was good but some could not run (model missing).
pub fn solve(dir: Option<&Path>, lesson: Option<&str>) -> anyhow::Result<ExitCode> {
    let course = load_course(dir)?;
    let provision = Provision::from_env();
    let report =
        crate::author::solver::solve(&course, lesson, &provision, &mut |line| errln!("{line}"))?;
    out!("{}", report.table());
    Ok(if report.all_good() {
        ExitCode::SUCCESS
    } else if report.ran_good() {
        ExitCode::from(2)
    } else {
        ExitCode::FAILURE
    })
}
