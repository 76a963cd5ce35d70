//! The help overlay (`?`): every key, by section, over the rest of the screen.

use crate::shell::text::theme::Theme;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use ratatui::Frame;

use crate::shell::strings;
use crate::shell::text::wrap;

pub(super) fn draw(frame: &mut Frame, screen: Rect, th: Theme) {
    let key_w = strings::HELP
        .iter()
        .map(|(k, _)| wrap::width(k))
        .max()
        .unwrap_or(0);
    let text_w = strings::HELP
        .iter()
        .map(|(_, t)| wrap::width(t))
        .max()
        .unwrap_or(0);
    let width = ((key_w + text_w + 5) as u16)
        .max(wrap::width(strings::HELP_TITLE) as u16 + 2)
        .min(screen.width);
    let height = (strings::HELP.len() as u16 + 2).min(screen.height);
    let area = Rect::new(
        screen.x + (screen.width - width) / 2,
        screen.y + (screen.height - height) / 2,
        width,
        height,
    );
    let inner_w = width.saturating_sub(2) as usize;
    let lines: Vec<Line<'static>> = strings::HELP
        .iter()
        .map(|(key, text)| {
            if text.is_empty() {
                return Line::styled(key.to_string(), th.h2());
            }
            let pad = " ".repeat(key_w.saturating_sub(wrap::width(key)) + 2);
            let rest = wrap::truncate(text, inner_w.saturating_sub(key_w + 3));
            Line::from(vec![
                Span::raw(" "),
                Span::styled(key.to_string(), th.footer_key()),
                Span::raw(pad),
                Span::raw(rest),
            ])
        })
        .collect();
    let block = Block::bordered()
        .border_style(th.border_focused())
        .title(Span::styled(strings::HELP_TITLE, th.bold()));
    frame.render_widget(Clear, area);
    frame.render_widget(Paragraph::new(lines).block(block), area);
}
