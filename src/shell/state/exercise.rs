//! Exercise actions on the `App`: editing the input fields, running (`attempt::start` → a job),
//! following the worker's events, judging the result (`attempt::judge`), hints, recording progress.

use crate::attempt;
use crate::course::Exercise;
use crate::domain::ModelRef;
use crate::domain::PipelineOutput;
use crate::domain::StopReason;
use crate::domain::Stream;
use crate::worker::{JobError, WorkerEvent};

use crate::shell::action::{Action, Effect};
use std::collections::HashMap;

use crate::course::Kind;
use crate::shell::state::{
    App, ExerciseUi, Focus, Outcome, Panel, PanelKey, QuizUi, Running, StatusKind,
};
use crate::shell::text::code_edit;
use crate::shell::text::graphemes::{self, byte_at};
use crate::shell::text::strings;

/// The most characters one input box holds (a long prompt fits; a 100 KB paste does not).
pub const MAX_FIELD_CHARS: usize = 4000;
/// The most characters a code cell holds.
pub const MAX_CODE_CHARS: usize = 20_000;

/// The course's exercise and quiz panels: what each holds, which one of the step is active, and
/// how far the active one is scrolled.
#[derive(Debug, Clone)]
pub(crate) struct Panes {
    /// The active panel among the step's exercises and quizzes.
    pub(crate) panel: usize,
    /// Exercise panel scroll, in lines from where it shows by default.
    pub(crate) panel_offset: isize,
    pub(crate) exercises: HashMap<PanelKey, ExerciseUi>,
    pub(crate) quizzes: HashMap<PanelKey, QuizUi>,
}

impl Panes {
    /// Activates the next of the step's `n` panels, scrolled to where it shows by default.
    pub(crate) fn next(&mut self, n: usize) {
        self.panel = (self.panel + 1) % n.max(1);
        self.panel_offset = 0;
    }

    /// Scrolls the active panel by `delta` lines, within `(up, down)`.
    pub(crate) fn scroll_by(&mut self, delta: isize, (up, down): (isize, isize)) {
        self.panel_offset = (self.panel_offset + delta).clamp(up, down);
    }

    /// A new step shows its first panel, unscrolled.
    pub(crate) fn reset(&mut self) {
        self.panel = 0;
        self.panel_offset = 0;
    }
}

impl App {
    /// The exercise the keys act on, with its key.
    pub(crate) fn active_exercise(&self) -> Option<(PanelKey, Exercise)> {
        match self.active_panel() {
            Some(Panel::Exercise(e)) => Some((self.key(&e.id), e.clone())),
            _ => None,
        }
    }

    /// The model an exercise runs on: its own, else the course's default for the task.
    pub fn model_for(&self, exercise: &Exercise) -> Option<ModelRef> {
        attempt::model_for(&self.course, exercise)
    }

    pub(crate) fn exercise_by_key(&self, key: &PanelKey) -> Option<&Exercise> {
        self.course
            .lessons
            .get(key.0)?
            .exercises()
            .find(|e| e.id == key.1)
    }

    /// Whether the active panel is a code cell with its code focused (its keys differ: Enter
    /// breaks the line). A launched app's fields, after it, type as fields do.
    pub fn active_is_code(&self) -> bool {
        let Some((key, exercise)) = self.active_exercise() else {
            return false;
        };
        exercise.kind == Kind::Code
            && self
                .panes
                .exercises
                .get(&key)
                .is_none_or(|ui| ui.field == 0)
    }

