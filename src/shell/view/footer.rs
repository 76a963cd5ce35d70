//! The header bar (course, lesson and step), the status line (warnings, errors, notes) and the
//! footer listing the keys that work right now.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use crate::shell::state::{App, Focus, Panel, StatusKind};
use crate::shell::strings;
use crate::shell::text::wrap;

pub(super) fn draw_header(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let width = area.width as usize;
    let course = app.course();
    let steps = app.current_lesson().map_or(0, |l| l.steps.len());
    let right = if course.lessons.is_empty() {
        String::new()
    } else {
        strings::position(
            app.lesson_index(),
            course.lessons.len(),
            app.step_index(),
            steps,
        )
    };
    let left = wrap::truncate(
        &strings::header(&course.title),
        width.saturating_sub(wrap::width(&right) + 1),
    );
    let gap = " ".repeat(width.saturating_sub(wrap::width(&left) + wrap::width(&right)));
    let line =
        Line::from(vec![Span::raw(left), Span::raw(gap), Span::raw(right)]).style(th.header());
    frame.render_widget(Paragraph::new(line), area);
}

pub(super) fn draw_status(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let Some(status) = app.status() else { return };
    let (mark, style) = match status.kind {
        StatusKind::Info => ("", th.dim()),
        StatusKind::Warning => ("⚠ ", th.warning()),
        StatusKind::Error => ("✗ ", th.error()),
    };
    let text = wrap::truncate(&format!("{mark}{}", status.text), area.width as usize);
    frame.render_widget(Paragraph::new(Line::styled(text, style)), area);
}

/// The keys that work in the current mode.
pub(crate) fn keys(app: &App) -> &'static [(&'static str, &'static str)] {
    if app.running().is_some() && app.focus() != Focus::Lessons {
        return strings::FOOTER_RUNNING;
    }
    match app.focus() {
        Focus::Lessons => strings::FOOTER_LESSONS,
        Focus::Typing if app.active_is_code() => strings::FOOTER_CODE,
        Focus::Typing => strings::FOOTER_TYPING,
        Focus::Lesson if app.course_end_shown() => strings::FOOTER_COURSE_END,
        Focus::Lesson => match app.active_panel() {
            Some(Panel::Exercise(_)) => strings::FOOTER_EXERCISE,
            Some(Panel::Quiz(_)) => strings::FOOTER_QUIZ,
            None => strings::FOOTER_READING,
        },
    }
}

pub(super) fn draw_footer(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let width = area.width as usize;
    let mut spans = Vec::new();
    let mut used = 0;
    for (key, what) in keys(app) {
        let item = wrap::width(key) + 1 + wrap::width(what) + 2;
        if used + item > width {
            break;
        }
        spans.push(Span::styled(key.to_string(), th.footer_key()));
        spans.push(Span::raw(format!(" {what}  ")));
        used += item;
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
