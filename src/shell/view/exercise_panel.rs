//! The exercise panel: goal, one input line per field (with a cursor while typing), then the run's
//! state (spinner, loading news, streamed text), the result, the verdict with feedback, and hints.

use super::graphics::Drawn;
use crate::shell::text::theme::Theme;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

use crate::course::{Exercise, Kind};
use crate::shell::state::{App, Focus, Outcome, Running};
use crate::shell::strings;
use crate::shell::text::wrap::{self, wrap, wrap_plain};
use crate::worker::JobError;

use super::{charts, code_cell, output};

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// The panel's text: `head` (goal and inputs) always shows; `body` is cut from the top when the
/// panel is short, so the newest news (streamed text, verdict) stays in view.
pub(super) struct PanelText {
    pub head: Vec<Line<'static>>,
    pub body: Vec<Line<'static>>,
    /// Line (in `head`) and column of the typing cursor.
    pub cursor: Option<(usize, usize)>,
    /// "h: a hint (2 available)", shown on the bottom border.
    pub hint_note: String,
    /// The verdict's first line in `body`: a short panel shows from there rather than the tail.
    pub verdict_at: Option<usize>,
    /// The pictures laid out in `body` as half blocks (for the overlay).
    pub pictures: Vec<Drawn>,
}

impl PanelText {
    pub fn all(self) -> Vec<Line<'static>> {
        let mut v = self.head;
        v.extend(self.body);
        v
    }
}

