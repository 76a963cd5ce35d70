//! What a student may paste into an input box: 100 KB, control characters, bytes that were not
//! UTF-8 (the terminal layer hands them over as U+FFFD). Handled quickly, on one line, capped.

use crate::fixture;

use std::time::{Duration, Instant};

use fixture::*;
use hftutor::shell::{Action, App, StatusKind, MAX_FIELD_CHARS};
use ratatui::crossterm::event::KeyCode;

fn typing() -> App {
    let mut app = app_at(1, 80, 24);
    app.update(Action::StartTyping);
    app.update(Action::NextField);
    app
}

fn field(app: &App) -> String {
    app.exercise_ui(1, "pair").expect("panel").values[1].clone()
}

#[test]
fn a_100_kb_paste_is_capped_quickly_with_a_word_why() {
    let mut app = typing();
    let big = "All work and no play. ".repeat(100 * 1024 / 22);
    let started = Instant::now();
    let effects = app.update(Action::Paste(big.clone()));
    // Then edit at the end of the long line, as a student would.
    for _ in 0..200 {
        app.on_key(key(KeyCode::Backspace));
    }
    type_text(&mut app, "the end");
    let _ = render(&app, 80, 24);
    let took = started.elapsed();
    assert!(effects.is_empty(), "{effects:?}");
    assert!(took < Duration::from_secs(10), "took {took:?}"); // quadratic editing would take minutes
    let value = field(&app);
    // The cut falls between words (issue 17: "week" became "wee"): at the last space before
    // the limit.
    let kept = big[..MAX_FIELD_CHARS].rfind(' ').expect("a space");
    assert!(kept > MAX_FIELD_CHARS - 22, "{kept}");
    assert_eq!(value.chars().count(), kept - 200 + 7);
    assert!(big.starts_with(&value[..value.len() - 7]));
    let status = app.status().expect("a status");
    assert_eq!(status.kind, StatusKind::Info);
    assert_eq!(
        status.text,
        "That is too long for this box: it keeps at most the first 4000 characters, up to the last whole word."
    );
    // A full box takes no more typing, and says so.
    app.update(Action::Paste("x".repeat(300)));
    assert_eq!(field(&app).chars().count(), MAX_FIELD_CHARS);
    type_text(&mut app, "y");
    assert_eq!(field(&app).chars().count(), MAX_FIELD_CHARS);
    assert!(!field(&app).ends_with('y'));
}

#[test]
fn control_characters_become_spaces() {
    let mut app = typing();
    app.update(Action::Paste(
        "a\tb\r\nc\x1b[31md\x00e\x07f\u{7f}g\u{85}h\n\n".into(),
    ));
    assert_eq!(field(&app), "a b  c [31md e f g h");
    assert!(app.status().is_none(), "nothing to say: {:?}", app.status());
    let _ = render(&app, 80, 24);
}

#[test]
fn invalid_utf8_arrives_as_replacement_characters() {
    let mut app = typing();
    let pasted = String::from_utf8_lossy(b"caf\xe9 \xff\xfe ok").to_string();
    app.update(Action::Paste(pasted));
    assert_eq!(field(&app), "caf\u{fffd} \u{fffd}\u{fffd} ok");
    app.on_key(key(KeyCode::Left));
    app.on_key(key(KeyCode::Backspace));
    assert_eq!(field(&app), "caf\u{fffd} \u{fffd}\u{fffd} k");
    let _ = render(&app, 80, 24);
}
