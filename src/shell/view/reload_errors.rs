//! Live preview's error pane: the errors of a reload that failed, drawn over the lesson until
//! the teacher fixes the file (the last good course stays underneath).

use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Clear, Paragraph};
use ratatui::Frame;

use crate::shell::state::App;
use crate::shell::{strings, wrap};

pub(super) fn draw(frame: &mut Frame, app: &App, area: Rect) {
    let th = app.theme();
    let inner_w = area.width.saturating_sub(2) as usize;
    let lines: Vec<Line<'static>> = app
        .course_errors()
        .iter()
        .flat_map(|p| wrap::wrap_plain(&p.to_string(), th.error(), inner_w))
        .collect();
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(th.fail())
        .title(strings::RELOAD_ERRORS_TITLE);
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
