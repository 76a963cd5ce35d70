//! The shell's colours and text styles, in one place, in three themes: dark (the default), light
//! (darker colours for a light background) and no colour at all (`NO_COLOR`), where bold,
//! underline and reverse video carry what colour would.

use ratatui::style::{Color, Modifier, Style};

/// A theme name that is none of ours.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown theme “{0}”: use light or dark")]
pub struct UnknownTheme(pub String);

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
    ) -> Result<Theme, UnknownTheme> {
        if no_color.is_some_and(|v| !v.is_empty()) {
            return Ok(Theme::NoColor);
        }
        match flag.or(env_theme) {
            None => Ok(Theme::Dark),
            Some(name) => Theme::parse(name).ok_or_else(|| UnknownTheme(name.to_string())),
        }
    }

    /// `choose` with the process's environment.
    pub fn from_env(flag: Option<&str>) -> Result<Theme, UnknownTheme> {
        let env_theme = std::env::var("HFTUTOR_THEME").ok();
        let no_color = std::env::var("NO_COLOR").ok();
        Theme::choose(flag, env_theme.as_deref(), no_color.as_deref())
    }
}

/// The styles of each thing drawn, in this theme.
impl Theme {
    /// A foreground colour as the theme has it (none without colour).
    fn fg(self, c: Color) -> Style {
        match self {
            Theme::Dark => Style::new().fg(c),
            Theme::Light => Style::new().fg(Theme::on_light(c)),
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
    fn or_mark(self, style: Style, modifier: Modifier) -> Style {
        if self == Theme::NoColor {
            style.add_modifier(modifier)
        } else {
            style
        }
    }

    pub fn h1(self) -> Style {
        self.fg(Color::Magenta)
            .add_modifier(Modifier::BOLD | Modifier::UNDERLINED)
    }
    pub fn h2(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn h3(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn code(self) -> Style {
        self.fg(Color::Yellow)
    }
    /// A piece of Python in the code cell, coloured by what it is.
    pub fn syntax(self, class: crate::python::code_text::Class) -> Style {
        use crate::python::code_text::Class;
        match class {
            Class::Keyword => self.or_mark(self.fg(Color::Magenta), Modifier::BOLD),
            Class::Constant | Class::Number => self.fg(Color::Cyan),
            Class::String => self.fg(Color::Green),
            Class::Comment => self.or_mark(self.fg(Color::DarkGray), Modifier::ITALIC),
            Class::Function => self.fg(Color::Yellow),
            Class::Plain => Style::new(),
        }
    }
    /// The line numbers beside the code.
    pub fn gutter(self) -> Style {
        self.fg(Color::DarkGray)
    }
    pub fn link(self) -> Style {
        self.fg(Color::Blue).add_modifier(Modifier::UNDERLINED)
    }
    pub fn quote(self) -> Style {
        self.fg(Color::DarkGray)
    }
    pub fn quote_text(self) -> Style {
        Style::new().add_modifier(Modifier::ITALIC)
    }
    pub fn bullet(self) -> Style {
        self.fg(Color::Cyan)
    }
    pub fn dim(self) -> Style {
        self.fg(Color::DarkGray)
    }
    pub fn bold(self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }
    pub fn label(self) -> Style {
        self.fg(Color::Cyan)
    }
    pub fn focused(self) -> Style {
        self.or_mark(
            self.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            Modifier::UNDERLINED,
        )
    }
    pub fn border(self) -> Style {
        self.fg(Color::DarkGray)
    }
    pub fn border_focused(self) -> Style {
        self.or_mark(self.fg(Color::Cyan), Modifier::BOLD)
    }
    pub fn pass(self) -> Style {
        self.fg(Color::Green).add_modifier(Modifier::BOLD)
    }
    pub fn fail(self) -> Style {
        self.fg(Color::Red).add_modifier(Modifier::BOLD)
    }
    pub fn error(self) -> Style {
        self.fg(Color::Red)
    }
    pub fn warning(self) -> Style {
        self.or_mark(self.fg(Color::Yellow), Modifier::BOLD)
    }
    pub fn feedback(self) -> Style {
        Style::new().add_modifier(Modifier::ITALIC)
    }
    pub fn hint(self) -> Style {
        self.or_mark(self.fg(Color::Yellow), Modifier::ITALIC)
    }
    pub fn generated(self) -> Style {
        self.or_mark(self.fg(Color::Green), Modifier::BOLD)
    }
    pub fn bar(self) -> Style {
        self.fg(Color::Cyan)
    }
    pub fn header(self) -> Style {
        match self {
            Theme::Dark => Style::new().fg(Color::Black).bg(Color::Cyan),
            Theme::Light => Style::new().fg(Color::White).bg(Color::Blue),
            Theme::NoColor => Style::new().add_modifier(Modifier::REVERSED),
        }
    }
    pub fn footer_key(self) -> Style {
        self.fg(Color::Cyan).add_modifier(Modifier::BOLD)
    }
    pub fn selected(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }
    pub fn cursor(self) -> Style {
        Style::new().add_modifier(Modifier::REVERSED)
    }

    /// Alternating backgrounds for tokens, so their edges show (reverse / underline without colour).
    pub fn token(self, i: usize) -> Style {
        const COLOURS: [Color; 4] = [Color::Blue, Color::Magenta, Color::Green, Color::Red];
        match self {
            Theme::NoColor if i.is_multiple_of(2) => Style::new().add_modifier(Modifier::REVERSED),
            Theme::NoColor => Style::new().add_modifier(Modifier::UNDERLINED),
            Theme::Light => Style::new()
                .fg(Color::White)
                .bg(Theme::on_light(COLOURS[i % COLOURS.len()])),
            Theme::Dark => Style::new().fg(Color::Black).bg(COLOURS[i % COLOURS.len()]),
        }
    }
    pub fn special_token(self) -> Style {
        match self {
            Theme::NoColor => Style::new().add_modifier(Modifier::ITALIC | Modifier::UNDERLINED),
            _ => Style::new().fg(Color::Black).bg(Color::Gray),
        }
    }

    /// A heatmap cell for a value in 0..=1: cool to warm (colourless themes rely on the shade mark).
    pub fn heat(self, value: f32) -> Style {
        const SCALE: [Color; 5] = [
            Color::Indexed(17),
            Color::Indexed(24),
            Color::Indexed(30),
            Color::Indexed(136),
            Color::Indexed(160),
        ];
        let i = ((value.clamp(0.0, 1.0) * 4.0).round() as usize).min(4);
        match self {
            Theme::NoColor => Style::new(),
            Theme::Dark | Theme::Light => Style::new().fg(Color::White).bg(SCALE[i]),
        }
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
            Theme::choose(Some("pink"), None, None).map_err(|e| e.to_string()),
            Err("unknown theme “pink”: use light or dark".to_string())
        );
    }

    #[test]
    fn no_color_has_no_colours() {
        let t = Theme::NoColor;
        for s in [
            t.dim(),
            t.h1(),
            t.header(),
            t.token(0),
            t.token(1),
            t.heat(0.9),
            t.pass(),
        ] {
            assert_eq!((s.fg, s.bg), (None, None), "{s:?}");
        }
        assert_ne!(t.token(0), t.token(1), "tokens still alternate");
        assert_eq!(Theme::Dark.dim().fg, Some(Color::DarkGray));
    }
}
