//! The mouse: the wheel scrolls what is under the pointer (lesson list, lesson text, exercise
//! panel, quiz choices); a click opens a lesson from the list or answers a quiz with the choice
//! clicked. Mouse events become the same `Action`s as keys.

use ratatui::crossterm::event::{MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};

use crate::shell::action::{Action, Effect};
use crate::shell::state::{App, Focus, Panel};
use crate::shell::view;

/// Lines the wheel scrolls the lesson text per notch.
const WHEEL_LINES: usize = 3;

impl App {
    /// Applies a mouse event (ignored while the help shows or outside any part).
    pub fn on_mouse(&mut self, event: MouseEvent) -> Vec<Effect> {
        let mut effects = Vec::new();
        for action in self.mouse_actions(event) {
            effects.extend(self.update(action));
        }
        effects
    }

    /// The actions a mouse event means right now.
    pub fn mouse_actions(&self, event: MouseEvent) -> Vec<Action> {
        if self.help_shown() {
            return match event.kind {
                MouseEventKind::Down(_) => vec![Action::CloseHelp],
                _ => vec![],
            };
        }
        let Some(areas) = view::areas(self, Rect::new(0, 0, self.size.0, self.size.1)) else {
            return vec![];
        };
        let at = Position::new(event.column, event.row);
        let inside = |r: Option<Rect>| r.is_some_and(|r| r.contains(at));
        let (up, down) = match event.kind {
            MouseEventKind::ScrollUp => (true, false),
            MouseEventKind::ScrollDown => (false, true),
            MouseEventKind::Down(MouseButton::Left) => (false, false),
            _ => return vec![],
        };
        let wheel = up || down;
        if inside(areas.list) {
            if wheel {
                let list = if up { Action::ListUp } else { Action::ListDown };
                return if self.focus() == Focus::Lessons {
                    vec![list]
                } else {
                    vec![Action::ShowLessons, list]
                };
            }
            let full = areas.lesson.is_none();
            return areas
                .list
                .and_then(|r| view::lesson_at(self, r, full, event.row))
                .map_or(vec![], |i| vec![Action::OpenLesson(i)]);
        }
        if inside(areas.lesson) {
            let step = if up {
                Action::ScrollUp
            } else {
                Action::ScrollDown
            };
            return match (wheel, self.focus()) {
                (true, _) => vec![step; WHEEL_LINES],
                (false, Focus::Lessons) => vec![Action::HideLessons],
                (false, _) => vec![],
            };
        }
        if inside(areas.panel) {
            let panel = areas.panel.unwrap_or_default();
            return match self.active_panel() {
                Some(Panel::Quiz(_)) if wheel => {
                    vec![if up { Action::QuizUp } else { Action::QuizDown }]
                }
                Some(Panel::Quiz(q)) => view::choice_at(self, q, panel, event.row)
                    .map_or(vec![], |i| vec![Action::QuizSelect(i), Action::QuizAnswer]),
                Some(Panel::Exercise(_)) if wheel => {
                    vec![if up {
                        Action::PanelUp
                    } else {
                        Action::PanelDown
                    }]
                }
                Some(Panel::Exercise(_)) if self.focus() != Focus::Typing => {
                    vec![Action::StartTyping]
                }
                _ => vec![],
            };
        }
        vec![]
    }
}
