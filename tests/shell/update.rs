//! `App::update` and the keymap: actions in, state and effects out (no terminal, no models).

use crate::fixture;

use fixture::*;
use hftutor::domain::ModelRef;
use hftutor::domain::PipelineOutput;
use hftutor::domain::StopReason;
use hftutor::domain::Task;
use hftutor::progress::{LessonState, Progress};
use hftutor::shell::{Action, App, Effect, Focus, Outcome, StatusKind};
use hftutor::worker::WorkerEvent;
use ratatui::crossterm::event::KeyCode;

/// The embeddings lesson, typing a second sentence.
fn typed_pair(second: &str) -> App {
    let mut app = app_at(1, 80, 24);
    app.on_key(key(KeyCode::Char('i')));
    assert_eq!(app.focus(), Focus::Typing);
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, second);
    app
}

#[test]
fn enter_submits_a_job_on_the_course_default_model() {
    let mut app = typed_pair("This class is wonderful.");
    let effects = app.on_key(key(KeyCode::Enter));
    let job = submitted(&effects).expect("a Submit effect");
    assert_eq!(job.task, Task::SentenceSimilarity);
    assert_eq!(job.model, ModelRef::new(MINILM));
    assert_eq!(
        job.input.texts(),
        vec![
            "I love this course.".to_string(),
            "This class is wonderful.".to_string()
        ]
    );
    assert_eq!(job.runs, 1);
    assert!(app.running().is_some());
    // A second Enter while it runs asks for nothing more.
    assert!(app.on_key(key(KeyCode::Enter)).is_empty());
}

#[test]
fn the_exercise_model_overrides_the_default() {
    let mut course = course();
    if let hftutor::course::Block::Exercise(e) = &mut course.lessons[1].steps[0].blocks[1] {
        e.model = Some(ModelRef::new("my/model"));
    }
    let mut app = App::new(course, Progress::default(), None);
    app.update(Action::OpenLesson(1));
    app.update(Action::StartTyping);
    app.update(Action::NextField);
    type_text(&mut app, "This class is wonderful.");
    let effects = app.update(Action::Run);
    assert_eq!(
        submitted(&effects).map(|j| j.model.id.as_str()),
        Some("my/model")
    );
}

