//! Real pictures where the terminal can show them: which protocol to use (kitty graphics, sixel,
//! iTerm2 inline images, or half blocks everywhere else), chosen once at start from the
//! environment or else a short terminal query, and the overlay the run loop writes after each
//! frame, over the picture's half blocks, only while the whole picture is on screen.

use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Color;

use crate::domain::Thumbnail;

pub use super::graphics_encode::{iterm, kitty, kitty_delete, png, sixel, tmux_passthrough};

/// How pictures are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Kitty,
    Sixel,
    Iterm,
    /// `▀` cells in true colour: works everywhere (and in tests).
    HalfBlocks,
    /// No pictures at all (a line says so).
    Off,
}

impl Protocol {
    /// Draws real pixels (over the half blocks).
    pub fn is_image(self) -> bool {
        matches!(self, Protocol::Kitty | Protocol::Sixel | Protocol::Iterm)
    }

    /// A value of `HFTUTOR_GRAPHICS`: `Some(None)` for `auto`, `None` if unknown.
    pub fn parse(value: &str) -> Option<Option<Protocol>> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "auto" => Some(None),
            "kitty" => Some(Some(Protocol::Kitty)),
            "sixel" => Some(Some(Protocol::Sixel)),
            "iterm" | "iterm2" => Some(Some(Protocol::Iterm)),
            "halfblocks" | "half-blocks" | "blocks" => Some(Some(Protocol::HalfBlocks)),
            "off" | "none" => Some(Some(Protocol::Off)),
            _ => None,
        }
    }
}

/// What the environment says about the terminal: `None` when it can't tell (half blocks, or a
/// terminal query may do better). Reads `HFTUTOR_GRAPHICS` first (`auto` goes on to guess).
pub fn from_env(var: &dyn Fn(&str) -> Option<String>) -> Option<Protocol> {
    if let Some(Some(Some(p))) = var("HFTUTOR_GRAPHICS").map(|v| Protocol::parse(&v)) {
        return Some(p);
    }
    let term = var("TERM").unwrap_or_default();
    let program = var("TERM_PROGRAM").unwrap_or_default();
    // Inside tmux or screen the escapes need passthrough, which may be off: stay safe.
    if var("TMUX").is_some() || term.starts_with("screen") || term.starts_with("tmux") {
        return Some(Protocol::HalfBlocks);
    }
    if var("KITTY_WINDOW_ID").is_some()
        || term == "xterm-kitty"
        || term == "xterm-ghostty"
        || program.eq_ignore_ascii_case("ghostty")
    {
        return Some(Protocol::Kitty);
    }
    if program == "iTerm.app"
        || program == "WezTerm"
        || var("LC_TERMINAL").as_deref() == Some("iTerm2")
    {
        return Some(Protocol::Iterm);
    }
    if term.starts_with("foot") || term.contains("mlterm") {
        return Some(Protocol::Sixel);
    }
    None
}

/// Whether escapes must be wrapped for tmux (set `HFTUTOR_GRAPHICS` to force a protocol there).
pub fn in_tmux(var: &dyn Fn(&str) -> Option<String>) -> bool {
    var("TMUX").is_some()
}

/// A picture as the view drew it in half blocks: its key and each cell's (top, bottom) colours.
/// The view hands these to the overlay with the frame, so it can find them on screen.
#[derive(Debug, Clone, PartialEq)]
pub struct Drawn {
    key: u64,
    picture: Thumbnail,
    cells: Vec<Vec<(Color, Color)>>,
}

fn key_of(picture: &Thumbnail) -> u64 {
    let mut h = DefaultHasher::new();
    (picture.width, picture.height, &picture.rgb).hash(&mut h);
    h.finish()
}

impl Drawn {
    /// `picture`, laid out as half-block `cells`.
    pub(super) fn new(picture: &Thumbnail, cells: Vec<Vec<(Color, Color)>>) -> Drawn {
        Drawn {
            key: key_of(picture),
            picture: picture.clone(),
            cells,
        }
    }
}