    /// Typing-mode actions: focus, fields, cursor, characters.
    pub(crate) fn edit(&mut self, action: Action) -> Vec<Effect> {
        let Some((key, exercise)) = self.active_exercise() else {
            if action == Action::StopTyping {
                self.focus = Focus::Lesson;
            }
            return vec![];
        };
        let fields = exercise.inputs.len();
        let Some(ui) = self.panes.exercises.get_mut(&key) else {
            return vec![];
        };
        // A code cell: field 0 is the code; fields after it are a launched app's (gradio.rs).
        let fields = if exercise.kind == Kind::Code {
            match action {
                Action::StartTyping => {
                    if ui.field != 0 {
                        ui.field = 0;
                        ui.cursor = field_len(ui);
                    }
                    self.focus = Focus::Typing;
                    return vec![];
                }
                Action::FillApp if ui.values.len() > 1 => {
                    ui.field = 1;
                    ui.cursor = field_len(ui);
                    self.focus = Focus::Typing;
                    return vec![];
                }
                Action::StopTyping => {
                    ui.field = 0;
                    ui.cursor = field_len(ui);
                    self.focus = Focus::Lesson;
                    return vec![];
                }
                _ => {}
            }
            if ui.field == 0 {
                if let Some(too_long) = edit_code(ui, &action) {
                    if too_long {
                        self.set_status(StatusKind::Info, strings::input_too_long(MAX_CODE_CHARS));
                    }
                    return vec![];
                }
            }
            if matches!(action, Action::NextField | Action::PrevField) {
                // Around the app's fields only.
                let n = ui.values.len().saturating_sub(1).max(1);
                let at = ui.field.saturating_sub(1);
                let next = if action == Action::NextField {
                    (at + 1) % n
                } else {
                    (at + n - 1) % n
                };
                ui.field = next + 1;
                ui.cursor = field_len(ui);
                return vec![];
            }
            ui.values.len()
        } else {
            fields
        };
        let mut too_long = false;
        match action {
            // Typing starts in the first field, so a student can't wipe the prompt thinking
            // they are in a later one (issue 17); Tab moves on.
            Action::StartTyping if fields > 0 => {
                if self.focus != Focus::Typing {
                    ui.field = 0;
                    ui.cursor = field_len(ui);
                }
                self.focus = Focus::Typing;
            }
            Action::StopTyping => self.focus = Focus::Lesson,
            Action::NextField | Action::PrevField if fields > 0 => {
                ui.field = if action == Action::NextField {
                    (ui.field + 1) % fields
                } else {
                    (ui.field + fields - 1) % fields
                };
                ui.cursor = field_len(ui);
            }
            Action::Insert(c) => {
                if let Some(value) = ui.values.get_mut(ui.field) {
                    if value.chars().count() >= MAX_FIELD_CHARS {
                        too_long = true;
                    } else {
                        let at = byte_at(value, ui.cursor);
                        value.insert(at, c);
                        ui.cursor += 1;
                    }
                }
            }
            Action::Paste(text) if self.focus == Focus::Typing => {
                if let Some(value) = ui.values.get_mut(ui.field) {
                    // Control characters (line breaks, tabs, escapes) become spaces; what
                    // doesn't fit in the box is dropped, with a word in the status line.
                    let room = MAX_FIELD_CHARS.saturating_sub(value.chars().count());
                    let clean: String = text
                        .trim_end()
                        .chars()
                        .map(|c| if c.is_control() { ' ' } else { c })
                        .take(room.saturating_add(1))
                        .collect();
                    let mut kept: String = clean.chars().take(room).collect();
                    too_long = kept.len() < clean.len();
                    // Cut between words, not inside one ("week" must not become "wee").
                    let next = clean.chars().nth(room);
                    if too_long && next.is_some_and(|c| !c.is_whitespace()) {
                        if let Some(space) = kept.rfind(char::is_whitespace) {
                            kept.truncate(space);
                        }
                    }
                    let at = byte_at(value, ui.cursor);
                    value.insert_str(at, &kept);
                    ui.cursor += kept.chars().count();
                }
            }
            // Moves and deletes go by grapheme cluster (👍🏽, 🇫🇷, e + accent are one).
            Action::Backspace if ui.cursor > 0 => {
                if let Some(value) = ui.values.get_mut(ui.field) {
                    let from = graphemes::prev(value, ui.cursor);
                    let bytes = byte_at(value, from)..byte_at(value, ui.cursor);
                    value.replace_range(bytes, "");
                    ui.cursor = from;
                }
            }
            Action::Delete => {
                let cursor = ui.cursor;
                if let Some(value) = ui.values.get_mut(ui.field) {
                    let to = graphemes::next(value, cursor);
                    if cursor < to {
                        let bytes = byte_at(value, cursor)..byte_at(value, to);
                        value.replace_range(bytes, "");
                    }
                }
            }
            Action::CursorLeft => {
                let value = ui.values.get(ui.field).map_or("", String::as_str);
                ui.cursor = graphemes::prev(value, ui.cursor);
            }
            Action::CursorRight => {
                let value = ui.values.get(ui.field).map_or("", String::as_str);
                ui.cursor = graphemes::next(value, ui.cursor).min(field_len(ui));
            }
            Action::CursorHome => ui.cursor = 0,
            Action::CursorEnd => ui.cursor = field_len(ui),
            Action::ClearField => {
                if let Some(value) = ui.values.get_mut(ui.field) {
                    value.clear();
                    ui.cursor = 0;
                }
            }
            _ => {}
        }
        if too_long {
            self.set_status(StatusKind::Info, strings::input_too_long(MAX_FIELD_CHARS));
        }
        vec![]
    }

