//! The shell's colours and text styles, in one place, in three themes: dark (the default), light
//! (darker colours for a light background) and no colour at all (`NO_COLOR`), where bold,
//! underline and reverse video carry what colour would.

use std::cell::Cell;

use ratatui::style::{Color, Modifier, Style};

/// How the shell paints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Theme {
    #[default]
    Dark,
    Light,
    /// No colours: `NO_COLOR` is set (any value), or the terminal shows none.
    NoColor,
}

impl Theme {
    /// Parses `light` / `dark` (any case); `None` for anything else.
    pub fn parse(name: &str) -> Option<Theme> {
        match name.trim().to_ascii_lowercase().as_str() {
            "dark" => Some(Theme::Dark),
            "light" => Some(Theme::Light),
            "none" | "no-color" | "nocolor" => Some(Theme::NoColor),
            _ => None,
        }
    }

    /// The theme to use: `NO_COLOR` (set and not empty, see no-color.org) wins, then `--theme`,
    /// then `HFTUTOR_THEME`, then dark. Unknown names are an error message for the student.
    pub fn choose(
        flag: Option<&str>,
        env_theme: Option<&str>,
        no_color: Option<&str>,
    ) -> Result<Theme, String> {
        if no_color.is_some_and(|v| !v.is_empty()) {
            return Ok(Theme::NoColor);
        }
        match flag.or(env_theme) {
            None => Ok(Theme::Dark),
            Some(name) => Theme::parse(name)
                .ok_or_else(|| format!("unknown theme “{name}”: use light or dark")),
        }
    }

    /// `choose` with the process's environment.
    pub fn from_env(flag: Option<&str>) -> Result<Theme, String> {
        let env_theme = std::env::var("HFTUTOR_THEME").ok();
        let no_color = std::env::var("NO_COLOR").ok();
        Theme::choose(flag, env_theme.as_deref(), no_color.as_deref())
    }
}

thread_local! {
    // Drawing happens on one thread (the run loop's; each test's own): a per-thread theme lets
    // tests draw in different themes side by side.
    static THEME: Cell<Theme> = const { Cell::new(Theme::Dark) };
}

/// Sets the theme for drawing on this thread.
pub fn set(theme: Theme) {
    THEME.with(|t| t.set(theme));
}

pub fn current() -> Theme {
    THEME.with(Cell::get)
}

/// A foreground colour as the theme has it (none without colour).
fn fg(c: Color) -> Style {
    match current() {
        Theme::Dark => Style::new().fg(c),
        Theme::Light => Style::new().fg(on_light(c)),
        Theme::NoColor => Style::new(),
    }
}

/// Colours that read well on a light background.
fn on_light(c: Color) -> Color {
    match c {
        Color::Yellow => Color::Indexed(130),
        Color::Cyan => Color::Blue,
        Color::Green => Color::Indexed(28),
        Color::Magenta => Color::Indexed(90),
        Color::Gray => Color::DarkGray,
        other => other,
    }
}

/// `style` with `modifier` added when there is no colour to tell things apart.
fn or_mark(style: Style, modifier: Modifier) -> Style {
    if current() == Theme::NoColor {
        style.add_modifier(modifier)
    } else {
        style
    }
}

