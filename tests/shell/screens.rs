//! The shell's screens as insta snapshots on ratatui's TestBackend (80×24 and 100×30), driven by
//! actions and worker events on a hand-made course. Review changes with `cargo insta review`
//! (or INSTA_UPDATE=always, then read the .snap files).

use crate::fixture;

use fixture::*;
use hftutor::domain::PipelineOutput;
use hftutor::domain::StopReason;
use hftutor::domain::TokenInfo;
use hftutor::progress::Progress;
use hftutor::shell::{Action, App};
use hftutor::worker::WorkerEvent;
use insta::assert_snapshot;
use ratatui::crossterm::event::KeyCode;

#[test]
fn lesson_pane_with_markdown_80x24() {
    let app = app_at(0, 80, 24);
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn lesson_pane_with_markdown_100x30() {
    let app = app_at(0, 100, 30);
    assert_snapshot!(render(&app, 100, 30));
}

#[test]
fn lesson_list_with_progress_marks() {
    let mut progress = Progress {
        current_lesson: Some("embeddings".into()),
        ..Progress::default()
    };
    let welcome = progress.lesson_mut("welcome");
    welcome.steps_seen = 2;
    welcome.quizzes.entry("hub".into()).or_default().correct = true;
    progress.lesson_mut("embeddings").steps_seen = 1;
    let mut app = App::new(course(), progress, None);
    app.update(Action::Resize(80, 24));
    app.update(Action::ShowLessons);
    app.update(Action::ListDown);
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn narrow_screen_shows_the_list_alone() {
    let mut app = app_at(0, 60, 20);
    app.update(Action::ShowLessons);
    assert_snapshot!(render(&app, 60, 20));
}

#[test]
fn exercise_before_a_run() {
    let mut app = app_at(1, 80, 24);
    app.on_key(key(KeyCode::Char('i')));
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "This class is wonderful.");
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn exercise_loading_the_model() {
    let mut app = app_at(2, 80, 24);
    app.on_key(key(KeyCode::Enter));
    app.update(Action::Submitted(1));
    app.update(Action::Worker(WorkerEvent::Started { job: 1 }));
    app.update(Action::Worker(WorkerEvent::Loading {
        job: 1,
        message: "fetching SmolLM2-135M-Instruct.Q4_1.gguf: 42 MB".into(),
        fraction: Some(0.42),
    }));
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn exercise_streaming_text_100x30() {
    let mut app = app_at(2, 100, 30);
    app.on_key(key(KeyCode::Enter));
    app.update(Action::Submitted(1));
    app.update(Action::Worker(WorkerEvent::Started { job: 1 }));
    for piece in [",", " there", " was", " a", " little"] {
        app.update(stream(1, piece));
    }
    app.update(Action::Tick);
    assert_snapshot!(render(&app, 100, 30));
}

#[test]
fn exercise_after_a_pass() {
    let mut app = app_at(1, 80, 24);
    app.update(Action::StartTyping);
    app.update(Action::NextField);
    type_text(&mut app, "This class is wonderful.");
    app.update(Action::StopTyping);
    app.update(Action::Run);
    app.update(Action::Submitted(1));
    app.update(finished(
        1,
        PipelineOutput::Similarities(vec![0.6132]),
        1234,
    ));
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn exercise_after_a_fail_with_a_hint_100x30() {
    let mut app = app_at(1, 100, 30);
    app.update(Action::StartTyping);
    app.update(Action::NextField);
    type_text(&mut app, "The stock market fell today.");
    app.update(Action::StopTyping);
    app.update(Action::Run);
    app.update(Action::Submitted(1));
    app.update(finished(1, PipelineOutput::Similarities(vec![0.0166]), 250));
    app.update(Action::Hint);
    assert_snapshot!(render(&app, 100, 30));
}

#[test]
fn generation_after_a_run() {
    let mut app = app_at(2, 80, 24);
    app.update(Action::Run);
    app.update(Action::Submitted(1));
    app.update(stream(1, ", there was a cat"));
    app.update(finished(
        1,
        generation(
            ", there was a cat who loved to read.",
            StopReason::EndOfText,
        ),
        2100,
    ));
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn prepare_error_is_shown() {
    let mut app = app_at(2, 80, 24);
    app.update(Action::StartTyping);
    app.update(Action::NextField);
    app.update(Action::ClearField);
    type_text(&mut app, "hot");
    app.update(Action::Run);
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn tokens_result() {
    let mut app = app_at(2, 80, 24);
    app.update(Action::Run);
    app.update(Action::Submitted(1));
    let tok = |id: u32, token: &str, special: bool| TokenInfo {
        id,
        token: token.into(),
        start: 0,
        end: 0,
        special,
    };
    let output = PipelineOutput::Tokens(vec![vec![
        tok(101, "[CLS]", true),
        tok(2320, "once", false),
        tok(2588, "upon", false),
        tok(1037, "a", false),
        tok(2051, "time", false),
        tok(102, "[SEP]", true),
    ]]);
    app.update(finished(1, output, 40));
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn quiz_before_answering() {
    let mut app = app_at(0, 80, 24);
    app.update(Action::NextStep);
    app.update(Action::QuizDown);
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn quiz_after_a_wrong_then_a_right_answer() {
    let mut app = app_at(0, 80, 24);
    app.update(Action::NextStep);
    app.update(Action::QuizSelect(0));
    app.update(Action::QuizAnswer);
    app.update(Action::QuizSelect(1));
    app.update(Action::QuizAnswer);
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn help_overlay() {
    let mut app = app_at(1, 80, 24);
    app.on_key(key(KeyCode::Char('?')));
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn load_warning_in_the_status_line() {
    let mut app = App::new(
        course(),
        Progress::default(),
        Some("progress file was unreadable; kept it aside".into()),
    );
    app.update(Action::Resize(80, 24));
    assert_snapshot!(render(&app, 80, 24));
}

#[test]
fn tiny_terminal() {
    let mut app = app_at(1, 20, 5);
    app.update(Action::Resize(20, 5));
    assert_snapshot!(render(&app, 20, 5));
}

#[test]
fn no_size_panics() {
    for (w, h) in [
        (1, 1),
        (20, 5),
        (39, 9),
        (40, 10),
        (41, 11),
        (55, 14),
        (80, 24),
        (200, 60),
    ] {
        for lesson in 0..3 {
            let mut app = app_at(lesson, w, h);
            app.update(Action::NextStep);
            app.update(Action::PrevStep);
            app.update(Action::Hint);
            app.update(Action::ShowLessons);
            let _ = render(&app, w, h);
            app.update(Action::HideLessons);
            app.update(Action::ToggleHelp);
            let _ = render(&app, w, h);
        }
    }
}

#[test]
fn a_long_result_scrolls_inside_the_panel() {
    let mut app = app_at(2, 80, 24);
    app.update(Action::Run);
    app.update(Action::Submitted(1));
    let text = "Once upon a time, in a small village at the edge of a great forest, there lived a \
                curious cat who loved to read old books by candlelight every single night.";
    let PipelineOutput::Generations(mut gens) = generation(text, StopReason::MaxTokens) else {
        unreachable!()
    };
    gens.push(gens[0].clone());
    gens.push(gens[0].clone());
    app.update(finished(1, PipelineOutput::Generations(gens), 5000));
    let first = render(&app, 80, 24);
    for _ in 0..30 {
        app.on_key(key(KeyCode::Char('[')));
    }
    let top = render(&app, 80, 24);
    assert_ne!(first, top);
    assert_snapshot!("long_result_default", first);
    assert_snapshot!("long_result_scrolled_up", top);
}