    /// Enter: prepare the inputs and ask for a job, or say why not.
    pub(crate) fn run(&mut self) -> Vec<Effect> {
        let Some((key, exercise)) = self.active_exercise() else {
            return vec![];
        };
        if let Some(r) = &self.running {
            let text = if r.key == key {
                strings::ALREADY_RUNNING
            } else {
                strings::OTHER_RUNNING
            };
            self.set_status(StatusKind::Info, text);
            return vec![];
        }
        if self.worker_gone {
            self.set_outcome(&key, Outcome::Refused(strings::WORKER_GONE.to_string()));
            return vec![];
        }
        let Some(values) = self.panes.exercises.get(&key).map(|ui| ui.values.clone()) else {
            return vec![];
        };
        let Some(model) = self.model_for(&exercise) else {
            self.set_outcome(
                &key,
                Outcome::Refused(strings::no_model(exercise.task.name())),
            );
            return vec![];
        };
        let size = self
            .course
            .lessons
            .get(key.0)
            .and_then(|l| l.download.clone());
        if let Some(offer) = self.download_offer(&model, size.as_deref()) {
            self.set_outcome(&key, Outcome::Notice(offer));
            return vec![];
        }
        if exercise.kind == Kind::Code {
            // Enter in a launched app's fields runs the app on what was typed there.
            let in_app = self.focus == Focus::Typing
                && self
                    .panes
                    .exercises
                    .get(&key)
                    .is_some_and(|ui| ui.field > 0);
            return self.run_cell(key, &exercise, model, values, in_app);
        }
        let attempt = match attempt::start(&self.course, &exercise, model.clone(), &values) {
            Ok(a) => a,
            Err(why) => {
                self.set_outcome(&key, Outcome::Refused(why.to_string()));
                return vec![];
            }
        };
        self.set_outcome(&key, Outcome::None);
        if let Some(ui) = self.panes.exercises.get_mut(&key) {
            ui.charts.clear();
        }
        self.panes.panel_offset = 0;
        if let Some(lesson) = self.course.lessons.get(key.0).map(|l| l.id.clone()) {
            attempt::record_input(&mut self.progress, &lesson, &key.1, values);
        }
        let attempt::Attempt { prepared, job } = attempt;
        self.running = Some(Running {
            key,
            job: None,
            prepared,
            model: model.to_string(),
            started: false,
            loading: None,
            streamed: Vec::new(),
            cancelling: false,
            code: None,
        });
        vec![Effect::Submit(job)]
    }

    /// F5 in a code cell: the code goes to the model worker as one cell.
    fn run_cell(
        &mut self,
        key: PanelKey,
        exercise: &Exercise,
        model: ModelRef,
        values: Vec<String>,
        in_app: bool,
    ) -> Vec<Effect> {
        let code = values.first().cloned().unwrap_or_default();
        if code.trim().is_empty() {
            self.set_outcome(&key, Outcome::Refused(strings::EMPTY_CELL.to_string()));
            return vec![];
        }
        let mut job = attempt::start_cell(&self.course, exercise, &code);
        if in_app {
            job.form = Some(values.get(1..).unwrap_or_default().to_vec());
        }
        self.set_outcome(&key, Outcome::None);
        self.panes.panel_offset = 0;
        if let Some(lesson) = self.course.lessons.get(key.0).map(|l| l.id.clone()) {
            attempt::record_input(&mut self.progress, &lesson, &key.1, vec![code.clone()]);
        }
        self.running = Some(Running {
            key,
            job: None,
            prepared: crate::domain::Prepared {
                texts: Vec::new(),
                prediction: None,
                params: Default::default(),
                runs: 1,
            },
            model: model.to_string(),
            started: false,
            loading: None,
            streamed: Vec::new(),
            cancelling: false,
            code: Some(code),
        });
        vec![Effect::SubmitCell(Box::new(job))]
    }

