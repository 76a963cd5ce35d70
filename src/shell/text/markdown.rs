//! Markdown (pulldown-cmark) → wrapped, styled ratatui lines: headings, emphasis/strong,
//! strikethrough, inline and fenced code, bullet and numbered lists (nested), block quotes, rules,
//! tables (see `table.rs`), links shown with their URL, images as their alt text.

use crate::shell::text::theme::Theme;
use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};

use crate::shell::text::table::Table;
use crate::shell::text::wrap::{self, wrap};

/// A container the text sits in: each adds its own prefix.
enum Container {
    Quote,
    List { next: Option<u64> },
    Item { bullet: String, used: bool },
}

struct Renderer {
    width: usize,
    lines: Vec<Line<'static>>,
    inline: Vec<Span<'static>>,
    styles: Vec<Style>,
    containers: Vec<Container>,
    links: Vec<String>,
    code: Option<String>,
    table: Option<Table>,
    gap: bool,
    theme: Theme,
}

/// Renders Markdown to lines at most `width` columns wide, styled in `theme`.
pub fn render(markdown: &str, width: usize, theme: Theme) -> Vec<Line<'static>> {
    let mut r = Renderer {
        width: width.max(8),
        lines: Vec::new(),
        inline: Vec::new(),
        styles: vec![Style::new()],
        containers: Vec::new(),
        links: Vec::new(),
        code: None,
        table: None,
        gap: false,
        theme,
    };
    let parser = Parser::new_ext(
        markdown,
        Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES,
    );
    for event in parser {
        r.event(event);
    }
    r.flush();
    r.lines
}

/// Lesson text with its control characters shown (`^[`), as the CLI shows them: ratatui would
/// drop them silently. A CR before a line break (a lesson saved on Windows) is only a line end.
fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if text.contains('\r') {
        let text = text.replace("\r\n", "\n");
        std::borrow::Cow::Owned(crate::present::safe::text(&text).into_owned())
    } else {
        crate::present::safe::text(text)
    }
}

fn bullet_for(depth: usize) -> &'static str {
    match depth {
        0 => "• ",
        1 => "◦ ",
        _ => "▪ ",
    }
}

impl Renderer {
    fn style(&self) -> Style {
        self.styles.last().copied().unwrap_or_default()
    }

    fn push_style(&mut self, f: impl FnOnce(Style) -> Style) {
        let s = f(self.style());
        self.styles.push(s);
    }

    fn pop_style(&mut self) {
        if self.styles.len() > 1 {
            self.styles.pop();
        }
    }

    fn text(&mut self, text: &str) {
        let text = &*visible(text);
        if let Some(code) = self.code.as_mut() {
            code.push_str(text);
            return;
        }
        let style = self.style();
        self.inline.push(Span::styled(text.to_string(), style));
    }

    /// The prefixes (first line, other lines) the current containers give.
    fn prefixes(&mut self) -> (Vec<Span<'static>>, Vec<Span<'static>>) {
        let th = self.theme;
        let mut first = Vec::new();
        let mut rest = Vec::new();
        let innermost_item = self
            .containers
            .iter()
            .rposition(|c| matches!(c, Container::Item { .. }));
        for (i, c) in self.containers.iter_mut().enumerate() {
            match c {
                Container::Quote => {
                    let bar = Span::styled("│ ", th.quote());
                    first.push(bar.clone());
                    rest.push(bar);
                }
                Container::List { .. } => {}
                Container::Item { bullet, used } => {
                    let pad = " ".repeat(wrap::width(bullet));
                    if Some(i) == innermost_item && !*used {
                        first.push(Span::styled(bullet.clone(), th.bullet()));
                        *used = true;
                    } else {
                        first.push(Span::raw(pad.clone()));
                    }
                    rest.push(Span::raw(pad));
                }
            }
        }
        (first, rest)
    }

    fn gap_line(&mut self) {
        let th = self.theme;
        if self.gap && !self.lines.is_empty() {
            let spans: Vec<Span<'static>> = self
                .containers
                .iter()
                .filter(|c| matches!(c, Container::Quote))
                .map(|_| Span::styled("│", th.quote()))
                .collect();
            self.lines.push(Line::from(spans));
        }
        self.gap = false;
    }