pub(super) fn lines(app: &App, exercise: &Exercise, width: usize) -> PanelText {
    let th = app.theme();
    let width = width.max(1);
    let key = (app.lesson_index(), exercise.id.clone());
    let ui = app.exercise_ui(key.0, &key.1);
    let typing = app.focus() == Focus::Typing;

    let mut head = wrap(
        &[
            Span::styled(strings::GOAL, th.bold()),
            Span::raw(exercise.goal.clone()),
        ],
        width,
        &[],
        &[],
    );
    let label_w = exercise
        .inputs
        .iter()
        .map(|f| wrap::width(&f.label))
        .max()
        .unwrap_or(0)
        .min(width / 3);
    let mut cursor = None;
    // After a run, out of typing, the code scrolls with the output: a short panel shows what
    // Python printed first, and `[` scrolls back up to the code. While typing it stays put.
    let ran = matches!(ui.map(|u| &u.outcome), Some(Outcome::Cell { .. }));
    let running_here = app.running().is_some_and(|r| r.key == key);
    let mut code_in_body = Vec::new();
    if exercise.kind == Kind::Code {
        let code = ui.and_then(|u| u.values.first()).map_or("", String::as_str);
        let at = if typing { ui.map(|u| u.cursor) } else { None };
        let rows = code_cell::editor_rows(app.size.1);
        let (lines, at) = code_cell::editor(code, at, width, rows, th);
        if let Some((line, col)) = at {
            cursor = Some((head.len() + line, col));
        }
        let typing_code = typing && ui.is_none_or(|u| u.field == 0);
        if ran && !typing_code && !running_here {
            code_in_body = lines;
        } else {
            head.extend(lines);
        }
    }
    let fields = if exercise.kind == Kind::Code {
        &[][..]
    } else {
        &exercise.inputs[..]
    };
    for (i, field) in fields.iter().enumerate() {
        let value = ui.and_then(|u| u.values.get(i)).map_or("", String::as_str);
        let focused = typing && ui.is_some_and(|u| u.field == i);
        let marker = if focused { "› " } else { "  " };
        let label = wrap::truncate(&field.label, label_w);
        let pad = " ".repeat(label_w.saturating_sub(wrap::width(&label)));
        let lead = format!("{marker}{label}{pad}: ");
        let room = width.saturating_sub(wrap::width(&lead)).max(1);
        let label_style = if focused { th.focused() } else { th.label() };
        let mut spans = vec![Span::styled(lead.clone(), label_style)];
        let at = if focused { ui.map(|u| u.cursor) } else { None };
        let (value_spans, col) = field_spans(value, at, room, th);
        spans.extend(value_spans);
        if let Some(col) = col {
            cursor = Some((head.len(), wrap::width(&lead) + col));
        }
        head.push(Line::from(spans));
    }

    let mut body = code_in_body;
    let mut verdict_at = None;
    let mut pictures = Vec::new();
    let shown = hints_shown(app, exercise);
    if shown > 0 {
        body.push(Line::default());
    }
    for (i, h) in exercise.hints.iter().take(shown).enumerate() {
        body.extend(wrap_plain(
            &strings::hint(i, exercise.hints.len(), h),
            th.hint(),
            width,
        ));
    }
    body.push(Line::default());
    let running = app.running().filter(|r| r.key == key);
    match (running, ui.map(|u| &u.outcome)) {
        (Some(r), _) => {
            body.extend(running_lines(app, r, width));
            if let Some(c) = ui.map(|u| &u.charts).filter(|c| !c.steps.is_empty()) {
                body.push(Line::default());
                body.extend(charts::candidates(c, true, width, th));
            }
        }
        (None, Some(Outcome::Refused(message))) => {
            body.extend(wrap(
                &[
                    Span::styled(strings::CANNOT_RUN, th.fail()),
                    Span::styled(message.clone(), th.error()),
                ],
                width,
                &[],
                &[],
            ));
        }
        (None, Some(Outcome::Notice(message))) => {
            body.extend(wrap(
                &[Span::styled(format!("⬇ {message}"), th.warning())],
                width,
                &[],
                &[],
            ));
        }
        (
            None,
            Some(Outcome::Done {
                output,
                verdict,
                elapsed,
                cancelled,
                inputs,
            }),
        ) => {
            match output {
                Ok(out) => body.extend(charts::result(
                    out,
                    inputs,
                    ui.map(|u| &u.charts),
                    width,
                    th,
                )),
                Err(error) => body.extend(failed_lines(error, width, th)),
            }
            body.extend(ended_lines(*elapsed, *cancelled, th));
            if let Some(v) = verdict {
                body.push(Line::default());
                verdict_at = Some(body.len());
                body.extend(verdict_lines(v, width, th));
            }
            if let Ok(out) = output {
                let can_play = app.audio_player.is_some();
                body.extend(charts::after(
                    out,
                    inputs,
                    ui.map(|u| &u.charts),
                    can_play,
                    width,
                    (th, app.pictures()),
                    &mut pictures,
                ));
            }
        }
        (
            None,
            Some(Outcome::Cell {
                result,
                verdict,
                elapsed,
                cancelled,
            }),
        ) => {
            // A short panel shows from the output: what Python printed comes first (the
            // panel's title says ✓ passed).
            verdict_at = Some(body.len());
            match result {
                Ok(run) => {
                    // The launched app's fields as the student fills them (field 1 on).
                    let form = ui.filter(|u| u.values.len() > 1).map(|u| code_cell::Form {
                        values: &u.values[1..],
                        focused: (typing && u.field > 0).then(|| (u.field - 1, u.cursor)),
                    });
                    body.extend(code_cell::output(run, form, width, th))
                }
                Err(error) => body.extend(failed_lines(error, width, th)),
            }
            body.extend(ended_lines(*elapsed, *cancelled, th));
            if let Some(v) = verdict {
                body.push(Line::default());
                body.extend(verdict_lines(v, width, th));
            }
            if let Some(l) = app.current_lesson() {
                body.extend(wrap_plain(&strings::take_home(&l.id), th.dim(), width));
            }
        }
        (None, _) => {
            let keys = if exercise.kind == Kind::Code {
                ready_code_keys(typing)
            } else {
                ready_keys(typing)
            };
            body.push(Line::styled(keys, th.dim()));
            match app.model_for(exercise) {
                Some(m) => body.extend(wrap_plain(
                    &strings::model_line(&m.to_string()),
                    th.dim(),
                    width,
                )),
                None => body.extend(wrap_plain(
                    &strings::no_model(exercise.task.name()),
                    th.warning(),
                    width,
                )),
            }
        }
    }

    let hint_note =
        strings::hints_left(shown, exercise.hints.len(), if typing { "F1" } else { "h" });
    PanelText {
        head,
        body,
        cursor,
        hint_note,
        verdict_at,
        pictures,
    }
}

/// "Error: …" when a job gave no output.
fn failed_lines(error: &JobError, width: usize, th: Theme) -> Vec<Line<'static>> {
    wrap(
        &[
            Span::styled(strings::ERROR, th.fail()),
            Span::styled(error.to_string(), th.error()),
        ],
        width,
        &[],
        &[],
    )
}

/// "took 0.9 s", and "stopped" when the student stopped the run.
fn ended_lines(elapsed: std::time::Duration, cancelled: bool, th: Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled(
        strings::elapsed(elapsed.as_secs_f64()),
        th.dim(),
    )];
    if cancelled {
        out.push(Line::styled(strings::STOPPED, th.warning()));
    }
    out
}

