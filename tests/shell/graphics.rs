//! Real pictures in terminals that show them: which protocol the environment picks
//! (`HFTUTOR_GRAPHICS` first; half blocks in tmux and unknown terminals), and the overlay that
//! places a picture over its half blocks and removes it when it scrolls or the student leaves the
//! step. The bytes of each protocol are in shell_graphics_bytes.rs.

use crate::fixture;

use fixture::*;
use hftutor::shell::graphics::{self, After, Overlay, Protocol};
use hftutor::shell::{self, Action, App};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).expect("escapes are ASCII")
}
fn detect(vars: &[(&str, &str)]) -> Option<Protocol> {
    let vars: Vec<(String, String)> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    graphics::from_env(&|name: &str| vars.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()))
}

#[test]
fn the_environment_picks_the_protocol() {
    use Protocol::*;
    assert_eq!(detect(&[("TERM", "xterm-kitty")]), Some(Kitty));
    assert_eq!(
        detect(&[("KITTY_WINDOW_ID", "1"), ("TERM", "xterm-256color")]),
        Some(Kitty)
    );
    assert_eq!(detect(&[("TERM_PROGRAM", "ghostty")]), Some(Kitty));
    assert_eq!(detect(&[("TERM_PROGRAM", "iTerm.app")]), Some(Iterm));
    assert_eq!(detect(&[("TERM_PROGRAM", "WezTerm")]), Some(Iterm));
    assert_eq!(detect(&[("TERM", "foot")]), Some(Sixel));
    assert_eq!(detect(&[("TERM", "xterm-256color")]), None, "can't tell");
    assert_eq!(detect(&[]), None);
    // tmux: half blocks, even in kitty, unless the student says otherwise.
    assert_eq!(
        detect(&[
            ("TMUX", "/tmp/tmux-0/default,1,0"),
            ("KITTY_WINDOW_ID", "1")
        ]),
        Some(HalfBlocks)
    );
    assert_eq!(detect(&[("TERM", "tmux-256color")]), Some(HalfBlocks));
    assert_eq!(
        detect(&[("TMUX", "x"), ("HFTUTOR_GRAPHICS", "kitty")]),
        Some(Kitty)
    );
}

#[test]
fn hftutor_graphics_overrides_the_guess() {
    use Protocol::*;
    let kitty = ("TERM", "xterm-kitty");
    assert_eq!(detect(&[kitty, ("HFTUTOR_GRAPHICS", "off")]), Some(Off));
    assert_eq!(
        detect(&[kitty, ("HFTUTOR_GRAPHICS", "halfblocks")]),
        Some(HalfBlocks)
    );
    assert_eq!(detect(&[kitty, ("HFTUTOR_GRAPHICS", "Sixel")]), Some(Sixel));
    assert_eq!(detect(&[kitty, ("HFTUTOR_GRAPHICS", "iterm")]), Some(Iterm));
    assert_eq!(detect(&[kitty, ("HFTUTOR_GRAPHICS", "auto")]), Some(Kitty));
    assert_eq!(Protocol::parse("auto"), Some(None));
    assert_eq!(Protocol::parse("nope"), None);
}

/// A value the tutor doesn't know stops it before it takes the terminal, saying what to use.
#[test]
fn an_unknown_hftutor_graphics_is_an_error_that_lists_the_choices() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_hftutor"))
        .env("HFTUTOR_GRAPHICS", "kity")
        .env("HFTUTOR_HOME", tempfile::tempdir().expect("tempdir").path())
        .stdin(std::process::Stdio::null())
        .output()
        .expect("run hftutor");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("HFTUTOR_GRAPHICS=\"kity\" is not a way to show pictures: use auto, kitty, sixel, iterm, halfblocks or off"),
        "{err}"
    );
    assert!(
        out.stdout.is_empty(),
        "the terminal was touched: {:?}",
        out.stdout
    );
}

/// Draws `app` and runs the overlay on the frame; also returns where the half blocks are.
fn frame(
    terminal: &mut Terminal<TestBackend>,
    overlay: &mut Overlay,
    app: &App,
) -> (After, Option<(u16, u16)>) {
    let mut drawn = Vec::new();
    let done = terminal
        .draw(|f| drawn = shell::draw_with_pictures(f, app))
        .expect("draw");
    let buffer = done.buffer;
    let first = buffer
        .content()
        .iter()
        .position(|c| c.symbol() == "▀")
        .map(|i| buffer.pos_of(i));
    (overlay.after_draw(buffer, &drawn), first)
}