    /// A code cell ended: judge it (unless stopped), count it, show what it printed.
    fn cell_finished(
        &mut self,
        running: Running,
        result: Result<Box<crate::python::CellRun>, JobError>,
        elapsed: std::time::Duration,
    ) -> Vec<Effect> {
        let stopped = match &result {
            Ok(run) => run
                .error
                .as_deref()
                .is_some_and(|e| e.contains("KeyboardInterrupt")),
            Err(_) => false,
        };
        let cancelled = running.cancelling || stopped;
        let exercise = self.exercise_by_key(&running.key).cloned();
        let code = running.code.clone().unwrap_or_default();
        let verdict = match (&result, &exercise) {
            (Ok(run), Some(exercise)) if !cancelled => {
                Some(attempt::judge_cell(exercise, &code, run))
            }
            _ => None,
        };
        let effects = self.count_verdict(&running.key, verdict.as_ref());
        self.panes.panel_offset = 0;
        // A launched app's fields follow what it ran on (its first example, or the form).
        if let Some(ui) = self.panes.exercises.get_mut(&running.key) {
            ui.values.truncate(1);
            if let Some(app) = result.as_ref().ok().and_then(|r| r.apps.last()) {
                let shown = crate::present::app::input_values(app);
                ui.values.extend(shown.into_iter().map(|(_, v)| v));
            }
            if ui.field >= ui.values.len() {
                ui.field = 0;
                ui.cursor = field_len(ui);
                if self.focus == Focus::Typing {
                    self.focus = Focus::Lesson;
                }
            } else if ui.field > 0 {
                ui.cursor = ui.cursor.min(field_len(ui));
            }
        }
        self.set_outcome(
            &running.key,
            Outcome::Cell {
                result,
                verdict,
                elapsed,
                cancelled,
            },
        );
        effects
    }

    /// Esc / Ctrl-C during a run.
    pub(crate) fn cancel(&mut self) -> Vec<Effect> {
        match self.running.as_mut() {
            Some(r) if !r.cancelling => {
                r.cancelling = true;
                vec![Effect::Cancel]
            }
            _ => vec![],
        }
    }

    /// Chart keys: step through the generation's candidates, show or hide token ids.
    pub(crate) fn chart_key(&mut self, action: Action) -> Vec<Effect> {
        let Some((key, _)) = self.active_exercise() else {
            return vec![];
        };
        if let Some(ui) = self.panes.exercises.get_mut(&key) {
            match action {
                Action::ChartPrev => ui.charts.move_step(-1),
                Action::ChartNext => ui.charts.move_step(1),
                Action::ToggleIds => ui.charts.show_ids = !ui.charts.show_ids,
                _ => {}
            }
        }
        vec![]
    }

    /// Reveals the next hint of the active exercise.
    pub(crate) fn hint(&mut self) -> Vec<Effect> {
        let Some((key, exercise)) = self.active_exercise() else {
            self.set_status(StatusKind::Info, strings::NO_EXERCISE_HERE);
            return vec![];
        };
        let Some(lesson) = self.course.lessons.get(key.0).map(|l| l.id.clone()) else {
            return vec![];
        };
        let ep = self
            .progress
            .lesson_mut(&lesson)
            .exercises
            .entry(key.1)
            .or_default();
        if exercise.hints.is_empty() {
            self.set_status(StatusKind::Info, strings::NO_HINTS);
            return vec![];
        }
        if ep.hints_used as usize >= exercise.hints.len() {
            self.set_status(StatusKind::Info, strings::NO_MORE_HINTS);
            return vec![];
        }
        ep.hints_used += 1;
        vec![self.save()]
    }

    /// Counts a judged run in the progress and saves it (nothing for a run not judged).
    fn count_verdict(
        &mut self,
        key: &PanelKey,
        verdict: Option<&crate::checks::Verdict>,
    ) -> Vec<Effect> {
        let (Some(v), Some(lesson)) = (
            verdict,
            self.course.lessons.get(key.0).map(|l| l.id.clone()),
        ) else {
            return vec![];
        };
        attempt::record_verdict(&mut self.progress, &lesson, &key.1, v);
        vec![self.save()]
    }

    fn set_outcome(&mut self, key: &PanelKey, outcome: Outcome) {
        if let Some(ui) = self.panes.exercises.get_mut(key) {
            ui.outcome = outcome;
        }
    }

