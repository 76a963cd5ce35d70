//! `hftutor progress` and `hftutor reset`: the student's progress from the command line.

use std::path::Path;
use std::process::ExitCode;

use super::course_cmd::load_course;
use crate::progress::{LessonState, ProgressStore};

/// Prints each lesson with its state, exercises passed and quizzes answered.
pub fn show(dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let course = load_course(dir)?;
    let store = ProgressStore::for_course(&course.title);
    let (progress, warning) = store.load()?;
    if let Some(w) = warning {
        errln!("warning: {w}");
    }
    outln!(
        "{} — progress kept in {}",
        course.title,
        store.path().display()
    );
    // Columns as wide as the longest id and title (titles cut at 32 columns), so long ids
    // don't push the rest out of line.
    use crate::shell::wrap::{truncate, width};
    let titles: Vec<String> = course
        .lessons
        .iter()
        .map(|l| truncate(&crate::present::safe::line(&l.title), 32))
        .collect();
    let id_w = course
        .lessons
        .iter()
        .map(|l| width(&l.id))
        .max()
        .unwrap_or(0);
    let title_w = titles.iter().map(|t| width(t)).max().unwrap_or(0);
    let pad = |s: &str, w: usize| format!("{s}{}", " ".repeat(w.saturating_sub(width(s))));
    for (lesson, title) in course.lessons.iter().zip(&titles) {
        let exercises: Vec<&str> = lesson.exercises().map(|e| e.id.as_str()).collect();
        let quizzes: Vec<&str> = lesson.quizzes().map(|q| q.id.as_str()).collect();
        let state = progress.state(&lesson.id, &exercises, &quizzes);
        let lp = progress.lesson(&lesson.id);
        let passed = lp.map_or(0, |l| {
            exercises
                .iter()
                .filter(|e| l.exercises.get(**e).is_some_and(|x| x.passed))
                .count()
        });
        let right = lp.map_or(0, |l| {
            quizzes
                .iter()
                .filter(|q| l.quizzes.get(**q).is_some_and(|x| x.correct))
                .count()
        });
        let mark = match state {
            LessonState::Done => "done",
            LessonState::InProgress => "in progress",
            LessonState::NotStarted => "not started",
        };
        let here = if progress.current_lesson.as_deref() == Some(&lesson.id) {
            "  ← you are here"
        } else {
            ""
        };
        outln!(
            "{} {} {:<12} exercises {passed}/{}  quizzes {right}/{}{here}",
            pad(&crate::present::safe::line(&lesson.id), id_w),
            pad(title, title_w),
            mark,
            exercises.len(),
            quizzes.len()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Forgets one lesson or everything.
pub fn reset(dir: Option<&Path>, lesson: Option<&str>) -> anyhow::Result<ExitCode> {
    let course = load_course(dir)?;
    if let Some(id) = lesson {
        if !course.lessons.iter().any(|l| l.id == id) {
            let ids: Vec<&str> = course.lessons.iter().map(|l| l.id.as_str()).collect();
            anyhow::bail!(
                "no lesson \"{id}\" in {}; lessons are: {}",
                course.title,
                ids.join(", ")
            );
        }
    }
    let store = ProgressStore::for_course(&course.title);
    store.reset(lesson)?;
    match lesson {
        Some(id) => outln!("progress in lesson {id} forgotten"),
        None => outln!("all progress in {} forgotten", course.title),
    }
    Ok(ExitCode::SUCCESS)
}