#[test]
fn kitty_places_the_picture_over_its_half_blocks_and_removes_it_when_left() {
    let mut app = classified(30);
    app.set_pictures(Protocol::Kitty);
    let mut terminal = Terminal::new(TestBackend::new(80, 30)).expect("terminal");
    let mut overlay = Overlay::new(Protocol::Kitty, None, false);
    let (after, at) = frame(&mut terminal, &mut overlay, &app);
    let (x, y) = at.expect("half blocks are still drawn under the picture");
    let After::Write(bytes) = after else {
        panic!("expected the picture, got {after:?}")
    };
    let s = text(&bytes);
    // Cursor saved, moved to the half blocks' top-left cell, the picture over 2×2 cells.
    let place = format!("\x1b7\x1b[0m\x1b[{};{}H\x1b_Ga=T,f=100,", y + 1, x + 1);
    assert!(s.starts_with(&place), "{s:?}");
    assert!(s.contains(",c=2,r=2,C=1,q=2,m=0;"), "{s:?}");
    assert!(s.ends_with("\x1b8"), "cursor restored");
    let id: String = s
        .split("i=")
        .nth(1)
        .expect("an id")
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();

    // The same frame again: nothing to do.
    let (after, _) = frame(&mut terminal, &mut overlay, &app);
    assert_eq!(after, After::Nothing);

    // Another lesson: the picture is deleted.
    app.update(Action::OpenLesson(2));
    let (after, at) = frame(&mut terminal, &mut overlay, &app);
    assert_eq!(at, None);
    assert_eq!(
        after,
        After::Write(format!("\x1b_Ga=d,d=I,i={id},q=2\x1b\\").into_bytes())
    );
}

#[test]
fn a_picture_cut_by_scrolling_falls_back_to_half_blocks() {
    // A short screen: the panel scrolls, and the picture is only partly in view at times.
    let mut app = classified(22);
    app.set_pictures(Protocol::Sixel);
    let mut terminal = Terminal::new(TestBackend::new(80, 22)).expect("terminal");
    let mut overlay = Overlay::new(Protocol::Sixel, Some((10, 20)), false);
    let mut placed = 0;
    let mut redraws = 0;
    for _ in 0..8 {
        let (after, at) = frame(&mut terminal, &mut overlay, &app);
        match after {
            After::Write(bytes) => {
                let s = text(&bytes);
                assert!(
                    s.contains("\x1bP0;1;0q\"1;1;20;36"),
                    "2×2 cells of 10×20 px: {s:?}"
                );
                assert!(s.contains("\x1b[2X"), "its cells blanked first");
                assert!(at.is_some());
                placed += 1;
            }
            After::Redraw => {
                redraws += 1;
                // What the run loop does: clear, draw again, overlay again.
                terminal.clear().expect("clear");
                let (again, _) = frame(&mut terminal, &mut overlay, &app);
                assert_ne!(again, After::Redraw, "a second draw settles");
                if matches!(again, After::Write(_)) {
                    placed += 1;
                }
            }
            After::Nothing => {}
        }
        app.update(Action::PanelUp);
    }
    assert!(placed >= 1, "placed at least once");
    assert!(redraws >= 1, "scrolling moved or cut the picture");
}

#[test]
fn pictures_off_says_so() {
    let mut app = classified(30);
    app.set_pictures(Protocol::Off);
    let screen = render(&app, 80, 30);
    assert!(!screen.contains('▀'), "{screen}");
    assert!(
        screen.contains("the picture is not shown: pictures are off"),
        "{screen}"
    );
}

#[test]
fn half_blocks_need_no_overlay() {
    let app = classified(30);
    assert_eq!(app.pictures(), Protocol::HalfBlocks);
    let mut terminal = Terminal::new(TestBackend::new(80, 30)).expect("terminal");
    let mut overlay = Overlay::new(Protocol::HalfBlocks, None, false);
    let (after, at) = frame(&mut terminal, &mut overlay, &app);
    assert_eq!(after, After::Nothing);
    assert!(at.is_some(), "the half blocks are the picture");
}
