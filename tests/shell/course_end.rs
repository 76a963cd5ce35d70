//! The course-end screen: reached by walking past the last step or from the lesson list, it sums
//! up exercises passed per lesson and the ideas met (front matter `concepts:`). Snapshots at 80×24
//! and 100×30 on the hand-made course of `common/shell_fixture.rs`.

use crate::fixture;

use fixture::*;
use hftutor::course::Course;
use hftutor::progress::Progress;
use hftutor::shell::{Action, App, Focus};
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;

/// The fixture course with summaries and concepts, as lesson files would give them.
fn course_with_concepts() -> Course {
    let mut c = course();
    let extra = [
        (
            "Find your way around and meet Hugging Face.",
            vec!["model", "the Hugging Face Hub"],
        ),
        (
            "Score how alike two sentences are.",
            vec!["embedding", "cosine similarity"],
        ),
        (
            "Make a small model write, and steer it.",
            vec!["next token", "temperature"],
        ),
    ];
    for (lesson, (summary, concepts)) in c.lessons.iter_mut().zip(extra) {
        lesson.summary = summary.into();
        lesson.concepts = concepts.into_iter().map(String::from).collect();
    }
    c
}

/// Everything done: both exercises passed, the quiz answered right.
fn all_done() -> Progress {
    let mut p = Progress {
        current_lesson: Some("generation".into()),
        ..Progress::default()
    };
    let w = p.lesson_mut("welcome");
    w.steps_seen = 2;
    w.quizzes.entry("hub".into()).or_default().correct = true;
    for (lesson, ex) in [("embeddings", "pair"), ("generation", "cat")] {
        let l = p.lesson_mut(lesson);
        l.steps_seen = 1;
        l.exercises.entry(ex.into()).or_default().passed = true;
    }
    p
}

/// Halfway: the welcome lesson done, the similarity exercise tried but not passed.
fn halfway() -> Progress {
    let mut p = Progress {
        current_lesson: Some("embeddings".into()),
        ..Progress::default()
    };
    let w = p.lesson_mut("welcome");
    w.steps_seen = 2;
    w.quizzes.entry("hub".into()).or_default().correct = true;
    let e = p.lesson_mut("embeddings");
    e.steps_seen = 1;
    e.exercises.entry("pair".into()).or_default().attempts = 2;
    p
}

fn app(progress: Progress, w: u16, h: u16) -> App {
    let mut app = App::new(course_with_concepts(), progress, None);
    app.update(Action::Resize(w, h));
    app
}

#[test]
fn walking_past_the_last_step_shows_the_course_end() {
    let mut app = app(all_done(), 100, 30);
    assert_eq!(app.lesson_index(), 2);
    app.on_key(key(KeyCode::Right));
    assert!(app.course_end_shown());
    assert!(
        app.panels().is_empty(),
        "no exercise keys on the course end"
    );
    // Enter does nothing here (no exercise to run).
    assert!(app.on_key(key(KeyCode::Enter)).is_empty());
    // ← goes back to where the student was.
    app.on_key(key(KeyCode::Left));
    assert!(!app.course_end_shown());
    assert_eq!((app.lesson_index(), app.step_index()), (2, 0));
    assert_eq!(app.panels().len(), 1);
}

#[test]
fn the_lesson_list_opens_the_course_end_and_a_lesson_closes_it() {
    let mut app = app(halfway(), 80, 24);
    app.on_key(key(KeyCode::Char('l')));
    assert_eq!(app.focus(), Focus::Lessons);
    app.on_key(key(KeyCode::Char('e')));
    assert!(app.course_end_shown());
    assert_eq!(app.focus(), Focus::Lesson);
    // l shows the list again; opening the current lesson leaves the course end.
    app.on_key(key(KeyCode::Char('l')));
    app.on_key(key(KeyCode::Enter));
    assert!(!app.course_end_shown());
    assert_eq!(app.lesson_index(), 1);
}

#[test]
fn course_end_when_everything_is_done_100x30() {
    let mut app = app(all_done(), 100, 30);
    app.update(Action::NextStep);
    let screen = render(&app, 100, 30);
    assert!(screen.contains("every lesson is done, with 2 exercises passed"));
    assert!(screen.contains("embedding · cosine similarity"));
    assert!(screen.contains("│next token · temperature"));
    assert_snapshot!(screen);
}

#[test]
fn course_end_halfway_80x24() {
    let mut app = app(halfway(), 80, 24);
    app.update(Action::ShowCourseEnd);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("1 of 3 lessons done, 0 of 2 exercises passed"));
    assert!(screen.contains("0 of 1 exercise passed"));
    // Ideas of lessons not started yet are not "met".
    assert!(!screen.contains("temperature"));
    assert_snapshot!(screen);
}

#[test]
fn course_end_scrolls_when_it_does_not_fit() {
    let mut app = app(all_done(), 80, 12);
    app.update(Action::ShowCourseEnd);
    let before = render(&app, 80, 12);
    assert!(before.contains("↓ more"));
    app.on_key(key(KeyCode::Char('G')));
    let after = render(&app, 80, 12);
    assert_ne!(before, after);
    assert!(after.contains("Hugging Face Hub."));
    assert!(!after.contains("↓ more"));
}