#[test]
fn a_task_without_a_model_says_so_and_runs_nothing() {
    let mut course = course();
    course.models.remove(&Task::SentenceSimilarity);
    let mut app = App::new(course, Progress::default(), None);
    app.update(Action::OpenLesson(1));
    let effects = app.update(Action::Run);
    assert!(effects.is_empty(), "{effects:?}");
    match &app.exercise_ui(1, "pair").expect("panel").outcome {
        Outcome::Refused(message) => assert!(message.contains("sentence-similarity"), "{message}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_prepare_error_is_shown_and_no_job_is_made() {
    let mut app = app_at(2, 80, 24);
    app.update(Action::StartTyping);
    app.update(Action::NextField);
    app.update(Action::ClearField);
    type_text(&mut app, "hot");
    let effects = app.on_key(key(KeyCode::Enter));
    assert!(submitted(&effects).is_none(), "{effects:?}");
    assert!(app.running().is_none());
    assert!(matches!(
        app.exercise_ui(2, "cat").map(|u| &u.outcome),
        Some(Outcome::Refused(_))
    ));
}

#[test]
fn finished_gives_a_verdict_records_progress_and_saves() {
    let mut app = typed_pair("This class is wonderful.");
    app.on_key(key(KeyCode::Enter));
    app.update(Action::Submitted(7));
    assert!(app
        .update(Action::Worker(WorkerEvent::Started { job: 7 }))
        .is_empty());
    let effects = app.update(finished(7, PipelineOutput::Similarities(vec![0.71]), 900));
    let saved = effects
        .iter()
        .find_map(|e| match e {
            Effect::Save(p) => Some(p.clone()),
            _ => None,
        })
        .expect("a Save effect");
    let ep = &saved.lessons["embeddings"].exercises["pair"];
    assert!(ep.passed);
    assert_eq!(ep.attempts, 1);
    assert_eq!(
        ep.last_input,
        vec![
            "I love this course.".to_string(),
            "This class is wonderful.".to_string()
        ]
    );
    assert_eq!(&saved, app.progress());
    assert!(app.running().is_none());
    match &app.exercise_ui(1, "pair").expect("panel").outcome {
        Outcome::Done {
            verdict: Some(v), ..
        } => assert!(v.passed),
        other => panic!("expected a verdict, got {other:?}"),
    }
    assert_eq!(
        app.lesson_state(&app.course().lessons[1]),
        LessonState::Done
    );
}

#[test]
fn a_failed_attempt_counts_but_does_not_pass() {
    let mut app = typed_pair("The stock market fell today.");
    app.on_key(key(KeyCode::Enter));
    app.update(Action::Submitted(1));
    app.update(finished(1, PipelineOutput::Similarities(vec![0.02]), 300));
    let ep = &app.progress().lessons["embeddings"].exercises["pair"];
    assert!(!ep.passed);
    assert_eq!(ep.attempts, 1);
}

#[test]
fn events_of_other_jobs_are_ignored() {
    let mut app = typed_pair("This class is wonderful.");
    app.on_key(key(KeyCode::Enter));
    app.update(Action::Submitted(2));
    assert!(app
        .update(finished(1, PipelineOutput::Similarities(vec![0.9]), 10))
        .is_empty());
    assert!(app.running().is_some());
}

#[test]
fn q_while_typing_types_q_and_quits_otherwise() {
    let mut app = app_at(2, 80, 24);
    app.on_key(key(KeyCode::Char('i')));
    let effects = app.on_key(key(KeyCode::Char('q')));
    assert!(effects.is_empty());
    assert_eq!(
        app.exercise_ui(2, "cat").expect("panel").values[0],
        "Once upon a timeq"
    );
    app.on_key(key(KeyCode::Esc));
    assert_eq!(app.focus(), Focus::Lesson);
    assert_eq!(app.on_key(key(KeyCode::Char('q'))), vec![Effect::Quit]);
    assert_eq!(app.on_key(ctrl('c')), vec![Effect::Quit]);
}

#[test]
fn esc_and_ctrl_c_during_a_run_cancel_it() {
    let mut app = app_at(2, 80, 24);
    app.on_key(key(KeyCode::Enter));
    app.update(Action::Submitted(3));
    app.update(stream(3, "Once"));
    assert_eq!(app.on_key(ctrl('c')), vec![Effect::Cancel]);
    assert!(app.on_key(key(KeyCode::Esc)).is_empty(), "already stopping");
    let effects = app.update(finished(
        3,
        generation(" there", StopReason::Cancelled),
        500,
    ));
    assert!(
        effects.is_empty(),
        "a stopped run is not judged nor saved: {effects:?}"
    );
    match &app.exercise_ui(2, "cat").expect("panel").outcome {
        Outcome::Done {
            verdict: None,
            cancelled: true,
            ..
        } => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(
        app.progress()
            .lessons
            .get("generation")
            .map(|l| l.exercises["cat"].attempts),
        Some(0)
    );
}

#[test]
fn hints_are_revealed_one_at_a_time_and_saved() {
    let mut app = app_at(1, 80, 24);
    let effects = app.on_key(key(KeyCode::Char('h')));
    assert!(matches!(effects.as_slice(), [Effect::Save(_)]));
    app.on_key(key(KeyCode::Char('i')));
    assert!(matches!(
        app.on_key(key(KeyCode::F(1))).as_slice(),
        [Effect::Save(_)]
    ));
    assert!(app.on_key(key(KeyCode::F(1))).is_empty());
    assert_eq!(app.status().map(|s| s.kind), Some(StatusKind::Info));
    assert_eq!(
        app.progress().lessons["embeddings"].exercises["pair"].hints_used,
        2
    );
}

#[test]
fn quiz_answers_are_recorded() {
    let mut app = app_at(0, 80, 24);
    app.on_key(key(KeyCode::Char('n')));
    assert_eq!(app.step_index(), 1);
    app.on_key(key(KeyCode::Char('3')));
    let effects = app.on_key(key(KeyCode::Enter));
    assert!(matches!(effects.as_slice(), [Effect::Save(_)]));
    assert!(!app.progress().lessons["welcome"].quizzes["hub"].correct);
    app.on_key(key(KeyCode::Up));
    app.on_key(key(KeyCode::Enter));
    let qp = &app.progress().lessons["welcome"].quizzes["hub"];
    assert!(qp.correct);
    assert_eq!(qp.picked, vec![2, 1]);
}

#[test]
fn steps_move_across_lessons_and_resume_where_saved() {
    let mut app = app_at(0, 80, 24);
    let effects = app.on_key(key(KeyCode::Right));
    assert!(matches!(effects.as_slice(), [Effect::Save(_)]));
    app.on_key(key(KeyCode::Right));
    assert_eq!((app.lesson_index(), app.step_index()), (1, 0));
    assert_eq!(app.progress().current_lesson.as_deref(), Some("embeddings"));
    app.on_key(key(KeyCode::Left));
    assert_eq!((app.lesson_index(), app.step_index()), (0, 1));

    let resumed = App::new(
        course(),
        app.progress().clone(),
        Some("progress was corrupt".into()),
    );
    assert_eq!((resumed.lesson_index(), resumed.step_index()), (0, 1));
    assert_eq!(resumed.status().map(|s| s.kind), Some(StatusKind::Warning));
}

#[test]
fn the_lesson_list_opens_lessons() {
    let mut app = app_at(0, 80, 24);
    app.on_key(key(KeyCode::Char('l')));
    assert_eq!(app.focus(), Focus::Lessons);
    app.on_key(key(KeyCode::Down));
    app.on_key(key(KeyCode::Down));
    app.on_key(key(KeyCode::Enter));
    assert_eq!((app.lesson_index(), app.focus()), (2, Focus::Lesson));
}

#[test]
fn scrolling_stays_within_the_text() {
    let mut app = app_at(0, 80, 24);
    for _ in 0..100 {
        app.on_key(key(KeyCode::Down));
    }
    let bottom = render(&app, 80, 24);
    assert!(
        bottom.contains("pipeline(\"sentiment-analysis\")"),
        "{bottom}"
    );
    app.on_key(key(KeyCode::PageUp));
    app.on_key(key(KeyCode::PageUp));
    app.on_key(key(KeyCode::PageUp));
    assert!(render(&app, 80, 24).contains("Welcome to hftutor"));
}

#[test]
fn editing_keys_move_the_cursor_by_chars() {
    let mut app = app_at(1, 80, 24);
    app.update(Action::StartTyping);
    app.update(Action::NextField);
    type_text(&mut app, "héllo");
    app.on_key(key(KeyCode::Left));
    app.on_key(key(KeyCode::Left));
    app.on_key(key(KeyCode::Backspace));
    app.on_key(key(KeyCode::Home));
    app.on_key(key(KeyCode::Delete));
    assert_eq!(app.exercise_ui(1, "pair").expect("panel").values[1], "élo");
}

#[test]
fn the_worker_going_away_ends_the_run_with_a_message() {
    let mut app = typed_pair("x");
    app.on_key(key(KeyCode::Enter));
    app.update(Action::Submitted(1));
    app.update(Action::WorkerGone);
    assert!(app.running().is_none());
    assert_eq!(app.status().map(|s| s.kind), Some(StatusKind::Error));
    assert!(app.update(Action::Run).is_empty());
}

#[test]
fn pasted_text_goes_into_the_field_on_one_line() {
    let mut app = app_at(1, 80, 24);
    assert!(
        app.update(Action::Paste("ignored".into())).is_empty(),
        "not typing: nothing happens"
    );
    app.update(Action::StartTyping);
    app.update(Action::NextField);
    let effects = app.update(Action::Paste("This class\nis wonderful.\n".into()));
    assert!(
        effects.is_empty(),
        "a pasted line break does not run: {effects:?}"
    );
    assert_eq!(
        app.exercise_ui(1, "pair").expect("panel").values[1],
        "This class is wonderful."
    );
    assert_eq!(app.exercise_ui(1, "pair").expect("panel").cursor, 24);
}

/// Issue 17: `i` went back into the last field used, and a student wiped the prompt thinking
/// they were in another field. Typing starts in the first field each time.
#[test]
fn i_starts_typing_in_the_first_field() {
    let mut app = app_at(1, 80, 24);
    app.update(Action::StartTyping);
    app.update(Action::NextField);
    assert_eq!(app.exercise_ui(1, "pair").expect("panel").field, 1);
    app.update(Action::StopTyping);
    app.on_key(key(KeyCode::Char('i')));
    let ui = app.exercise_ui(1, "pair").expect("panel");
    assert_eq!((app.focus(), ui.field), (Focus::Typing, 0));
    assert_eq!(
        ui.cursor,
        ui.values[0].chars().count(),
        "at the end of its text"
    );
}
