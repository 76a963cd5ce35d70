//! Keys → `Action`s, by focus and mode. The footer and the help overlay describe this table
//! (their text lives in `strings.rs`): change them together.

use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use crate::shell::action::Action;
use crate::shell::state::{App, Focus, Panel};

/// The action a key press means right now, if any.
pub fn action_for(app: &App, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let running = app.running().is_some_and(|r| !r.cancelling);

    // Keys that mean the same everywhere.
    // Ctrl-C stops a run; pressed again while it is stopping (or with nothing running), it quits.
    if ctrl && key.code == KeyCode::Char('c') {
        return Some(if running {
            Action::Cancel
        } else {
            Action::Quit
        });
    }
    if app.help_shown() {
        return Some(Action::CloseHelp);
    }
    if key.code == KeyCode::Esc && running {
        return Some(Action::Cancel);
    }
    if key.code == KeyCode::F(1) {
        return Some(Action::Hint);
    }
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    match key.code {
        KeyCode::PageUp => return Some(Action::PageUp),
        KeyCode::PageDown => return Some(Action::PageDown),
        KeyCode::Up if shift => return Some(Action::PanelUp),
        KeyCode::Down if shift => return Some(Action::PanelDown),
        _ => {}
    }

    // F5 runs from anywhere in an exercise (a code cell's Enter breaks the line).
    if key.code == KeyCode::F(5) || (ctrl && key.code == KeyCode::Char('r')) {
        return Some(Action::Run);
    }
    match app.focus() {
        Focus::Typing if app.active_is_code() => code_typing(key, ctrl),
        Focus::Typing => typing(key, ctrl),
        Focus::Lessons => lessons(app, key),
        Focus::Lesson => reading(app, key),
    }
}

fn typing(key: KeyEvent, ctrl: bool) -> Option<Action> {
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    Some(match key.code {
        KeyCode::Esc => Action::StopTyping,
        KeyCode::Enter => Action::Run,
        KeyCode::Tab | KeyCode::Down => Action::NextField,
        KeyCode::BackTab | KeyCode::Up => Action::PrevField,
        KeyCode::Backspace => Action::Backspace,
        KeyCode::Delete => Action::Delete,
        KeyCode::Left => Action::CursorLeft,
        KeyCode::Right => Action::CursorRight,
        KeyCode::Home => Action::CursorHome,
        KeyCode::End => Action::CursorEnd,
        KeyCode::Char('u') if ctrl => Action::ClearField,
        KeyCode::Char('a') if ctrl => Action::CursorHome,
        KeyCode::Char('e') if ctrl => Action::CursorEnd,
        KeyCode::Char(c) if !ctrl && !alt => Action::Insert(c),
        _ => return None,
    })
}

/// Typing in a code cell: Enter is a new line, Tab indents, Up and Down move by lines; F5 (or
/// Ctrl-R, or Ctrl-Enter where the terminal tells it apart) runs.
fn code_typing(key: KeyEvent, ctrl: bool) -> Option<Action> {
    Some(match key.code {
        KeyCode::Enter if ctrl => Action::Run,
        KeyCode::Enter => Action::NewLine,
        KeyCode::Tab => Action::Indent,
        KeyCode::Up => Action::LineUp,
        KeyCode::Down => Action::LineDown,
        KeyCode::BackTab => return None,
        _ => return typing(key, ctrl),
    })
}

fn lessons(app: &App, key: KeyEvent) -> Option<Action> {
    Some(match key.code {
        KeyCode::Up | KeyCode::Char('k') => Action::ListUp,
        KeyCode::Down | KeyCode::Char('j') => Action::ListDown,
        KeyCode::Enter | KeyCode::Right | KeyCode::Char(' ') => {
            Action::OpenLesson(app.reading.list_selected)
        }
        KeyCode::Char('e') => Action::ShowCourseEnd,
        KeyCode::Esc | KeyCode::Left | KeyCode::Char('l') | KeyCode::Tab => Action::HideLessons,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::Char('q') => Action::Quit,
        _ => return None,
    })
}

/// On the course-end screen: back, scroll, lessons.
fn course_end(key: KeyEvent) -> Option<Action> {
    Some(match key.code {
        KeyCode::Left | KeyCode::Char('p') | KeyCode::Backspace => Action::CloseCourseEnd,
        KeyCode::Up | KeyCode::Char('k') => Action::ScrollUp,
        KeyCode::Down | KeyCode::Char('j') => Action::ScrollDown,
        KeyCode::Char(' ') => Action::PageDown,
        KeyCode::Home | KeyCode::Char('g') => Action::ScrollTop,
        KeyCode::End | KeyCode::Char('G') => Action::ScrollBottom,
        KeyCode::Char('l') | KeyCode::Esc => Action::ShowLessons,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::Char('q') => Action::Quit,
        _ => return None,
    })
}

fn reading(app: &App, key: KeyEvent) -> Option<Action> {
    if app.course_end_shown() {
        return course_end(key);
    }
    let quiz = matches!(app.active_panel(), Some(Panel::Quiz(_)));
    Some(match key.code {
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char('?') => Action::ToggleHelp,
        KeyCode::Right | KeyCode::Char('n') => Action::NextStep,
        KeyCode::Left | KeyCode::Char('p') => Action::PrevStep,
        KeyCode::Up | KeyCode::Char('k') if quiz => Action::QuizUp,
        KeyCode::Down | KeyCode::Char('j') if quiz => Action::QuizDown,
        KeyCode::Up | KeyCode::Char('k') => Action::ScrollUp,
        KeyCode::Down | KeyCode::Char('j') => Action::ScrollDown,
        KeyCode::Char(' ') => Action::PageDown,
        KeyCode::Home | KeyCode::Char('g') => Action::ScrollTop,
        KeyCode::End | KeyCode::Char('G') => Action::ScrollBottom,
        KeyCode::Char(c @ '1'..='9') if quiz => Action::QuizSelect(c as usize - '1' as usize),
        KeyCode::Enter if quiz => Action::QuizAnswer,
        KeyCode::Enter => Action::Run,
        KeyCode::Char('i') | KeyCode::Char('e') => Action::StartTyping,
        KeyCode::Char('f') => Action::FillApp,
        KeyCode::Tab => Action::NextPanel,
        KeyCode::Char('h') => Action::Hint,
        KeyCode::Char('[') => Action::PanelUp,
        KeyCode::Char(']') => Action::PanelDown,
        KeyCode::Char(',') | KeyCode::Char('<') => Action::ChartPrev,
        KeyCode::Char('.') | KeyCode::Char('>') => Action::ChartNext,
        KeyCode::Char('t') => Action::ToggleIds,
        KeyCode::Char('x') => Action::ExportSpace,
        KeyCode::Char('a') => Action::PlayClip,
        KeyCode::Char('l') | KeyCode::Esc => Action::ShowLessons,
        _ => return None,
    })
}
