//! Live preview (`hftutor --course DIR --watch`): taking a reloaded course into the running shell.
//! The student stays where they were when that lesson and step still exist (typed inputs and quiz
//! picks kept); a course with errors keeps the last good one on screen and lists the errors.

use crate::course::{Block, Course, Problem};

use crate::shell::action::Effect;
use crate::shell::state::{App, Focus, StatusKind};
use crate::shell::text::strings;

impl App {
    /// The errors of the last reload that failed (empty when the course on screen is current).
    pub fn course_errors(&self) -> &[Problem] {
        &self.course_errors
    }

    /// Applies `Action::CourseReloaded`.
    pub(crate) fn reload(&mut self, result: Result<Course, Vec<Problem>>) -> Vec<Effect> {
        let course = match result {
            Ok(course) => course,
            Err(problems) => {
                let errors: Vec<Problem> = problems.into_iter().filter(|p| !p.warning).collect();
                self.set_status(StatusKind::Error, strings::reload_failed(errors.len()));
                self.course_errors = errors;
                return vec![];
            }
        };
        let mut effects = Vec::new();
        if self.running.take().is_some() {
            effects.push(Effect::Cancel);
        }
        let fresh = App::new(course, self.progress.clone(), None);
        let old = std::mem::replace(self, fresh);
        self.carry_over(&old);
        self.set_status(StatusKind::Info, strings::RELOADED);
        effects
    }

    /// Keeps from `old` what still makes sense in the new course: place, inputs, quiz picks.
    fn carry_over(&mut self, old: &App) {
        self.size = old.size;
        self.tick = old.tick;
        self.worker_gone = old.worker_gone;
        // Old lesson index → new one, by lesson id.
        let map: Vec<Option<usize>> = old
            .course
            .lessons
            .iter()
            .map(|o| self.course.lessons.iter().position(|l| l.id == o.id))
            .collect();
        let new_index = |li: usize| map.get(li).copied().flatten();
        for ((li, id), ui) in &old.panes.exercises {
            let Some(ni) = new_index(*li) else { continue };
            if let Some(slot) = self.panes.exercises.get_mut(&(ni, id.clone())) {
                if slot.values.len() == ui.values.len() {
                    *slot = ui.clone();
                }
            }
        }
        for ((li, id), ui) in &old.panes.quizzes {
            let Some(ni) = new_index(*li) else { continue };
            let choices = self.course.lessons[ni].quizzes().find(|q| q.id == *id);
            if let (Some(q), Some(slot)) = (choices, self.panes.quizzes.get_mut(&(ni, id.clone())))
            {
                if ui.selected < q.choices.len() {
                    *slot = ui.clone();
                }
            }
        }
        let Some(lesson) = new_index(old.reading.lesson) else {
            // The lesson is gone: start at the top of the course.
            self.reading.lesson = 0;
            self.reading.step = 0;
            self.reading.list_selected = 0;
            return;
        };
        self.reading.lesson = lesson;
        self.reading.list_selected = new_index(old.reading.list_selected).unwrap_or(lesson);
        let steps = &self.course.lessons[lesson].steps;
        let old_title = old.current_step().map(|s| s.title.as_str());
        let same_place = steps
            .get(old.reading.step)
            .is_some_and(|s| Some(s.title.as_str()) == old_title);
        self.reading.step = if same_place {
            old.reading.step
        } else {
            steps
                .iter()
                .position(|s| Some(s.title.as_str()) == old_title)
                .unwrap_or(old.reading.step.min(steps.len().saturating_sub(1)))
        };
        if self.reading.step == old.reading.step {
            self.reading.scroll = old.reading.scroll;
            self.panes.panel_offset = old.panes.panel_offset;
        }
        let panels = steps.get(self.reading.step).map_or(0, |s| {
            s.blocks
                .iter()
                .filter(|b| !matches!(b, Block::Markdown(_)))
                .count()
        });
        self.panes.panel = old.panes.panel.min(panels.saturating_sub(1));
        self.help = old.help;
        self.focus = match old.focus {
            Focus::Typing
                if !matches!(
                    self.active_panel(),
                    Some(crate::shell::state::Panel::Exercise(_))
                ) =>
            {
                Focus::Lesson
            }
            f => f,
        };
    }
}