pub fn h1() -> Style {
    fg(Color::Magenta).add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
}
pub fn h2() -> Style {
    fg(Color::Cyan).add_modifier(Modifier::BOLD)
}
pub fn h3() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
pub fn code() -> Style {
    fg(Color::Yellow)
}
pub fn link() -> Style {
    fg(Color::Blue).add_modifier(Modifier::UNDERLINED)
}
pub fn quote() -> Style {
    fg(Color::DarkGray)
}
pub fn quote_text() -> Style {
    Style::new().add_modifier(Modifier::ITALIC)
}
pub fn bullet() -> Style {
    fg(Color::Cyan)
}
pub fn dim() -> Style {
    fg(Color::DarkGray)
}
pub fn bold() -> Style {
    Style::new().add_modifier(Modifier::BOLD)
}
pub fn label() -> Style {
    fg(Color::Cyan)
}
pub fn focused() -> Style {
    or_mark(
        fg(Color::Cyan).add_modifier(Modifier::BOLD),
        Modifier::UNDERLINED,
    )
}
pub fn border() -> Style {
    fg(Color::DarkGray)
}
pub fn border_focused() -> Style {
    or_mark(fg(Color::Cyan), Modifier::BOLD)
}
pub fn pass() -> Style {
    fg(Color::Green).add_modifier(Modifier::BOLD)
}
pub fn fail() -> Style {
    fg(Color::Red).add_modifier(Modifier::BOLD)
}
pub fn error() -> Style {
    fg(Color::Red)
}
pub fn warning() -> Style {
    or_mark(fg(Color::Yellow), Modifier::BOLD)
}
pub fn feedback() -> Style {
    Style::new().add_modifier(Modifier::ITALIC)
}
pub fn hint() -> Style {
    or_mark(fg(Color::Yellow), Modifier::ITALIC)
}
pub fn generated() -> Style {
    or_mark(fg(Color::Green), Modifier::BOLD)
}
pub fn bar() -> Style {
    fg(Color::Cyan)
}
pub fn header() -> Style {
    match current() {
        Theme::Dark => Style::new().fg(Color::Black).bg(Color::Cyan),
        Theme::Light => Style::new().fg(Color::White).bg(Color::Blue),
        Theme::NoColor => Style::new().add_modifier(Modifier::REVERSED),
    }
}
pub fn footer_key() -> Style {
    fg(Color::Cyan).add_modifier(Modifier::BOLD)
}
pub fn selected() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}
pub fn cursor() -> Style {
    Style::new().add_modifier(Modifier::REVERSED)
}

/// Alternating backgrounds for tokens, so their edges show (reverse / underline without colour).
pub fn token(i: usize) -> Style {
    const COLOURS: [Color; 4] = [Color::Blue, Color::Magenta, Color::Green, Color::Red];
    match current() {
        Theme::NoColor if i.is_multiple_of(2) => Style::new().add_modifier(Modifier::REVERSED),
        Theme::NoColor => Style::new().add_modifier(Modifier::UNDERLINED),
        Theme::Light => Style::new()
            .fg(Color::White)
            .bg(on_light(COLOURS[i % COLOURS.len()])),
        Theme::Dark => Style::new().fg(Color::Black).bg(COLOURS[i % COLOURS.len()]),
    }
}
pub fn special_token() -> Style {
    match current() {
        Theme::NoColor => Style::new().add_modifier(Modifier::ITALIC | Modifier::UNDERLINED),
        _ => Style::new().fg(Color::Black).bg(Color::Gray),
    }
}

/// A heatmap cell for a value in 0..=1: cool to warm (colourless themes rely on the shade mark).
pub fn heat(value: f32) -> Style {
    const SCALE: [Color; 5] = [
        Color::Indexed(17),
        Color::Indexed(24),
        Color::Indexed(30),
        Color::Indexed(136),
        Color::Indexed(160),
    ];
    let i = ((value.clamp(0.0, 1.0) * 4.0).round() as usize).min(4);
    match current() {
        Theme::NoColor => Style::new(),
        Theme::Dark | Theme::Light => Style::new().fg(Color::White).bg(SCALE[i]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_wins_then_the_flag_then_the_environment() {
        assert_eq!(Theme::choose(None, None, None), Ok(Theme::Dark));
        assert_eq!(
            Theme::choose(Some("light"), Some("dark"), None),
            Ok(Theme::Light)
        );
        assert_eq!(Theme::choose(None, Some("LIGHT"), None), Ok(Theme::Light));
        assert_eq!(
            Theme::choose(Some("light"), None, Some("1")),
            Ok(Theme::NoColor)
        );
        assert_eq!(Theme::choose(None, None, Some("")), Ok(Theme::Dark));
        assert_eq!(
            Theme::choose(Some("pink"), None, None),
            Err("unknown theme “pink”: use light or dark".to_string())
        );
    }

    #[test]
    fn no_color_has_no_colours() {
        set(Theme::NoColor);
        for s in [dim(), h1(), header(), token(0), token(1), heat(0.9), pass()] {
            assert_eq!((s.fg, s.bg), (None, None), "{s:?}");
        }
        assert_ne!(token(0), token(1), "tokens still alternate");
        set(Theme::Dark);
        assert_eq!(dim().fg, Some(Color::DarkGray));
    }
}
