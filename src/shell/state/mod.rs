//! The shell's state and `update`: where the student is, what each exercise and quiz panel holds,
//! the job in flight. `update(action)` is the only way state changes; it returns `Effect`s for the
//! run loop. Each panel's actions live in its own file here: `exercise`, `quiz`, `navigate` (the
//! lesson), `downloads`, `export`, `reload`, `audio`, and `charts` (what an exercise's charts show).

pub mod audio;
pub mod charts;
pub mod downloads;
pub(crate) mod exercise;
pub mod export;
mod navigate;
mod quiz;

pub(crate) use exercise::Panes;
pub(crate) use navigate::Reading;
mod reload;

use std::collections::HashMap;
use std::time::Duration;

use crate::checks::Verdict;
use crate::course::{Block, Course, Exercise, Lesson, Quiz, Step};
use crate::domain::PipelineOutput;
use crate::domain::Prepared;
use crate::progress::{LessonState, Progress};
use crate::worker::{JobError, JobFailure};

use crate::shell::action::{Action, Effect};
use crate::shell::text::theme::Theme;
use crate::shell::view::graphics::Protocol;
use crate::shell::{keymap, strings, view};

/// Which part of the screen takes the keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The lesson list: ↑/↓ choose, Enter opens.
    Lessons,
    /// Reading the lesson: steps, scrolling, panel keys.
    Lesson,
    /// Typing into the exercise's input fields.
    Typing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatusKind {
    Info,
    Warning,
    Error,
}

/// One line of news for the student (a load warning, a save error, "no more hints").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Status {
    pub text: String,
    pub kind: StatusKind,
}

/// Identifies an exercise or quiz: lesson index and the block's id.
pub type PanelKey = (usize, String);

/// What the last run of an exercise left to show.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    None,
    /// The inputs were refused before any job (attempt::start's message, or no model).
    Refused(String),
    /// Nothing ran yet, for a reason that is not a mistake (a download to agree to first).
    Notice(String),
    /// The job ended.
    Done {
        output: Result<PipelineOutput, JobError>,
        /// None when the run was stopped or failed: nothing was judged.
        verdict: Option<Verdict>,
        elapsed: Duration,
        cancelled: bool,
        /// The texts the pipeline was given (to label similarities).
        inputs: Vec<String>,
    },
    /// A code cell ended.
    Cell {
        /// What it printed and called (its Python error inside), or why it couldn't run.
        result: Result<Box<crate::python::CellRun>, JobError>,
        /// None when the cell was stopped or couldn't run.
        verdict: Option<Verdict>,
        elapsed: Duration,
        cancelled: bool,
    },
}

/// The state of one exercise panel.
#[derive(Debug, Clone, PartialEq)]
pub struct ExerciseUi {
    pub values: Vec<String>,
    /// Focused input field.
    pub field: usize,
    /// Cursor in the focused field, in chars.
    pub cursor: usize,
    pub outcome: Outcome,
    /// Candidates, similarity matrix, token ids: what the charts show.
    pub charts: crate::shell::state::charts::Charts,
}

/// The state of one quiz panel.
#[derive(Debug, Clone, PartialEq)]
pub struct QuizUi {
    pub selected: usize,
}

/// The one job in flight.
#[derive(Debug, Clone, PartialEq)]
pub struct Running {
    pub key: PanelKey,
    /// Set once the worker accepted the job.
    pub job: Option<u64>,
    pub prepared: Prepared,
    pub model: String,
    pub started: bool,
    pub loading: Option<(String, Option<f64>)>,
    /// Text streamed so far, per run.
    pub streamed: Vec<String>,
    pub cancelling: bool,
    /// A code cell's code (None for a pipeline job).
    pub code: Option<String>,
}

