//! Quiz actions on the `App`: choosing a choice and answering, recorded in the progress.

use crate::shell::action::{Action, Effect};
use crate::shell::state::{App, Panel};

impl App {
    /// ↑/↓ or a number key: move the quiz's selection.
    pub(crate) fn quiz_pick(&mut self, action: Action) -> Vec<Effect> {
        let Some(Panel::Quiz(quiz)) = self.active_panel() else {
            return vec![];
        };
        let n = quiz.choices.len();
        let key = self.key(&quiz.id);
        let Some(ui) = self.panes.quizzes.get_mut(&key) else {
            return vec![];
        };
        match action {
            Action::QuizUp => ui.selected = ui.selected.saturating_sub(1),
            Action::QuizDown => ui.selected = (ui.selected + 1).min(n.saturating_sub(1)),
            Action::QuizSelect(i) if i < n => ui.selected = i,
            _ => {}
        }
        vec![]
    }

    /// Enter on a quiz: answer with the selected choice.
    pub(crate) fn quiz_answer(&mut self) -> Vec<Effect> {
        let Some(Panel::Quiz(quiz)) = self.active_panel() else {
            return vec![];
        };
        let key = self.key(&quiz.id);
        let Some(selected) = self.panes.quizzes.get(&key).map(|ui| ui.selected) else {
            return vec![];
        };
        let Some(choice) = quiz.choices.get(selected) else {
            return vec![];
        };
        let correct = choice.correct;
        let quiz_id = quiz.id.clone();
        let Some(lesson) = self.current_lesson().map(|l| l.id.clone()) else {
            return vec![];
        };
        let qp = self
            .progress
            .lesson_mut(&lesson)
            .quizzes
            .entry(quiz_id)
            .or_default();
        if qp.picked.last() == Some(&selected) {
            return vec![]; // the same answer again changes nothing
        }
        qp.picked.retain(|&p| p != selected);
        qp.picked.push(selected);
        qp.correct |= correct;
        vec![self.save()]
    }
}