/// Where the whole half-block picture `cells` sits in `buffer`, if it is all there.
fn find(buffer: &Buffer, cells: &[Vec<(Color, Color)>]) -> Option<Rect> {
    let rows = cells.len() as u16;
    let cols = cells.first()?.len() as u16;
    let area = buffer.area;
    if rows == 0 || cols == 0 || rows > area.height || cols > area.width {
        return None;
    }
    let matches = |x: u16, y: u16, want: (Color, Color)| {
        buffer
            .cell((x, y))
            .is_some_and(|c| c.symbol() == "▀" && (c.fg, c.bg) == want)
    };
    for y in area.y..=area.bottom() - rows {
        for x in area.x..=area.right() - cols {
            let all = (0..rows)
                .all(|r| (0..cols).all(|c| matches(x + c, y + r, cells[r as usize][c as usize])));
            if all {
                return Some(Rect::new(x, y, cols, rows));
            }
        }
    }
    None
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Placed {
    key: u64,
    area: Rect,
    id: u32,
}

/// What the run loop does after a frame.
#[derive(Debug, PartialEq, Eq)]
pub enum After {
    Nothing,
    /// Write these bytes to the terminal.
    Write(Vec<u8>),
    /// Old pixels must go (sixel, iTerm2 leave them in the cells): clear the terminal, draw the
    /// frame again and call `after_draw` once more.
    Redraw,
}

/// The pictures shown over the frame, kept in step with the half blocks ratatui draws.
pub struct Overlay {
    protocol: Protocol,
    /// Pixels per cell (for sixel); a small guess when the terminal doesn't say.
    cell: (u16, u16),
    tmux: bool,
    shown: Vec<Placed>,
    next_id: u32,
    /// The screen size of the last frame.
    area: Option<Rect>,
    /// Clear the terminal before the first frame (after a query).
    wipe: bool,
}

impl Overlay {
    pub fn new(protocol: Protocol, cell: Option<(u16, u16)>, tmux: bool) -> Overlay {
        Overlay {
            protocol,
            cell: cell.filter(|(w, h)| *w > 0 && *h > 0).unwrap_or((8, 16)),
            tmux,
            shown: Vec::new(),
            next_id: 0x4854_0000,
            area: None,
            wipe: false,
        }
    }

    /// How this overlay shows pictures (the view draws half blocks for it to cover).
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    fn wrap(&self, seq: Vec<u8>) -> Vec<u8> {
        if self.tmux && self.protocol != Protocol::Sixel {
            tmux_passthrough(&seq)
        } else {
            seq
        }
    }

    /// After ratatui drew `buffer` with the half-block pictures `drawn`: places pictures that
    /// came into full view, removes those that left it (scrolled, covered, another step).
    pub fn after_draw(&mut self, buffer: &Buffer, drawn: &[Drawn]) -> After {
        if !self.protocol.is_image() {
            return After::Nothing;
        }
        // A new size: ratatui cleared the screen, so nothing shown is there any more.
        let mut out = Vec::new();
        if self.area != Some(buffer.area) {
            out = self.invalidate();
            self.area = Some(buffer.area);
        }
        let mut found: Vec<(Placed, &Drawn)> = Vec::new();
        for d in drawn {
            if let Some(area) = find(buffer, &d.cells) {
                if !found.iter().any(|(p, _)| p.area == area) {
                    let id = self
                        .shown
                        .iter()
                        .find(|s| s.key == d.key && s.area == area)
                        .map_or(0, |s| s.id);
                    found.push((
                        Placed {
                            key: d.key,
                            area,
                            id,
                        },
                        d,
                    ));
                }
            }
        }
        let same = |a: &Placed, b: &Placed| a.key == b.key && a.area == b.area;
        let gone: Vec<Placed> = self
            .shown
            .iter()
            .filter(|s| !found.iter().any(|(f, _)| same(f, s)))
            .cloned()
            .collect();
        if gone.is_empty()
            && found
                .iter()
                .all(|(f, _)| self.shown.iter().any(|s| same(f, s)))
        {
            return if out.is_empty() {
                After::Nothing
            } else {
                After::Write(out)
            };
        }
        if !gone.is_empty() && self.protocol != Protocol::Kitty {
            self.shown.clear();
            return After::Redraw;
        }
        for g in &gone {
            out.extend(self.wrap(kitty_delete(g.id)));
        }
        let mut shown = Vec::new();
        for (mut placed, d) in found {
            if self.shown.iter().any(|s| same(&placed, s)) {
                shown.push(placed);
                continue;
            }
            placed.id = self.next_id;
            self.next_id = self.next_id.wrapping_add(1);
            out.extend(self.place(&placed, &d.picture));
            shown.push(placed);
        }
        self.shown = shown;
        After::Write(out)
    }

    /// The bytes that show `picture` over `placed.area` (cursor saved and restored).
    fn place(&self, placed: &Placed, picture: &Thumbnail) -> Vec<u8> {
        let a = placed.area;
        let mut out = b"\x1b7\x1b[0m".to_vec();
        if self.protocol != Protocol::Kitty {
            // Blank the cells first: the picture may not cover them all.
            for row in a.y..a.bottom() {
                out.extend(format!("\x1b[{};{}H\x1b[{}X", row + 1, a.x + 1, a.width).bytes());
            }
        }
        out.extend(format!("\x1b[{};{}H", a.y + 1, a.x + 1).bytes());
        let image = match self.protocol {
            Protocol::Kitty => kitty(picture, placed.id, a.width, a.height),
            Protocol::Iterm => iterm(picture, a.width, a.height),
            _ => sixel(
                picture,
                usize::from(a.width) * usize::from(self.cell.0),
                usize::from(a.height) * usize::from(self.cell.1),
            ),
        };
        out.extend(self.wrap(image));
        out.extend_from_slice(b"\x1b8");
        out
    }

    /// The screen was cleared (resize, taking the terminal back): forget what was shown.
    pub fn invalidate(&mut self) -> Vec<u8> {
        let out = self.remove_all();
        self.shown.clear();
        out
    }

    /// Bytes that remove every picture shown (kitty keeps them until told).
    pub fn remove_all(&self) -> Vec<u8> {
        if self.protocol != Protocol::Kitty {
            return Vec::new();
        }
        self.shown
            .iter()
            .flat_map(|s| self.wrap(kitty_delete(s.id)))
            .collect()
    }
}

impl Overlay {
    /// Chooses the protocol for this terminal (environment, `HFTUTOR_GRAPHICS`), sets it for
    /// the view and asks the terminal its cell size in pixels. Call once, before the UI loop.
    pub fn for_terminal() -> Overlay {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        // The environment first; else ask the terminal (a quarter second at most, once).
        let mut queried = false;
        let asked = || match var("TERM").as_deref() {
            Some("dumb") => None,
            _ if var("NO_COLOR").is_some() => None,
            _ => {
                queried = true;
                super::graphics_query::ask(std::time::Duration::from_millis(250))
            }
        };
        let protocol = from_env(&var)
            .or_else(asked)
            .unwrap_or(Protocol::HalfBlocks);
        let cell = ratatui::crossterm::terminal::window_size()
            .ok()
            .filter(|s| s.columns > 0 && s.rows > 0)
            .map(|s| (s.width / s.columns, s.height / s.rows));
        let mut overlay = Overlay::new(protocol, cell, in_tmux(&var));
        // A terminal that printed the query instead of answering it is wiped by a full draw.
        overlay.wipe = queried;
        overlay
    }

    /// Draws a frame, then the pictures over it (a second draw when old pixels must go).
    pub fn draw(
        &mut self,
        terminal: &mut ratatui::DefaultTerminal,
        app: &crate::shell::App,
    ) -> std::io::Result<()> {
        use std::io::Write;
        if std::mem::take(&mut self.wipe) {
            repaint_all(terminal)?;
        }
        for _ in 0..2 {
            let after = {
                let mut drawn = Vec::new();
                let frame = terminal.draw(|f| drawn = super::draw_with_pictures(f, app))?;
                self.after_draw(frame.buffer, &drawn)
            };
            match after {
                After::Nothing => return Ok(()),
                After::Write(bytes) => {
                    let out = terminal.backend_mut();
                    out.write_all(&bytes)?;
                    return out.flush();
                }
                After::Redraw => repaint_all(terminal)?,
            }
        }
        Ok(())
    }
}

/// Wipes the screen and makes the next draw paint every cell. Unlike ratatui's
/// `Terminal::clear`, it never asks the terminal where its cursor is: a terminal that doesn't
/// answer (a bare pseudo-terminal, a slow link) would fail the draw after two seconds.
pub fn repaint_all(terminal: &mut ratatui::DefaultTerminal) -> std::io::Result<()> {
    use ratatui::backend::{Backend, ClearType};
    terminal.backend_mut().clear_region(ClearType::All)?;
    // Between draws the current buffer is already blank; swapping blanks the last frame too, so
    // the next frame is compared with a blank screen, as the terminal now is.
    terminal.swap_buffers();
    Ok(())
}
