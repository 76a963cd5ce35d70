//! The course-end screen: what the student built in each lesson (exercises passed, the lesson's
//! summary) and the ideas they met (the lessons' `concepts:`), drawn in place of the lesson pane.

use crate::shell::text::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use ratatui::Frame;

use crate::progress::LessonState;
use crate::shell::state::App;
use crate::shell::{strings, wrap};

fn mark(state: LessonState, th: Theme) -> (&'static str, ratatui::style::Style) {
    match state {
        LessonState::Done => ("✓", th.pass()),
        LessonState::InProgress => ("◐", th.warning()),
        LessonState::NotStarted => ("·", th.dim()),
    }
}

/// Exercises passed and exercises in `lesson`.
fn passed(app: &App, lesson: &crate::course::Lesson) -> (usize, usize) {
    let lp = app.progress().lesson(&lesson.id);
    let total = lesson.exercises().count();
    let done = lesson
        .exercises()
        .filter(|e| {
            lp.and_then(|p| p.exercises.get(&e.id))
                .is_some_and(|p| p.passed)
        })
        .count();
    (done, total)
}

/// Whether every lesson of the course is done.
pub(crate) fn all_done(app: &App) -> bool {
    let lessons = &app.course().lessons;
    !lessons.is_empty()
        && lessons
            .iter()
            .all(|l| app.lesson_state(l) == LessonState::Done)
}

/// Wraps `text` at `width` with `indent` spaces before every line, in `style`.
fn wrapped(
    text: &str,
    width: usize,
    indent: usize,
    style: ratatui::style::Style,
) -> Vec<Line<'static>> {
    let pad = [Span::raw(" ".repeat(indent))];
    wrap::wrap(&[Span::styled(text.to_string(), style)], width, &pad, &pad)
}

/// The ideas joined with " · ", wrapped between ideas (never inside one).
fn ideas(met: &[&str], width: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for idea in met {
        let sep = if line.is_empty() { "" } else { " · " };
        if !line.is_empty() && wrap::width(&line) + sep.len() + wrap::width(idea) > width {
            lines.push(Line::raw(std::mem::take(&mut line)));
            line.push_str(idea);
        } else {
            line.push_str(sep);
            line.push_str(idea);
        }
    }
    lines.push(Line::raw(line));
    lines
}

/// The screen's text, `width` wide.
pub(super) fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let th = app.theme();
    let lessons = &app.course().lessons;
    let (ex_done, ex_total) = lessons.iter().fold((0, 0), |(d, t), l| {
        let (ld, lt) = passed(app, l);
        (d + ld, t + lt)
    });
    let done = lessons
        .iter()
        .filter(|l| app.lesson_state(l) == LessonState::Done)
        .count();
    let mut out = Vec::new();
    let intro = if all_done(app) {
        strings::course_end_done(ex_done)
    } else {
        strings::course_end_so_far(done, lessons.len(), ex_done, ex_total)
    };
    out.extend(wrapped(&intro, width, 0, th.bold()));
    out.push(Line::default());
    out.push(Line::styled(strings::COURSE_END_BUILT, th.bold()));
    for lesson in lessons {
        let state = app.lesson_state(lesson);
        let (m, m_style) = mark(state, th);
        let (d, t) = passed(app, lesson);
        let count = strings::exercises_passed(d, t);
        let title = wrap::truncate(&lesson.title, width.saturating_sub(4 + wrap::width(&count)));
        out.push(Line::from(vec![
            Span::styled(format!("{m} "), m_style),
            Span::raw(title),
            Span::styled(format!(" · {count}"), th.dim()),
        ]));
        if state != LessonState::NotStarted && !lesson.summary.is_empty() {
            out.extend(wrapped(&lesson.summary, width, 2, th.dim()));
        }
    }
    let met: Vec<&str> = lessons
        .iter()
        .filter(|l| app.lesson_state(l) != LessonState::NotStarted)
        .flat_map(|l| l.concepts.iter().map(String::as_str))
        .collect();
    if !met.is_empty() {
        out.push(Line::default());
        out.push(Line::styled(strings::COURSE_END_CONCEPTS, th.bold()));
        out.extend(ideas(&met, width));
    }
    out.push(Line::default());
    out.extend(wrapped(strings::COURSE_END_NEXT, width, 0, th.dim()));
    out
}

/// How far the screen can scroll in `area`.
pub(super) fn scroll_max(app: &App, area: Rect) -> usize {
    let text = lines(app, area.width.saturating_sub(2) as usize).len();
    text.saturating_sub(area.height.saturating_sub(2) as usize)
}

pub(super) fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let inner_w = area.width.saturating_sub(2) as usize;
    let inner_h = area.height.saturating_sub(2) as usize;
    let text = lines(app, inner_w);
    let max = text.len().saturating_sub(inner_h);
    let scroll = app.reading.scroll.min(max);
    let block = Block::bordered()
        .border_style(th.border_focused())
        .title(Line::from(Span::styled(
            format!(" {} ", strings::COURSE_END_TITLE),
            th.bold(),
        )));
    super::scrolled(frame, area, block, text, (scroll, max), inner_h, th);
}
