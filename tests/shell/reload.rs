//! Live preview (`--watch`): a reloaded course keeps the student's place, a broken one shows its
//! errors over the last good course, and the watcher reloads after a file is written.

use crate::fixture;

use std::sync::mpsc;
use std::time::Duration;

use fixture::*;
use hftutor::course::{Block, Problem};
use hftutor::shell::watch::CourseWatcher;
use hftutor::shell::{Action, Effect, Focus, StatusKind};
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;

fn problem(file: &str, line: usize, col: usize, message: &str, warning: bool) -> Problem {
    Problem {
        file: file.into(),
        line,
        col,
        message: message.into(),
        warning,
    }
}

#[test]
fn a_reload_keeps_the_lesson_step_and_typed_text() {
    let mut app = app_at(0, 80, 24);
    app.update(Action::NextStep);
    assert_eq!((app.lesson_index(), app.step_index()), (0, 1));

    // The teacher adds a lesson before this one and rewrites the step's text.
    let mut edited = course();
    let mut intro = edited.lessons[1].clone();
    intro.id = "intro".into();
    edited.lessons.insert(0, intro);
    edited.lessons[1].steps[1].blocks[0] = Block::Markdown("New text for the quiz step.".into());
    let effects = app.update(Action::CourseReloaded(Ok(edited.clone())));
    assert!(effects.is_empty());
    assert_eq!(app.current_lesson().map(|l| l.id.as_str()), Some("welcome"));
    assert_eq!((app.lesson_index(), app.step_index()), (1, 1));
    assert_eq!(app.course(), &edited);
    assert_eq!(app.status().map(|s| s.kind), Some(StatusKind::Info));
    assert!(app.course_errors().is_empty());

    // Typed text in an exercise survives a reload.
    let mut app = app_at(1, 80, 24);
    app.update(Action::StartTyping);
    type_text(&mut app, "Hello");
    let before = app.exercise_ui(1, "pair").cloned();
    app.update(Action::CourseReloaded(Ok(course())));
    assert_eq!(app.exercise_ui(1, "pair").cloned(), before);
    assert_eq!(app.focus(), Focus::Typing);
}

#[test]
fn a_removed_step_or_lesson_falls_back_to_the_nearest_place() {
    let mut app = app_at(0, 80, 24);
    app.update(Action::NextStep);
    let mut shorter = course();
    shorter.lessons[0].steps.truncate(1);
    app.update(Action::CourseReloaded(Ok(shorter)));
    assert_eq!((app.lesson_index(), app.step_index()), (0, 0));

    let mut app = app_at(2, 80, 24);
    let mut fewer = course();
    fewer.lessons.truncate(2);
    app.update(Action::CourseReloaded(Ok(fewer)));
    assert_eq!((app.lesson_index(), app.step_index()), (0, 0));
}

#[test]
fn errors_keep_the_last_good_course_until_fixed() {
    let mut app = app_at(0, 80, 24);
    app.update(Action::NextStep);
    let errors = vec![
        problem(
            "my-course/01-first.md",
            14,
            3,
            "unknown check \"similarty\" (did you mean \"similarity\"?)",
            false,
        ),
        problem(
            "my-course/01-first.md",
            20,
            1,
            "exercise \"pair\" has no hints: add 1 to 3, mildest first",
            true,
        ),
    ];
    app.update(Action::CourseReloaded(Err(errors.clone())));
    assert_eq!(app.course(), &course());
    assert_eq!(app.course_errors(), &errors[..1], "warnings are left out");
    assert_eq!(app.status().map(|s| s.kind), Some(StatusKind::Error));
    assert_eq!((app.lesson_index(), app.step_index()), (0, 1));
    // The student can still move around the last good course.
    app.update(Action::PrevStep);
    assert_eq!(app.step_index(), 0);

    app.update(Action::CourseReloaded(Ok(course())));
    assert!(app.course_errors().is_empty());
    assert_eq!(app.step_index(), 0);
}

