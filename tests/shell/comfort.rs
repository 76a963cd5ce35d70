//! Comfort: the mouse (wheel and clicks on lessons and quiz answers) and wide characters
//! (CJK, emoji) in the input line, where the cursor must land on the right cell.

use crate::fixture;

use fixture::*;
use hftutor::shell::{self, Action, Focus};
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::Position;
use ratatui::Terminal;

fn mouse(kind: MouseEventKind, column: u16, row: u16) -> MouseEvent {
    MouseEvent {
        kind,
        column,
        row,
        modifiers: KeyModifiers::NONE,
    }
}

fn click(column: u16, row: u16) -> MouseEvent {
    mouse(MouseEventKind::Down(MouseButton::Left), column, row)
}

#[test]
fn the_wheel_scrolls_what_is_under_the_pointer() {
    let app = app_at(0, 80, 24);
    // Lesson text (right of the 19-column list).
    assert_eq!(
        app.mouse_actions(mouse(MouseEventKind::ScrollDown, 40, 5)),
        vec![Action::ScrollDown; 3]
    );
    assert_eq!(
        app.mouse_actions(mouse(MouseEventKind::ScrollUp, 40, 5)),
        vec![Action::ScrollUp; 3]
    );
    // The lesson list.
    assert_eq!(
        app.mouse_actions(mouse(MouseEventKind::ScrollDown, 3, 5)),
        vec![Action::ShowLessons, Action::ListDown]
    );
    // The exercise panel, on a lesson with an exercise (its panel sits below row 12).
    let app = app_at(2, 80, 24);
    assert_eq!(
        app.mouse_actions(mouse(MouseEventKind::ScrollUp, 40, 15)),
        vec![Action::PanelUp]
    );
    // Moving the pointer does nothing; neither do the header and footer.
    assert!(app
        .mouse_actions(mouse(MouseEventKind::Moved, 40, 15))
        .is_empty());
    assert!(app.mouse_actions(click(40, 0)).is_empty());
    assert!(app.mouse_actions(click(40, 23)).is_empty());
}

#[test]
fn clicking_a_lesson_opens_it() {
    let mut app = app_at(0, 80, 24);
    // Row 0 is the header, row 1 the list's title, lessons from row 2.
    app.on_mouse(click(4, 4));
    assert_eq!(app.lesson_index(), 2);
    app.on_mouse(click(4, 3));
    assert_eq!(app.lesson_index(), 1);
    // Below the last lesson: nothing.
    app.on_mouse(click(4, 12));
    assert_eq!(app.lesson_index(), 1);
}

#[test]
fn clicking_a_quiz_choice_answers_with_it() {
    let mut app = app_at(0, 80, 24);
    app.update(Action::NextStep);
    let screen = render(&app, 80, 24);
    let row = screen
        .lines()
        .position(|l| l.contains("2. Models, datasets and Spaces"))
        .expect("the choice shows") as u16;
    app.on_mouse(click(30, row));
    let quiz = app
        .progress()
        .lesson("welcome")
        .and_then(|l| l.quizzes.get("hub"))
        .expect("answered");
    assert_eq!(quiz.picked, vec![1]);
    assert!(quiz.correct);
    // The question line is not a choice.
    let question = screen
        .lines()
        .position(|l| l.contains("What can you find"))
        .expect("the question shows") as u16;
    assert!(app.mouse_actions(click(30, question)).is_empty());
}

#[test]
fn clicking_the_exercise_panel_starts_typing_and_any_click_closes_help() {
    let mut app = app_at(2, 80, 24);
    app.on_mouse(click(40, 14));
    assert_eq!(app.focus(), Focus::Typing);
    app.update(Action::StopTyping);
    app.update(Action::ToggleHelp);
    app.on_mouse(click(1, 1));
    assert!(!app.help_shown());
}

fn cursor(app: &hftutor::shell::App) -> (Position, String) {
    let mut terminal = Terminal::new(TestBackend::new(80, 24)).expect("test terminal");
    terminal.draw(|f| shell::draw(f, app)).expect("draw");
    let at = terminal.get_cursor_position().expect("cursor");
    (at, format!("{}", terminal.backend()))
}

#[test]
fn wide_characters_keep_the_cursor_on_its_cell() {
    let mut app = app_at(2, 80, 24);
    app.update(Action::StartTyping);
    app.update(Action::ClearField);
    let (start, _) = cursor(&app);
    type_text(&mut app, "猫🐱 café");
    let (end, screen) = cursor(&app);
    assert!(screen.contains("猫🐱 café"), "{screen}");
    // 猫 and 🐱 take two cells each, then " café" five.
    assert_eq!(end.x - start.x, 2 + 2 + 5);
    assert_eq!(end.y, start.y);
    for _ in 0..6 {
        app.on_key(key(KeyCode::Left));
    }
    let (after_cat, _) = cursor(&app);
    assert_eq!(after_cat.x - start.x, 2, "the cursor sits after 猫");
    app.on_key(key(KeyCode::Backspace));
    let (back, screen) = cursor(&app);
    assert_eq!(back.x, start.x);
    assert!(screen.contains("🐱 café"), "{screen}");
    assert!(!screen.contains('猫'));
}
