//! The lesson pane: the current step's Markdown, rendered and scrolled, titled with the lesson and
//! step, with "more" marks when text lies above or below.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
use ratatui::Frame;

use crate::course::Block as LessonBlock;
use crate::shell::state::{App, Focus};
use crate::shell::{markdown, strings};

/// The step's text as lines `width` wide.
pub(super) fn lines(app: &App, width: usize) -> Vec<Line<'static>> {
    let th = app.theme();
    let Some(lesson) = app.current_lesson() else {
        return vec![Line::raw(strings::NO_LESSONS)];
    };
    let Some(step) = app.current_step() else {
        return vec![Line::raw(format!(
            "{}: {}",
            lesson.title,
            strings::NO_STEPS
        ))];
    };
    let mut out: Vec<Line<'static>> = Vec::new();
    let blocks = &step.blocks;
    let last_text = blocks
        .iter()
        .rposition(|b| matches!(b, LessonBlock::Markdown(_)));
    for (i, block) in blocks.iter().enumerate() {
        let rendered = match block {
            LessonBlock::Markdown(md) => markdown::render(md, width, th),
            // A marker only where prose follows the panel's block; otherwise the panel speaks for itself.
            LessonBlock::Exercise(_) if last_text.is_some_and(|l| l > i) => {
                vec![Line::styled(strings::EXERCISE_MARKER, th.dim())]
            }
            LessonBlock::Quiz(_) if last_text.is_some_and(|l| l > i) => {
                vec![Line::styled(strings::QUIZ_MARKER, th.dim())]
            }
            _ => continue,
        };
        if rendered.is_empty() {
            continue;
        }
        if !out.is_empty() {
            out.push(Line::default());
        }
        out.extend(rendered);
    }
    out
}

pub(super) fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let inner_w = area.width.saturating_sub(2) as usize;
    let inner_h = area.height.saturating_sub(2) as usize;
    let text = lines(app, inner_w);
    let max = text.len().saturating_sub(inner_h);
    let scroll = app.reading.scroll.min(max);

    let title = match (app.current_lesson(), app.current_step()) {
        (Some(l), Some(s)) => strings::step_title(&l.title, &s.title),
        (Some(l), None) => strings::step_title(&l.title, ""),
        _ => String::new(),
    };
    let focused = app.focus() == Focus::Lesson && app.active_panel().is_none();
    let block = Block::bordered()
        .border_style(if focused {
            th.border_focused()
        } else {
            th.border()
        })
        .title(Line::from(Span::styled(title, th.bold())));
    super::scrolled(frame, area, block, text, (scroll, max), inner_h, th);
}