    /// News from the model worker about the job in flight.
    pub(crate) fn worker_event(&mut self, event: WorkerEvent) -> Vec<Effect> {
        let job = event.job();
        let Some(running) = self.running.as_mut().filter(|r| r.job == Some(job)) else {
            return vec![]; // a stopped job's late news
        };
        match event {
            WorkerEvent::Started { .. } => running.started = true,
            WorkerEvent::Loading {
                message, fraction, ..
            } => running.loading = Some((message, fraction)),
            WorkerEvent::Stream {
                stream: Stream::Text { run, text },
                ..
            } => {
                running.loading = None;
                if running.streamed.len() <= run {
                    running.streamed.resize(run + 1, String::new());
                }
                running.streamed[run].push_str(&text);
            }
            WorkerEvent::Stream { stream, .. } => {
                running.loading = None;
                if let Some(ui) = self.panes.exercises.get_mut(&running.key) {
                    ui.charts.push(&stream, std::time::Instant::now());
                }
            }
            WorkerEvent::Finished {
                result, elapsed, ..
            } => {
                let Some(running) = self.running.take() else {
                    return vec![];
                };
                return self.finished(running, result, elapsed);
            }
            WorkerEvent::CellFinished {
                result, elapsed, ..
            } => {
                let Some(running) = self.running.take() else {
                    return vec![];
                };
                return self.cell_finished(running, result, elapsed);
            }
        }
        vec![]
    }

    pub(crate) fn finished(
        &mut self,
        running: Running,
        result: Result<PipelineOutput, JobError>,
        elapsed: std::time::Duration,
    ) -> Vec<Effect> {
        let stopped = match &result {
            Ok(PipelineOutput::Generations(gs)) => {
                gs.iter().any(|g| g.stop == StopReason::Cancelled)
            }
            _ => false,
        };
        let cancelled = running.cancelling || stopped;
        let exercise = self.exercise_by_key(&running.key).cloned();
        let verdict = match (&result, &exercise) {
            (Ok(output), Some(exercise)) if !cancelled => {
                Some(attempt::judge(exercise, &running.prepared, output))
            }
            _ => None,
        };
        let effects = self.count_verdict(&running.key, verdict.as_ref());
        self.panes.panel_offset = 0;
        let inputs = running.prepared.texts.clone();
        self.set_outcome(
            &running.key,
            Outcome::Done {
                output: result,
                verdict,
                elapsed,
                cancelled,
                inputs,
            },
        );
        effects
    }
}

/// The keys that act differently in a code cell; None for those that act as in a field.
/// Some(true) when text didn't fit.
fn edit_code(ui: &mut ExerciseUi, action: &Action) -> Option<bool> {
    let code = ui.values.first_mut()?;
    let mut cursor = ui.cursor;
    let too_long = match action {
        Action::NewLine => {
            let text = code_edit::new_line(code, cursor);
            insert_code(code, &mut cursor, &text)
        }
        Action::Indent => insert_code(code, &mut cursor, code_edit::INDENT),
        Action::Paste(text) => insert_code(code, &mut cursor, &code_edit::clean_paste(text)),
        Action::Insert(c) => insert_code(code, &mut cursor, &c.to_string()),
        Action::LineUp => {
            cursor = code_edit::up(code, cursor);
            false
        }
        Action::LineDown => {
            cursor = code_edit::down(code, cursor);
            false
        }
        Action::CursorHome => {
            cursor = code_edit::line_start(code, cursor);
            false
        }
        Action::CursorEnd => {
            cursor = code_edit::line_end(code, cursor);
            false
        }
        // Ctrl-U deletes back to the line's start, as in a shell: never the whole cell.
        Action::ClearField => {
            let start = code_edit::line_start(code, cursor);
            let bytes = byte_at(code, start)..byte_at(code, cursor);
            code.replace_range(bytes, "");
            cursor = start;
            false
        }
        Action::NextField | Action::PrevField => false,
        _ => return None,
    };
    ui.cursor = cursor;
    Some(too_long)
}

/// Inserts what fits of `text` into the code at the cursor; true when some didn't fit.
fn insert_code(code: &mut String, cursor: &mut usize, text: &str) -> bool {
    let room = MAX_CODE_CHARS.saturating_sub(code.chars().count());
    let kept: String = text.chars().take(room).collect();
    let at = byte_at(code, *cursor);
    code.insert_str(at, &kept);
    *cursor += kept.chars().count();
    kept.len() < text.len()
}

fn field_len(ui: &ExerciseUi) -> usize {
    ui.values.get(ui.field).map_or(0, |v| v.chars().count())
}
