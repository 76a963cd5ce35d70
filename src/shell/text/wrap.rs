//! Word wrapping of styled text into terminal lines, with a prefix for the first line and another
//! for the rest (list bullets, quote bars, indents). Widths are display columns.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// Display width of a string in terminal columns.
pub fn width(s: &str) -> usize {
    Span::raw(s).width()
}

/// Display width of one char.
fn char_width(c: char) -> usize {
    let mut buf = [0u8; 4];
    width(c.encode_utf8(&mut buf))
}

/// A piece of text and its style; a run of these without spaces is one word.
type Piece = (String, Style);

enum Token {
    Word(Vec<Piece>),
    Space(Style),
    Break,
}

fn tokenize(spans: &[Span<'static>]) -> Vec<Token> {
    let mut tokens = Vec::new();
    let mut word: Vec<Piece> = Vec::new();
    let flush = |word: &mut Vec<Piece>, tokens: &mut Vec<Token>| {
        if !word.is_empty() {
            tokens.push(Token::Word(std::mem::take(word)));
        }
    };
    for span in spans {
        let mut current = String::new();
        for c in span.content.chars() {
            if c == '\n' || c == ' ' || c == '\t' {
                if !current.is_empty() {
                    word.push((std::mem::take(&mut current), span.style));
                }
                flush(&mut word, &mut tokens);
                tokens.push(if c == '\n' {
                    Token::Break
                } else {
                    Token::Space(span.style)
                });
            } else {
                current.push(c);
            }
        }
        if !current.is_empty() {
            word.push((current, span.style));
        }
    }
    flush(&mut word, &mut tokens);
    tokens
}

struct Builder {
    width: usize,
    rest: Vec<Span<'static>>,
    lines: Vec<Line<'static>>,
    spans: Vec<Span<'static>>,
    used: usize,
    /// True while the current line holds only its prefix.
    fresh: bool,
    pending_space: Option<Style>,
}

impl Builder {
    fn start(&mut self, prefix: &[Span<'static>]) {
        self.spans = prefix.to_vec();
        self.used = prefix.iter().map(|s| s.width()).sum();
        self.fresh = true;
        self.pending_space = None;
    }

    fn newline(&mut self) {
        let spans = std::mem::take(&mut self.spans);
        self.lines.push(Line::from(spans));
        let rest = self.rest.clone();
        self.start(&rest);
    }

    fn push(&mut self, text: String, style: Style) {
        self.used += width(&text);
        match self.spans.last_mut() {
            // Never merge text into the prefix's last span.
            Some(last) if last.style == style && !self.fresh => {
                last.content.to_mut().push_str(&text)
            }
            _ => self.spans.push(Span::styled(text, style)),
        }
        self.fresh = false;
    }

    fn word(&mut self, pieces: Vec<Piece>) {
        let w: usize = pieces.iter().map(|(t, _)| width(t)).sum();
        let space = usize::from(self.pending_space.is_some() && !self.fresh);
        if !self.fresh && self.used + space + w > self.width {
            self.newline();
        }
        if let Some(style) = self.pending_space.take() {
            if !self.fresh {
                self.push(" ".to_string(), style);
            }
        }
        let room = self.width.saturating_sub(self.used);
        if w <= room || self.width <= self.used {
            for (text, style) in pieces {
                self.push(text, style);
            }
            return;
        }
        // Longer than a whole line: cut it char by char. The chunk's width is kept as it grows
        // (measuring it again at each char was quadratic: 200,000 zero-width chars took minutes).
        for (text, style) in pieces {
            let mut chunk = String::new();
            let mut chunk_w = 0;
            for c in text.chars() {
                let cw = char_width(c);
                if self.used + chunk_w + cw > self.width && (!chunk.is_empty() || !self.fresh) {
                    if !chunk.is_empty() {
                        self.push(std::mem::take(&mut chunk), style);
                        chunk_w = 0;
                    }
                    self.newline();
                }
                chunk.push(c);
                chunk_w += cw;
            }
            if !chunk.is_empty() {
                self.push(chunk, style);
            }
        }
    }
}

/// Wraps `spans` to `width` columns, breaking at spaces (and at `\n`). The first line starts with
/// `first`, the others with `rest`. Words longer than a line are cut. Always returns ≥ 1 line.
pub fn wrap(
    spans: &[Span<'static>],
    width: usize,
    first: &[Span<'static>],
    rest: &[Span<'static>],
) -> Vec<Line<'static>> {
    let mut b = Builder {
        width: width.max(1),
        rest: rest.to_vec(),
        lines: Vec::new(),
        spans: Vec::new(),
        used: 0,
        fresh: true,
        pending_space: None,
    };
    b.start(first);
    for token in tokenize(spans) {
        match token {
            Token::Word(pieces) => b.word(pieces),
            Token::Space(style) => {
                if !b.fresh {
                    b.pending_space = Some(style);
                }
            }
            Token::Break => b.newline(),
        }
    }
    let spans = std::mem::take(&mut b.spans);
    b.lines.push(Line::from(spans));
    b.lines
}

/// Wraps plain text in one style, with no prefix.
pub fn wrap_plain(text: &str, style: Style, width: usize) -> Vec<Line<'static>> {
    wrap(&[Span::styled(text.to_string(), style)], width, &[], &[])
}

/// Cuts a string to at most `max` columns, ending with `…` when cut.
pub fn truncate(s: &str, max: usize) -> String {
    if width(s) <= max {
        return s.to_string();
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = char_width(c);
        if used + cw + 1 > max {
            break;
        }
        out.push(c);
        used += cw;
    }
    if max > 0 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line<'static>]) -> Vec<String> {
        lines
            .iter()
            .map(|l| l.spans.iter().map(|s| s.content.as_ref()).collect())
            .collect()
    }

    #[test]
    fn wraps_at_spaces_with_prefixes() {
        let spans = [Span::raw("one two three four five")];
        let lines = wrap(&spans, 10, &[Span::raw("- ")], &[Span::raw("  ")]);
        assert_eq!(
            text(&lines),
            vec!["- one two", "  three", "  four", "  five"]
        );
    }

    #[test]
    fn cuts_long_words_and_keeps_styled_words_whole() {
        let lines = wrap(&[Span::raw("abcdefghij")], 4, &[], &[]);
        assert_eq!(text(&lines), vec!["abcd", "efgh", "ij"]);
        let spans = [
            Span::raw("aa "),
            Span::styled("bb", Style::new().bold()),
            Span::raw("cc dd"),
        ];
        let lines = wrap(&spans, 5, &[], &[]);
        assert_eq!(text(&lines), vec!["aa", "bbcc", "dd"]);
    }

    #[test]
    fn breaks_on_newlines_and_truncates() {
        let lines = wrap(&[Span::raw("a\nb")], 10, &[], &[]);
        assert_eq!(text(&lines), vec!["a", "b"]);
        assert_eq!(truncate("hello world", 6), "hello…");
        assert_eq!(truncate("hi", 6), "hi");
    }
}