    /// Writes the pending inline text as a wrapped block.
    fn flush(&mut self) {
        if self.inline.iter().all(|s| s.content.trim().is_empty()) {
            self.inline.clear();
            return;
        }
        self.gap_line();
        let spans = std::mem::take(&mut self.inline);
        let (first, rest) = self.prefixes();
        let lines = wrap(&spans, self.width, &first, &rest);
        self.lines.extend(lines);
    }

    fn code_block(&mut self, code: String) {
        let th = self.theme;
        self.gap_line();
        let (first, rest) = self.prefixes();
        let style = th.code();
        let body = code.strip_suffix('\n').unwrap_or(&code);
        for (i, line) in body.split('\n').enumerate() {
            let mut prefix = if i == 0 { first.clone() } else { rest.clone() };
            prefix.push(Span::styled("  ", style));
            let cont: Vec<Span<'static>> = {
                let mut r = rest.clone();
                r.push(Span::styled("  ", style));
                r
            };
            // Code keeps its spaces: cut long lines rather than word-wrap them.
            let mut lines = cut(line, self.width, &prefix, &cont, style);
            self.lines.append(&mut lines);
        }
        self.gap = true;
    }

    fn event(&mut self, event: Event<'_>) {
        let th = self.theme;
        match event {
            Event::Start(tag) => self.start(tag),
            Event::End(tag) => self.end(tag),
            Event::Text(t) => self.text(&t),
            Event::Code(t) => {
                let style = self.style().patch(th.code());
                self.inline
                    .push(Span::styled(visible(&t).into_owned(), style));
            }
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
            Event::Html(t) | Event::InlineHtml(t) => self.text(&t),
            Event::FootnoteReference(t) => self.text(&format!("[{t}]")),
            Event::SoftBreak => self.text(" "),
            Event::HardBreak => self.text("\n"),
            Event::Rule => {
                self.flush();
                self.gap_line();
                let w = self.width.min(40);
                self.lines.push(Line::styled("─".repeat(w), th.dim()));
                self.gap = true;
            }
            Event::TaskListMarker(done) => self.text(if done { "[x] " } else { "[ ] " }),
        }
    }

    fn start(&mut self, tag: Tag<'_>) {
        let th = self.theme;
        match tag {
            Tag::Paragraph => self.flush(),
            Tag::Heading { level, .. } => {
                self.flush();
                self.gap = !self.lines.is_empty();
                let style = match level {
                    HeadingLevel::H1 => th.h1(),
                    HeadingLevel::H2 => th.h2(),
                    _ => th.h3(),
                };
                self.push_style(|s| s.patch(style));
            }
            Tag::BlockQuote(_) => {
                self.flush();
                // The gap before a quote belongs outside it.
                self.gap = !self.lines.is_empty();
                self.gap_line();
                self.containers.push(Container::Quote);
                self.push_style(|s| s.patch(th.quote_text()));
            }
            Tag::CodeBlock(_) => {
                self.flush();
                self.code = Some(String::new());
            }
            Tag::List(start) => {
                self.flush();
                let nested = self
                    .containers
                    .iter()
                    .any(|c| matches!(c, Container::Item { .. }));
                if !nested {
                    self.gap = !self.lines.is_empty();
                }
                self.containers.push(Container::List { next: start });
            }
            Tag::Item => {
                self.flush();
                let depth = self
                    .containers
                    .iter()
                    .filter(|c| matches!(c, Container::List { .. }))
                    .count();
                let bullet = match self
                    .containers
                    .iter_mut()
                    .rev()
                    .find(|c| matches!(c, Container::List { .. }))
                {
                    Some(Container::List { next: Some(n) }) => {
                        let b = format!("{n}. ");
                        *n += 1;
                        b
                    }
                    _ => bullet_for(depth.saturating_sub(1)).to_string(),
                };
                self.containers.push(Container::Item {
                    bullet,
                    used: false,
                });
            }
            Tag::Table(_) => {
                self.flush();
                self.gap = !self.lines.is_empty();
                self.table = Some(Table {
                    theme: self.theme,
                    ..Table::default()
                });
            }
            Tag::TableCell => self.inline.clear(),
            Tag::Emphasis => self.push_style(|s| s.add_modifier(Modifier::ITALIC)),
            Tag::Strong => self.push_style(|s| s.add_modifier(Modifier::BOLD)),
            Tag::Strikethrough => self.push_style(|s| s.add_modifier(Modifier::CROSSED_OUT)),
            Tag::Link { dest_url, .. } => {
                self.links.push(dest_url.to_string());
                self.push_style(|s| s.patch(th.link()));
            }
            Tag::Image { dest_url, .. } => {
                self.links.push(dest_url.to_string());
                self.text("[image: ");
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        let th = self.theme;
        match tag {
            TagEnd::Paragraph => {
                self.flush();
                self.gap = true;
            }
            TagEnd::Heading(_) => {
                self.flush();
                self.pop_style();
                self.gap = true;
            }
            TagEnd::BlockQuote(_) => {
                self.flush();
                self.containers.pop();
                self.pop_style();
                self.gap = true;
            }
            TagEnd::CodeBlock => {
                if let Some(code) = self.code.take() {
                    self.code_block(code);
                }
            }
            TagEnd::List(_) => {
                self.flush();
                self.containers.pop();
                let nested = self
                    .containers
                    .iter()
                    .any(|c| matches!(c, Container::Item { .. }));
                if !nested {
                    self.gap = true;
                }
            }
            TagEnd::Item => {
                self.flush();
                self.containers.pop();
            }
            TagEnd::TableCell => {
                let cell = std::mem::take(&mut self.inline);
                if let Some(t) = self.table.as_mut() {
                    t.end_cell(cell);
                }
            }
            TagEnd::TableHead | TagEnd::TableRow => {
                if let Some(t) = self.table.as_mut() {
                    t.end_row(tag == TagEnd::TableHead);
                }
            }
            TagEnd::Table => {
                if let Some(t) = self.table.take() {
                    self.gap_line();
                    let (_, rest) = self.prefixes();
                    let lines = t.render(self.width, &rest);
                    self.lines.extend(lines);
                    self.gap = true;
                }
            }
            TagEnd::Emphasis | TagEnd::Strong | TagEnd::Strikethrough => self.pop_style(),
            TagEnd::Link => {
                self.pop_style();
                let url = self.links.pop().unwrap_or_default();
                let shown: String = self.inline_tail_text();
                if !url.is_empty() && shown != url && !url.starts_with('#') {
                    self.inline
                        .push(Span::styled(format!(" ({url})"), th.dim()));
                }
            }
            TagEnd::Image => {
                self.links.pop();
                self.text("]");
            }
            _ => {}
        }
    }

    /// The text of the trailing link-styled spans (to skip repeating an autolink's URL).
    fn inline_tail_text(&self) -> String {
        let th = self.theme;
        let link = th.link();
        let mut parts: Vec<&str> = self
            .inline
            .iter()
            .rev()
            .take_while(|s| {
                s.style.fg == link.fg && s.style.add_modifier.contains(Modifier::UNDERLINED)
            })
            .map(|s| s.content.as_ref())
            .collect();
        parts.reverse();
        parts.concat()
    }
}

/// Cuts a code line into pieces that fit, keeping every space.
fn cut(
    line: &str,
    width: usize,
    first: &[Span<'static>],
    rest: &[Span<'static>],
    style: Style,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let mut prefix = first.to_vec();
    let mut chunk = String::new();
    let prefix_w = |p: &[Span<'static>]| p.iter().map(|s| s.width()).sum::<usize>();
    let mut room = width.saturating_sub(prefix_w(&prefix)).max(1);
    let line = line.replace('\t', "    ");
    // The chunk's width is kept as it grows (measured again per char, it was quadratic).
    let mut chunk_w = 0;
    for c in line.chars() {
        let mut buf = [0u8; 4];
        let cw = wrap::width(c.encode_utf8(&mut buf));
        if chunk_w + cw > room && !chunk.is_empty() {
            let mut spans = std::mem::replace(&mut prefix, rest.to_vec());
            spans.push(Span::styled(std::mem::take(&mut chunk), style));
            out.push(Line::from(spans));
            room = width.saturating_sub(prefix_w(&prefix)).max(1);
            chunk_w = 0;
        }
        chunk.push(c);
        chunk_w += cw;
    }
    let mut spans = prefix;
    spans.push(Span::styled(chunk, style));
    out.push(Line::from(spans));
    out
}

/// A plain-text view of rendered lines (for tests and for measuring).
pub fn plain(lines: &[Line<'_>]) -> Vec<String> {
    lines
        .iter()
        .map(|l| {
            l.spans
                .iter()
                .map(|s| s.content.as_ref())
                .collect::<String>()
        })
        .collect()
}

#[cfg(test)]
#[path = "markdown_tests.rs"]
mod tests;
