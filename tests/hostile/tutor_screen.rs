//! The full-screen tutor: text from a course can't send a control sequence to the terminal.
//! ratatui drops every grapheme holding a control character when it fills its buffer, so the
//! bytes the crossterm backend writes hold only ratatui's own sequences (cursor moves, colours).

use hftutor::progress::Progress;
use hftutor::shell::{self, Action, App};
use ratatui::backend::CrosstermBackend;
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};

use crate::common::*;

/// The bytes a crossterm terminal would receive for one frame of `app`, and the buffer's text.
fn frame_bytes(app: &App, width: u16, height: u16) -> (Vec<u8>, String) {
    let mut bytes = Vec::new();
    let mut symbols = String::new();
    {
        let backend = CrosstermBackend::new(&mut bytes);
        let options = TerminalOptions {
            viewport: Viewport::Fixed(Rect::new(0, 0, width, height)),
        };
        let mut terminal = Terminal::with_options(backend, options).expect("terminal");
        let frame = terminal.draw(|f| shell::draw(f, app)).expect("draw");
        for cell in frame.buffer.content() {
            symbols.push_str(cell.symbol());
        }
    }
    (bytes, symbols)
}

/// The escape sequences in `bytes` that are not CSI (`ESC [`): OSC, DCS, APC, … none of which
/// ratatui's crossterm backend writes for text. And any BEL or C1 control.
fn foreign_sequences(bytes: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(bytes);
    let mut found = Vec::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let next = chars.get(i + 1).copied();
        let bad = match c {
            '\x1b' => next != Some('['),
            '\x07' => true,
            c => ('\u{80}'..='\u{9f}').contains(&c),
        };
        if bad {
            found.push(chars[i..chars.len().min(i + 12)].iter().collect());
        }
    }
    found
}

#[test]
fn course_text_with_escape_sequences_never_reaches_the_terminal_raw() {
    let body = format!(
        "Some {OSC52} words \u{9b}31m and \x1b]0;title\x07.\n\n- item {OSC52}\n\n> quote \x1b[2J\n\n`code {OSC52}`\n\n```python\nprint('{OSC52}')\n```"
    );
    let text_ = lesson("", &body).replace(
        "title: A lesson",
        &format!("title: \"A lesson{OSC52_YAML}\""),
    );
    let dir = course("", &text_);
    let course = hftutor::course::load_dir(dir.path(), &hftutor::attempt::Rules)
        .unwrap_or_else(|p| panic!("the course loads: {p:?}"));
    let mut app = App::new(course, Progress::default(), None);
    app.update(Action::Resize(100, 40));
    let (before, _) = frame_bytes(&app, 100, 40);
    app.update(Action::OpenLesson(0));
    let (bytes, symbols) = frame_bytes(&app, 100, 40);
    assert!(
        symbols.contains("words"),
        "the lesson is on screen: {symbols}"
    );
    for b in [&before, &bytes] {
        assert_eq!(foreign_sequences(b), Vec::<String>::new());
        // The ESC of the clear-screen in the quote is not written either: every ESC is
        // ratatui's (a cursor move `ESC [ row ; col H` or a colour `ESC [ … m`).
        assert!(!String::from_utf8_lossy(b).contains("\x1b[2J"));
    }
    // And the lesson shows them, as `cat -v` would.
    assert!(
        symbols.contains("Some ^[]52;c;aGVsbG8=^G words <U+009B>31m"),
        "{symbols}"
    );
    assert!(
        !symbols.chars().any(char::is_control),
        "no control character in any cell"
    );
}