/// The exercise or quiz a panel shows.
#[derive(Debug, Clone, Copy)]
pub enum Panel<'a> {
    Exercise(&'a Exercise),
    Quiz(&'a Quiz),
}

/// The whole state of the shell.
#[derive(Debug, Clone)]
pub struct App {
    pub(crate) course: Course,
    pub(crate) progress: Progress,
    /// Where the student is reading (`navigate.rs` owns it).
    pub(crate) reading: Reading,
    /// The exercise and quiz panels of the course (`exercise.rs` and `quiz.rs` own them).
    pub(crate) panes: Panes,
    pub(crate) focus: Focus,
    pub(crate) help: bool,
    pub(crate) status: Option<Status>,
    pub(crate) size: (u16, u16),
    pub(crate) tick: u64,
    pub(crate) running: Option<Running>,
    pub(crate) worker_gone: bool,
    /// Errors of the last live reload that failed (see `reload.rs`).
    pub(crate) course_errors: Vec<crate::course::Problem>,
    /// Models not on this computer yet, and which ones the student agreed to download.
    pub(crate) downloads: crate::shell::state::downloads::Downloads,
    /// The audio player found at start (`audio.rs`), if any.
    pub(crate) audio_player: Option<String>,
    /// How the shell paints (colours or none) and how pictures are shown: chosen at start, read
    /// by the view (which keeps no settings of its own).
    pub(crate) theme: Theme,
    pub(crate) pictures: Protocol,
}

impl App {
    /// A shell on `course`, resumed where `progress` left off. `warning` (e.g. a corrupt progress
    /// file kept aside) is shown once in the status line.
    pub fn new(course: Course, progress: Progress, warning: Option<String>) -> App {
        let lesson = progress
            .current_lesson
            .as_deref()
            .and_then(|id| course.lessons.iter().position(|l| l.id == id))
            .unwrap_or(0);
        let mut exercises = HashMap::new();
        let mut quizzes = HashMap::new();
        for (li, l) in course.lessons.iter().enumerate() {
            let lp = progress.lesson(&l.id);
            for e in l.exercises() {
                let saved = lp
                    .and_then(|p| p.exercises.get(&e.id))
                    .map(|p| &p.last_input);
                let values = match saved {
                    Some(v) if v.len() == e.inputs.len() => v.clone(),
                    _ => e.inputs.iter().map(|f| f.default.clone()).collect(),
                };
                let cursor = values.first().map_or(0, |v| v.chars().count());
                exercises.insert(
                    (li, e.id.clone()),
                    ExerciseUi {
                        values,
                        field: 0,
                        cursor,
                        outcome: Outcome::None,
                        charts: Default::default(),
                    },
                );
            }
            for q in l.quizzes() {
                let picked = lp
                    .and_then(|p| p.quizzes.get(&q.id))
                    .and_then(|p| p.picked.last().copied());
                quizzes.insert(
                    (li, q.id.clone()),
                    QuizUi {
                        selected: picked.unwrap_or(0),
                    },
                );
            }
        }
        let mut app = App {
            course,
            progress,
            reading: Reading {
                lesson,
                step: 0,
                scroll: 0,
                list_selected: lesson,
                course_end: false,
            },
            panes: Panes {
                panel: 0,
                panel_offset: 0,
                exercises,
                quizzes,
            },
            focus: Focus::Lesson,
            help: false,
            status: warning.map(|text| Status {
                text,
                kind: StatusKind::Warning,
            }),
            size: (80, 24),
            tick: 0,
            running: None,
            worker_gone: false,
            course_errors: Vec::new(),
            downloads: Default::default(),
            audio_player: None,
            theme: Theme::default(),
            pictures: Protocol::HalfBlocks,
        };
        app.reading.step = app.saved_step(lesson);
        app
    }

    // ---- read access (for drawing and tests) ----

    pub fn theme(&self) -> Theme {
        self.theme
    }
    /// Paints in `theme` from the next frame on.
    pub fn set_theme(&mut self, theme: Theme) {
        self.theme = theme;
    }
    pub fn pictures(&self) -> Protocol {
        self.pictures
    }
    /// Shows pictures with `protocol` from the next frame on (the run loop sets what the
    /// terminal supports; tests keep half blocks).
    pub fn set_pictures(&mut self, protocol: Protocol) {
        self.pictures = protocol;
    }
    pub fn course(&self) -> &Course {
        &self.course
    }
    pub fn progress(&self) -> &Progress {
        &self.progress
    }
    pub fn focus(&self) -> Focus {
        self.focus
    }
    pub fn status(&self) -> Option<&Status> {
        self.status.as_ref()
    }
    pub fn lesson_index(&self) -> usize {
        self.reading.lesson
    }
    pub fn step_index(&self) -> usize {
        self.reading.step
    }
    pub fn running(&self) -> Option<&Running> {
        self.running.as_ref()
    }
    pub fn help_shown(&self) -> bool {
        self.help
    }
    pub fn course_end_shown(&self) -> bool {
        self.reading.course_end
    }
    pub fn exercise_ui(&self, lesson: usize, id: &str) -> Option<&ExerciseUi> {
        self.panes.exercises.get(&(lesson, id.to_string()))
    }
    pub fn quiz_ui(&self, lesson: usize, id: &str) -> Option<&QuizUi> {
        self.panes.quizzes.get(&(lesson, id.to_string()))
    }

    pub fn current_lesson(&self) -> Option<&Lesson> {
        self.course.lessons.get(self.reading.lesson)
    }
    pub fn current_step(&self) -> Option<&Step> {
        self.current_lesson()
            .and_then(|l| l.steps.get(self.reading.step))
    }

    /// The exercises and quizzes of the current step, in order.
    pub fn panels(&self) -> Vec<Panel<'_>> {
        let Some(step) = self.current_step().filter(|_| !self.reading.course_end) else {
            return Vec::new();
        };
        step.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Exercise(e) => Some(Panel::Exercise(e)),
                Block::Quiz(q) => Some(Panel::Quiz(q)),
                Block::Markdown(_) => None,
            })
            .collect()
    }

    /// The panel the keys act on.
    pub fn active_panel(&self) -> Option<Panel<'_>> {
        let panels = self.panels();
        let i = self.panes.panel.min(panels.len().saturating_sub(1));
        panels.get(i).copied()
    }

    pub(crate) fn key(&self, id: &str) -> PanelKey {
        (self.reading.lesson, id.to_string())
    }

    /// The done / in progress / not started mark of a lesson.
    pub fn lesson_state(&self, lesson: &Lesson) -> LessonState {
        let ex: Vec<&str> = lesson.exercises().map(|e| e.id.as_str()).collect();
        let qz: Vec<&str> = lesson.quizzes().map(|q| q.id.as_str()).collect();
        self.progress.state(&lesson.id, &ex, &qz)
    }

    pub(crate) fn set_status(&mut self, kind: StatusKind, text: impl Into<String>) {
        self.status = Some(Status {
            text: text.into(),
            kind,
        });
    }

    pub(crate) fn save(&self) -> Effect {
        Effect::Save(self.progress.clone())
    }

    // ---- update ----

    /// Maps a key to an action (depending on focus and mode) and applies it.
    pub fn on_key(&mut self, key: ratatui::crossterm::event::KeyEvent) -> Vec<Effect> {
        match keymap::action_for(self, key) {
            Some(action) => self.update(action),
            None => Vec::new(),
        }
    }

    /// Applies one action; returns what the run loop must do.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Quit => {
                let mut effects = Vec::new();
                if self.running.is_some() {
                    effects.push(Effect::Cancel);
                }
                effects.push(Effect::Quit);
                effects
            }
            Action::ToggleHelp => {
                self.help = !self.help;
                vec![]
            }
            Action::CloseHelp => {
                self.help = false;
                vec![]
            }
            Action::NextStep => self.move_step(1),
            Action::PrevStep => self.move_step(-1),
            Action::ScrollUp => self.scroll_by(-1),
            Action::ScrollDown => self.scroll_by(1),
            Action::PageUp => self.scroll_by(-self.page()),
            Action::PageDown => self.scroll_by(self.page()),
            Action::ScrollTop => {
                self.reading.scroll = 0;
                vec![]
            }
            Action::ScrollBottom => {
                self.reading.scroll = view::lesson_scroll_max(self);
                vec![]
            }
            Action::ShowLessons => {
                self.reading.list_selected = self.reading.lesson;
                self.focus = Focus::Lessons;
                vec![]
            }
            Action::HideLessons => {
                self.focus = Focus::Lesson;
                vec![]
            }
            Action::ListUp | Action::ListDown => {
                let delta = if action == Action::ListUp { -1 } else { 1 };
                self.reading.select_by(delta, self.course.lessons.len());
                vec![]
            }
            Action::OpenLesson(i) => self.open_lesson(i),
            Action::ShowCourseEnd => self.show_course_end(),
            Action::CloseCourseEnd => {
                self.reading.course_end = false;
                self.reading.scroll = 0;
                vec![]
            }
            Action::StartTyping
            | Action::FillApp
            | Action::StopTyping
            | Action::NextField
            | Action::PrevField
            | Action::Insert(_)
            | Action::Paste(_)
            | Action::Backspace
            | Action::Delete
            | Action::CursorLeft
            | Action::CursorRight
            | Action::CursorHome
            | Action::CursorEnd
            | Action::ClearField
            | Action::NewLine
            | Action::Indent
            | Action::LineUp
            | Action::LineDown => self.edit(action),
            Action::NextPanel => {
                let n = self.panels().len();
                if n > 1 {
                    self.panes.next(n);
                } else if matches!(self.active_panel(), Some(Panel::Exercise(_))) {
                    return self.edit(Action::StartTyping);
                }
                vec![]
            }
            Action::Run => self.run(),
            Action::ExportSpace => self.export_space(),
            Action::PlayClip => self.play_clip(),
            Action::SpaceExported(result) => self.space_exported(result),
            Action::PlayFailed(why) => {
                self.set_status(StatusKind::Warning, strings::play_failed(&why));
                vec![]
            }
            Action::ChartPrev | Action::ChartNext | Action::ToggleIds => self.chart_key(action),
            Action::Cancel => self.cancel(),
            Action::Hint => self.hint(),
            Action::PanelUp | Action::PanelDown => {
                let bounds = view::panel_scroll_bounds(self);
                let delta = if action == Action::PanelUp { -1 } else { 1 };
                self.panes.scroll_by(delta, bounds);
                vec![]
            }
            Action::QuizUp | Action::QuizDown | Action::QuizSelect(_) => self.quiz_pick(action),
            Action::QuizAnswer => self.quiz_answer(),
            Action::Resize(w, h) => {
                self.size = (w, h);
                self.reading.scroll = self.reading.scroll.min(view::lesson_scroll_max(self));
                vec![]
            }
            Action::Tick => {
                self.tick = self.tick.wrapping_add(1);
                vec![]
            }
            Action::Submitted(job) => {
                if let Some(r) = self.running.as_mut() {
                    r.job = Some(job);
                }
                vec![]
            }
            Action::Worker(event) => self.worker_event(event),
            Action::WorkerGone => {
                self.worker_gone = true;
                self.set_status(StatusKind::Error, strings::WORKER_GONE);
                if let Some(r) = self.running.take() {
                    let result = Err(JobFailure::WorkerGone(strings::WORKER_GONE).into());
                    return self.finished(r, result, Duration::ZERO);
                }
                vec![]
            }
            Action::CourseReloaded(result) => self.reload(result),
            Action::SaveFailed(message) => {
                self.set_status(StatusKind::Error, strings::save_failed(&message));
                vec![]
            }
        }
    }
}
