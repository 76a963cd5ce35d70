//! The lesson list: every lesson with its done / in progress / not started mark, the open lesson in
//! bold, the selection highlighted while the list has the keys.

use crate::shell::text::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

use crate::progress::LessonState;
use crate::shell::state::{App, Focus};
use crate::shell::strings;
use crate::shell::text::wrap;

fn mark(state: LessonState, th: Theme) -> (&'static str, ratatui::style::Style) {
    match state {
        LessonState::Done => ("✓", th.pass()),
        LessonState::InProgress => ("◐", th.warning()),
        LessonState::NotStarted => ("·", th.dim()),
    }
}

/// The first lesson shown and the rows for lessons, in a list drawn in `area`.
fn window(app: &App, area: Rect, full: bool) -> (usize, Rect) {
    let borders = if full { Borders::ALL } else { Borders::RIGHT };
    let inner = Block::new()
        .borders(borders)
        .title(strings::LESSONS_TITLE)
        .inner(area);
    let selected = if app.focus() == Focus::Lessons {
        app.reading.list_selected
    } else {
        app.lesson_index()
    };
    let first = selected.saturating_sub((inner.height as usize).saturating_sub(1));
    (first, inner)
}

/// The lesson on screen row `row` of a list drawn in `area` (for mouse clicks).
pub(super) fn lesson_at(app: &App, area: Rect, full: bool, row: u16) -> Option<usize> {
    let (first, inner) = window(app, area, full);
    if row < inner.y || row >= inner.bottom() {
        return None;
    }
    let i = first + (row - inner.y) as usize;
    (i < app.course().lessons.len()).then_some(i)
}

/// `full`: the list has the whole body (narrow screens), so it gets a full border.
pub(super) fn draw(frame: &mut Frame, app: &App, area: Rect, full: bool) {
    let th = app.theme();
    let focused = app.focus() == Focus::Lessons;
    let borders = if full { Borders::ALL } else { Borders::RIGHT };
    let block = Block::new()
        .borders(borders)
        .border_style(if focused {
            th.border_focused()
        } else {
            th.border()
        })
        .title(Span::styled(
            format!(" {} ", strings::LESSONS_TITLE),
            th.bold(),
        ));
    let inner = block.inner(area);
    let width = inner.width as usize;
    let height = inner.height as usize;
    let lessons = &app.course().lessons;
    let selected = if focused {
        app.reading.list_selected
    } else {
        app.lesson_index()
    };
    // Keep the selection in view.
    let first = selected.saturating_sub(height.saturating_sub(1));
    let mut lines = Vec::new();
    if lessons.is_empty() {
        lines.push(Line::styled(strings::NO_LESSONS, th.dim()));
    }
    for (i, lesson) in lessons.iter().enumerate().skip(first).take(height) {
        let (m, m_style) = mark(app.lesson_state(lesson), th);
        let title = wrap::truncate(&lesson.title, width.saturating_sub(2));
        let mut title_style = if i == app.lesson_index() {
            th.bold()
        } else {
            Default::default()
        };
        if focused && i == selected {
            title_style = title_style.patch(th.selected());
        }
        let pad = " ".repeat(width.saturating_sub(2 + wrap::width(&title)));
        let fill = if focused && i == selected {
            pad
        } else {
            String::new()
        };
        lines.push(Line::from(vec![
            Span::styled(format!("{m} "), m_style),
            Span::styled(title, title_style),
            Span::styled(fill, title_style),
        ]));
    }
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