/// ✓ Passed! / ✗ Not yet, each condition's line, and the teacher's feedback.
fn verdict_lines(v: &crate::checks::Verdict, width: usize, th: Theme) -> Vec<Line<'static>> {
    let (mark, style) = if v.passed {
        (strings::PASSED, th.pass())
    } else {
        (strings::NOT_YET, th.fail())
    };
    let mut body = vec![Line::styled(mark, style)];
    // Details quote what the student typed and the code raised: shown, never sent raw.
    for d in &v.details {
        body.extend(wrap(
            &[Span::raw(crate::present::safe::line(d).into_owned())],
            width,
            &[Span::raw("  • ")],
            &[Span::raw("    ")],
        ));
    }
    if let Some(f) = &v.feedback {
        body.extend(wrap_plain(f, th.feedback(), width));
    }
    body
}

fn ready_code_keys(typing: bool) -> String {
    if typing {
        strings::READY_CODE.to_string()
    } else {
        format!("{} · {}", strings::READY_CODE_TYPE, strings::READY_CODE)
    }
}

fn ready_keys(typing: bool) -> String {
    if typing {
        strings::READY.to_string()
    } else {
        format!("{} · {}", strings::READY_TYPE, strings::READY)
    }
}

fn hints_shown(app: &App, exercise: &Exercise) -> usize {
    let lesson = app
        .current_lesson()
        .map(|l| l.id.as_str())
        .unwrap_or_default();
    let used = app
        .progress()
        .lesson(lesson)
        .and_then(|l| l.exercises.get(&exercise.id))
        .map_or(0, |p| p.hints_used as usize);
    used.min(exercise.hints.len())
}

/// A field's value fitted into `room` columns, scrolled so the cursor shows; returns the spans and
/// the cursor's column when `cursor` is set.
pub(super) fn field_spans(
    value: &str,
    cursor: Option<usize>,
    room: usize,
    th: Theme,
) -> (Vec<Span<'static>>, Option<usize>) {
    let chars: Vec<char> = value.chars().collect();
    let Some(at) = cursor else {
        return (vec![Span::raw(wrap::truncate(value, room))], None);
    };
    let at = at.min(chars.len());
    // Scroll so the cursor (plus one cell for it) fits, dropping whole clusters from the left.
    let mut start = 0;
    let mut w = wrap::width(&chars[..at].iter().collect::<String>());
    for (from, g) in crate::shell::text::graphemes::clusters(value) {
        if from >= at || w < room {
            break;
        }
        w = w.saturating_sub(wrap::width(g));
        start = (from + g.chars().count()).min(at);
    }
    let before: String = chars[start..at].iter().collect();
    // The whole cluster under the cursor (👍🏽 is two chars, one picture).
    let cluster = crate::shell::text::graphemes::cluster_at(value, at);
    let under = if cluster.is_empty() { " " } else { cluster }.to_string();
    let col = wrap::width(&before);
    let rest_room = room.saturating_sub(col + wrap::width(&under));
    let after: String = chars.iter().skip(at + cluster.chars().count()).collect();
    let spans = vec![
        Span::raw(before),
        Span::styled(under, th.cursor()),
        Span::raw(wrap::truncate(&after, rest_room)),
    ];
    (spans, Some(col))
}

fn running_lines(app: &App, r: &Running, width: usize) -> Vec<Line<'static>> {
    let th = app.theme();
    let spin = SPINNER[(app.tick as usize) % SPINNER.len()];
    let mut out = Vec::new();
    let (what, fraction) = if r.cancelling {
        (strings::STOPPING.to_string(), None)
    } else if let Some((message, fraction)) = &r.loading {
        (message.clone(), *fraction)
    } else if r.job.is_none() {
        (strings::QUEUED.to_string(), None)
    } else if !r.started {
        (strings::STARTING.to_string(), None)
    } else {
        (strings::RUNNING.to_string(), None)
    };
    let mut spans = vec![Span::styled(format!("{spin} "), th.bar()), Span::raw(what)];
    if let Some(f) = fraction {
        let f = f.clamp(0.0, 1.0);
        spans.push(Span::raw(" "));
        spans.push(Span::styled(output::bar(f, 12), th.bar()));
        spans.push(Span::raw(format!(" {:.0}%", f * 100.0)));
    }
    out.extend(wrap(&spans, width, &[], &[Span::raw("  ")]));
    let runs = r.streamed.len();
    for (i, text) in r.streamed.iter().enumerate() {
        let mut spans = vec![Span::styled(
            strings::run_label(i, runs.max(r.prepared.runs)),
            th.bold(),
        )];
        spans.push(Span::styled(text.clone(), th.generated()));
        if i + 1 == runs && !r.cancelling {
            spans.push(Span::styled("▌", th.generated()));
        }
        out.extend(wrap(&spans, width, &[], &[]));
    }
    out
}

