//! The one terminal-safe text path: text from a course, a student's file, a model or a tokenizer
//! is shown with its control characters made visible, so nothing it holds can be interpreted by
//! the terminal (an OSC 52 clipboard write, a window title, a cursor move).
//!
//! The notation is `cat -v`'s for C0 and DEL, and a code point for C1:
//! - C0 controls U+0000–U+001F: caret notation, `^@` … `^_` (ESC is `^[`, BEL `^G`, CR `^M`);
//!   [`text`] keeps `\n` and `\t` (a layout needs them), [`line`] shows them too (`^J`, `^I`).
//! - DEL U+007F: `^?`.
//! - C1 controls U+0080–U+009F (CSI is U+009B, OSC U+009D): `<U+009B>`. `cat -v` writes the
//!   bytes of their UTF-8 form (`M-BM-^[`), which says less.
//!
//! Both functions are idempotent (their output has no control characters) and borrow when the
//! text has nothing to show, which is the common case. JSON needs only [`json`]: serde_json
//! escapes C0 controls but writes DEL and C1 raw, which [`json`] escapes as `\u…`.

use std::borrow::Cow;

/// Whether `c` is a character a terminal may act on (C0, DEL, C1).
fn is_control(c: char) -> bool {
    c.is_control()
}

fn show(c: char, out: &mut String) {
    match c as u32 {
        n @ 0..=0x1f => {
            out.push('^');
            out.push(char::from(b'@' + n as u8));
        }
        0x7f => out.push_str("^?"),
        n => out.push_str(&format!("<U+{n:04X}>")),
    }
}

fn shown(s: &str, keep: impl Fn(char) -> bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_control(c) && !keep(c)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_control(c) && !keep(c) {
            show(c, &mut out);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// `s` for a terminal, keeping line breaks and tabs: every other control character is shown.
pub fn text(s: &str) -> Cow<'_, str> {
    shown(s, |c| c == '\n' || c == '\t')
}

/// `s` for one cell or one line: every control character is shown, `\n` and `\t` included.
pub fn line(s: &str) -> Cow<'_, str> {
    shown(s, |_| false)
}

/// JSON text (as serde_json writes it) with DEL and C1 controls escaped as `\u007f` … `\u009f`.
/// Outside strings JSON is ASCII, so this only touches string contents and keeps their meaning.
pub fn json(s: &str) -> Cow<'_, str> {
    let raw = |c: char| matches!(c as u32, 0x7f..=0x9f);
    if !s.chars().any(raw) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if raw(c) {
            out.push_str(&format!("\\u{:04x}", c as u32));
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_are_shown_and_text_is_kept() {
        assert_eq!(text("\x1b]52;c;aGVsbG8=\x07"), "^[]52;c;aGVsbG8=^G");
        assert_eq!(text("a\tb\nc\r\0\x7f"), "a\tb\nc^M^@^?");
        assert_eq!(line("a\tb\nc"), "a^Ib^Jc");
        assert_eq!(text("\u{9b}31m \u{9d}0;t"), "<U+009B>31m <U+009D>0;t");
        assert_eq!(text("héllo — ünïcode 🙂"), "héllo — ünïcode 🙂");
        assert!(matches!(text("plain"), Cow::Borrowed(_)));
        // Idempotent.
        let once = text("\x1b[2J\u{85}").into_owned();
        assert_eq!(text(&once), once);
    }

    #[test]
    fn json_escapes_what_serde_json_leaves_raw() {
        let s = serde_json::to_string("\x1b]0;t\x07\u{9b}\u{7f}").expect("json");
        assert_eq!(json(&s), r#""\u001b]0;t\u0007\u009b\u007f""#);
        let back: String = serde_json::from_str(&json(&s)).expect("parse");
        assert_eq!(back, "\x1b]0;t\x07\u{9b}\u{7f}");
    }
}