#[test]
fn a_running_job_is_stopped_by_a_reload() {
    let mut app = app_at(1, 80, 24);
    app.update(Action::StartTyping);
    type_text(&mut app, "Cats purr.");
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "Kittens purr.");
    let effects = app.update(Action::Run);
    assert!(submitted(&effects).is_some(), "{effects:?}");
    let effects = app.update(Action::CourseReloaded(Ok(course())));
    assert_eq!(effects, vec![Effect::Cancel]);
    assert!(app.running().is_none());
}

#[test]
fn reload_errors_pane() {
    let mut app = app_at(1, 80, 24);
    app.update(Action::CourseReloaded(Err(vec![
        problem("my-course/01-first.md", 14, 3, "unknown check \"similarty\" (did you mean \"similarity\"?)", false),
        problem("my-course/course.yaml", 3, 5, "lesson \"02-tokens\" not found: there is no file 02-tokens.md and no lesson with that id", false),
    ])));
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn the_watcher_reloads_after_a_file_changes() {
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path().join("c");
    hftutor::author::scaffold::new_course(&dir, "Watched").expect("scaffold");
    let (tx, rx) = mpsc::channel();
    let watcher = CourseWatcher::start(&dir, move |r| drop(tx.send(r))).expect("watch");

    let lesson = dir.join("01-first-lesson.md");
    let text = std::fs::read_to_string(&lesson).expect("read");
    std::fs::write(&lesson, text.replace("## Recap", "## Recap again")).expect("write");
    let course = rx
        .recv_timeout(Duration::from_secs(10))
        .expect("a reload")
        .expect("a valid course");
    assert!(course.lessons[0]
        .steps
        .iter()
        .any(|s| s.title == "Recap again"));

    // A broken file comes back as problems, with where and why.
    std::fs::write(
        &lesson,
        text.replace("similarity: {min: 0.5}", "similarty: {min: 0.5}"),
    )
    .expect("write");
    let problems = loop {
        match rx.recv_timeout(Duration::from_secs(10)).expect("a reload") {
            Err(p) => break p,
            Ok(_) => continue, // a reload of an earlier burst
        }
    };
    assert!(
        problems
            .iter()
            .any(|p| p.file.ends_with("01-first-lesson.md")
                && p.message.contains("did you mean \"similarity\"")),
        "{problems:?}"
    );

    // Editor swap files don't trigger a reload; dropping the watcher stops it.
    while rx.recv_timeout(Duration::from_millis(600)).is_ok() {}
    std::fs::write(dir.join(".01-first-lesson.md.swp"), "x").expect("write");
    assert!(rx.recv_timeout(Duration::from_millis(800)).is_err());
    drop(watcher);
    std::fs::write(&lesson, &text).expect("write");
    assert!(rx.recv_timeout(Duration::from_millis(800)).is_err());
}

#[test]
fn watch_waits_for_a_broken_course_to_be_fixed() {
    let root = tempfile::tempdir().expect("temp dir");
    let dir = root.path().join("c");
    hftutor::author::scaffold::new_course(&dir, "Watched").expect("scaffold");
    let lesson = dir.join("01-first-lesson.md");
    let good = std::fs::read_to_string(&lesson).expect("read");
    std::fs::write(
        &lesson,
        good.replace("task: sentence-similarity", "task: similarty"),
    )
    .expect("write");
    let fixer = {
        let lesson = lesson.clone();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(700));
            std::fs::write(&lesson, good).expect("write");
        })
    };
    let mut reported = Vec::new();
    let course = hftutor::shell::watch::first_good_course(&dir, |p| reported.push(p.to_vec()))
        .expect("the fixed course");
    fixer.join().expect("fixer");
    assert_eq!(course.title, "Watched");
    assert_eq!(reported.len(), 1, "{reported:?}");
    assert!(
        reported[0]
            .iter()
            .any(|p| p.message.starts_with("unknown task \"similarty\"")),
        "{reported:?}"
    );
}
