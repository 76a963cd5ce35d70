//! Input fields edit by grapheme cluster: ←/→, Backspace and Delete treat 👍🏽 (thumb + skin
//! tone), 🇫🇷 (two regional indicators) and a decomposed é (e + combining accent) as one
//! character each, and the cursor shows the whole cluster it sits on.

use crate::fixture;

use fixture::*;
use hftutor::shell::{self, Action, App};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::KeyCode;
use ratatui::Terminal;

const THUMB: &str = "👍🏽";
const FLAG: &str = "🇫🇷";
const E_ACUTE: &str = "e\u{301}";

/// The similarity exercise, typing in its empty second field.
fn typing(text: &str) -> App {
    let mut app = app_at(1, 80, 24);
    app.update(Action::StartTyping);
    app.update(Action::NextField);
    type_text(&mut app, text);
    app
}

fn value(app: &App) -> String {
    app.exercise_ui(1, "pair").expect("panel").values[1].clone()
}

fn cursor(app: &App) -> usize {
    app.exercise_ui(1, "pair").expect("panel").cursor
}

fn press(app: &mut App, code: KeyCode, times: usize) {
    for _ in 0..times {
        app.on_key(key(code));
    }
}

#[test]
fn backspace_deletes_a_whole_cluster() {
    for cluster in [THUMB, FLAG, E_ACUTE] {
        let mut app = typing(&format!("a{cluster}"));
        press(&mut app, KeyCode::Backspace, 1);
        assert_eq!(value(&app), "a", "{cluster:?}");
        assert_eq!(cursor(&app), 1);
    }
}

#[test]
fn delete_removes_the_whole_cluster_under_the_cursor() {
    for cluster in [THUMB, FLAG, E_ACUTE] {
        let mut app = typing(&format!("{cluster}b"));
        press(&mut app, KeyCode::Home, 1);
        press(&mut app, KeyCode::Delete, 1);
        assert_eq!(value(&app), "b", "{cluster:?}");
        assert_eq!(cursor(&app), 0);
    }
}

#[test]
fn arrows_step_over_clusters() {
    let text = format!("x{THUMB}{FLAG}{E_ACUTE}y");
    let mut app = typing(&text);
    // Cursor at the end: char 8 (x=1, 👍🏽=2, 🇫🇷=2, é=2, y=1).
    assert_eq!(cursor(&app), 8);
    let mut seen = Vec::new();
    for _ in 0..6 {
        press(&mut app, KeyCode::Left, 1);
        seen.push(cursor(&app));
    }
    assert_eq!(seen, [7, 5, 3, 1, 0, 0]);
    let mut seen = Vec::new();
    for _ in 0..6 {
        press(&mut app, KeyCode::Right, 1);
        seen.push(cursor(&app));
    }
    assert_eq!(seen, [1, 3, 5, 7, 8, 8]);
    // From the middle: Backspace takes the flag, Delete the accented e.
    press(&mut app, KeyCode::Left, 2);
    press(&mut app, KeyCode::Backspace, 1);
    press(&mut app, KeyCode::Delete, 1);
    assert_eq!(value(&app), format!("x{THUMB}y"));
    assert_eq!(cursor(&app), 3);
}

#[test]
fn typing_after_editing_keeps_clusters_intact() {
    let mut app = typing(&format!("{FLAG}{FLAG}"));
    press(&mut app, KeyCode::Left, 1);
    type_text(&mut app, "-");
    assert_eq!(value(&app), format!("{FLAG}-{FLAG}"));
    press(&mut app, KeyCode::Right, 1);
    press(&mut app, KeyCode::Backspace, 2);
    assert_eq!(value(&app), FLAG);
}

#[test]
fn the_cursor_highlights_the_whole_cluster() {
    let mut app = typing(&format!("a{THUMB}b"));
    press(&mut app, KeyCode::Left, 2);
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("terminal");
    terminal.draw(|f| shell::draw(f, &app)).expect("draw");
    let at = terminal.get_cursor_position().expect("cursor");
    let buffer = terminal.backend().buffer();
    assert_eq!(
        buffer[(at.x, at.y)].symbol(),
        THUMB,
        "the cell under the cursor"
    );
    assert_eq!(buffer[(at.x + 2, at.y)].symbol(), "b");
    assert_eq!(buffer[(at.x - 1, at.y)].symbol(), "a");
}

#[test]
fn a_long_field_scrolls_by_whole_clusters() {
    let app = typing(&FLAG.repeat(60));
    let screen = render(&app, 80, 24);
    let line = screen
        .lines()
        .find(|l| l.contains("Sentence B"))
        .expect("the field's line");
    let shown: String = line
        .split_once(": ")
        .expect("label: value")
        .1
        .chars()
        .filter(|c| ('\u{1F1E6}'..='\u{1F1FF}').contains(c))
        .collect();
    assert!(shown.len() < FLAG.repeat(60).len(), "it scrolled: {line}");
    assert!(shown.starts_with(FLAG), "no half flag on the left: {line}");
    assert_eq!(shown.chars().count() % 2, 0, "{line}");
}
