//! Moving around on the `App`: steps (crossing lesson ends), opening lessons, scrolling, and
//! recording the student's place in the progress.

use crate::shell::action::Effect;
use crate::shell::state::{App, Focus, StatusKind};
use crate::shell::{strings, view};

/// Where the student is: the lesson and step open, how far the text is scrolled, the lesson
/// list's selection, and whether the course-end screen shows.
#[derive(Debug, Clone)]
pub(crate) struct Reading {
    pub(crate) lesson: usize,
    pub(crate) step: usize,
    pub(crate) scroll: usize,
    pub(crate) list_selected: usize,
    pub(crate) course_end: bool,
}

impl Reading {
    /// Scrolls by `delta` lines, within `0..=max`.
    pub(crate) fn scroll_by(&mut self, delta: isize, max: usize) {
        self.scroll = self.scroll.saturating_add_signed(delta).min(max);
    }

    /// Moves the lesson list's selection by one, within `lessons`.
    pub(crate) fn select_by(&mut self, delta: isize, lessons: usize) {
        let last = lessons.saturating_sub(1);
        self.list_selected = self.list_selected.saturating_add_signed(delta).min(last);
    }
}

impl App {
    pub(crate) fn saved_step(&self, lesson: usize) -> usize {
        let Some(l) = self.course.lessons.get(lesson) else {
            return 0;
        };
        let step = self.progress.lesson(&l.id).map_or(0, |p| p.step);
        step.min(l.steps.len().saturating_sub(1))
    }

    pub(crate) fn page(&self) -> isize {
        (view::lesson_viewport_height(self).saturating_sub(1)).max(1) as isize
    }

    pub(crate) fn scroll_by(&mut self, delta: isize) -> Vec<Effect> {
        let max = view::lesson_scroll_max(self);
        self.reading.scroll_by(delta, max);
        vec![]
    }

    /// Moves a step forward or back, crossing into the next or previous lesson at the ends.
    pub(crate) fn move_step(&mut self, delta: isize) -> Vec<Effect> {
        let Some(lesson) = self.current_lesson() else {
            return vec![];
        };
        let steps = lesson.steps.len();
        let target = self.reading.step as isize + delta;
        if target >= 0 && (target as usize) < steps {
            self.reading.step = target as usize;
        } else if target < 0 && self.reading.lesson > 0 {
            self.reading.lesson -= 1;
            self.reading.step = self
                .current_lesson()
                .map_or(0, |l| l.steps.len().saturating_sub(1));
        } else if target >= steps as isize && self.reading.lesson + 1 < self.course.lessons.len() {
            self.reading.lesson += 1;
            self.reading.step = 0;
        } else if delta > 0 {
            return self.show_course_end();
        } else {
            self.set_status(StatusKind::Info, strings::START_OF_COURSE);
            return vec![];
        }
        self.entered_step()
    }

    pub(crate) fn open_lesson(&mut self, i: usize) -> Vec<Effect> {
        if i >= self.course.lessons.len() {
            return vec![];
        }
        self.focus = Focus::Lesson;
        self.reading.course_end = false;
        self.reading.scroll = 0;
        if i == self.reading.lesson {
            return vec![];
        }
        self.reading.lesson = i;
        self.reading.step = self.saved_step(i);
        self.entered_step()
    }

    /// Shows the course-end screen in place of the lesson (from past the last step, or the list).
    pub(crate) fn show_course_end(&mut self) -> Vec<Effect> {
        if self.course.lessons.is_empty() {
            return vec![];
        }
        self.reading.course_end = true;
        self.focus = Focus::Lesson;
        self.reading.scroll = 0;
        if self
            .status
            .as_ref()
            .is_some_and(|s| s.kind == StatusKind::Info)
        {
            self.status = None;
        }
        vec![]
    }

    /// Resets the view for a new step and records the place in the progress.
    pub(crate) fn entered_step(&mut self) -> Vec<Effect> {
        if self
            .status
            .as_ref()
            .is_some_and(|s| s.kind == StatusKind::Info)
        {
            self.status = None;
        }
        self.reading.scroll = 0;
        self.panes.reset();
        self.reading.list_selected = self.reading.lesson;
        if self.focus == Focus::Typing {
            self.focus = Focus::Lesson;
        }
        let Some(id) = self.current_lesson().map(|l| l.id.clone()) else {
            return vec![];
        };
        self.progress.current_lesson = Some(id.clone());
        let step = self.reading.step;
        let lp = self.progress.lesson_mut(&id);
        lp.step = step;
        lp.steps_seen = lp.steps_seen.max(step + 1);
        vec![self.save()]
    }
}