/// Which lines of a panel show in `inner_h` rows.
pub(super) struct Window {
    /// Goal lines dropped when even the goal and inputs don't fit (the typed-in field stays).
    pub head_skip: usize,
    /// Rows left for the body.
    pub room: usize,
    /// Body lines skipped by default: the tail (newest news), or from the verdict on.
    pub auto: usize,
    /// The most body lines that can be skipped.
    pub max: usize,
}

pub(super) fn window(text: &PanelText, inner_h: usize) -> Window {
    let mut head_skip = text.head.len().saturating_sub(inner_h);
    if let Some((line, _)) = text.cursor {
        head_skip = head_skip.min(line);
    }
    let room = inner_h.saturating_sub(text.head.len() - head_skip);
    let max = text.body.len().saturating_sub(room);
    let auto = text.verdict_at.map_or(max, |at| max.min(at));
    Window {
        head_skip,
        room,
        auto,
        max,
    }
}

/// Draws the panel; gives back the pictures it laid out as half blocks.
pub(super) fn draw(frame: &mut Frame, app: &App, exercise: &Exercise, area: Rect) -> Vec<Drawn> {
    let th = app.theme();
    let inner_w = area.width.saturating_sub(2) as usize;
    let inner_h = area.height.saturating_sub(2) as usize;
    let mut text = lines(app, exercise, inner_w);
    let pictures = std::mem::take(&mut text.pictures);
    let note = text.hint_note.clone();
    let w = window(&text, inner_h);
    let skip = (w.auto as isize + app.panes.panel_offset).clamp(0, w.max as isize) as usize;
    let cursor = text.cursor.map(|(line, col)| (line - w.head_skip, col));
    let mut visible: Vec<Line<'static>> = text
        .head
        .into_iter()
        .skip(w.head_skip)
        .take(inner_h)
        .collect();
    let head_len = visible.len();
    visible.extend(text.body.into_iter().skip(skip).take(w.room));

    let mut title = vec![Span::styled(format!(" {} ", strings::EXERCISE), th.bold())];
    let lesson = app
        .current_lesson()
        .map(|l| l.id.as_str())
        .unwrap_or_default();
    if let Some(p) = app
        .progress()
        .lesson(lesson)
        .and_then(|l| l.exercises.get(&exercise.id))
    {
        if p.attempts > 0 {
            title.push(Span::styled(
                format!("· {} ", strings::attempts(p.attempts)),
                th.dim(),
            ));
        }
        if p.passed {
            title.push(Span::styled(
                format!("· {} ", strings::PASSED_MARK),
                th.pass(),
            ));
        }
    }
    let focused = matches!(app.focus(), Focus::Lesson | Focus::Typing);
    let block = Block::bordered()
        .border_style(if focused {
            th.border_focused()
        } else {
            th.border()
        })
        .title(Line::from(title));
    let block = if note.is_empty() || wrap::width(&note) + 4 > inner_w {
        block
    } else {
        block.title_bottom(Line::styled(format!(" {note} "), th.dim()).right_aligned())
    };
    let more = match (skip > 0, skip < w.max) {
        (true, true) => Some(strings::PANEL_MORE_BOTH),
        (true, false) => Some(strings::PANEL_MORE_ABOVE),
        (false, true) => Some(strings::PANEL_MORE_BELOW),
        (false, false) => None,
    };
    let block = match more {
        Some(m) if wrap::width(m) + wrap::width(&note) + 8 <= inner_w => {
            block.title_bottom(Line::styled(format!(" {m} "), th.dim()).left_aligned())
        }
        _ => block,
    };
    frame.render_widget(Paragraph::new(visible).block(block), area);

    if let Some((line, col)) = cursor.filter(|_| app.focus() == Focus::Typing) {
        if line < head_len.min(inner_h) && col < inner_w {
            frame.set_cursor_position(Position::new(
                area.x + 1 + col as u16,
                area.y + 1 + line as u16,
            ));
        }
    }
    pictures
}
