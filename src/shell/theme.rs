//! The shell's colours and text styles, in one place.

use ratatui::style::{Color, Modifier, Style};

pub fn h1() -> Style {
    Style::new()
        .fg(Color::Magenta)
        .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}
pub fn h2() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}
pub fn h3() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
pub fn code() -> Style {
    Style::new().fg(Color::Yellow)
}
pub fn link() -> Style {
    Style::new()
        .fg(Color::Blue)
        .add_modifier(Modifier::UNDERLINED)
}
pub fn quote() -> Style {
    Style::new().fg(Color::DarkGray)
}
pub fn quote_text() -> Style {
    Style::new().add_modifier(Modifier::ITALIC)
}
pub fn bullet() -> Style {
    Style::new().fg(Color::Cyan)
}
pub fn dim() -> Style {
    Style::new().fg(Color::DarkGray)
}
pub fn bold() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
pub fn label() -> Style {
    Style::new().fg(Color::Cyan)
}
pub fn focused() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}
pub fn border() -> Style {
    Style::new().fg(Color::DarkGray)
}
pub fn border_focused() -> Style {
    Style::new().fg(Color::Cyan)
}
pub fn pass() -> Style {
    Style::new().fg(Color::Green).add_modifier(Modifier::BOLD)
}
pub fn fail() -> Style {
    Style::new().fg(Color::Red).add_modifier(Modifier::BOLD)
}
pub fn error() -> Style {
    Style::new().fg(Color::Red)
}
pub fn warning() -> Style {
    Style::new().fg(Color::Yellow)
}
pub fn feedback() -> Style {
    Style::new().add_modifier(Modifier::ITALIC)
}
pub fn hint() -> Style {
    Style::new().fg(Color::Yellow)
}
pub fn generated() -> Style {
    Style::new().fg(Color::Green)
}
pub fn bar() -> Style {
    Style::new().fg(Color::Cyan)
}
pub fn header() -> Style {
    Style::new().fg(Color::Black).bg(Color::Cyan)
}
pub fn footer_key() -> Style {
    Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD)
}
pub fn selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}
pub fn cursor() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

/// Alternating backgrounds for tokens, so their edges show.
pub fn token(i: usize) -> Style {
    const COLOURS: [Color; 4] = [Color::Blue, Color::Magenta, Color::Green, Color::Red];
    Style::new().fg(Color::Black).bg(COLOURS[i % COLOURS.len()])
}
pub fn special_token() -> Style {
    Style::new().fg(Color::Black).bg(Color::Gray)
}
