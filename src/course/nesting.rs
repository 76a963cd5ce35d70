//! Nesting budgets, checked in one linear pass before the expensive ones: Markdown containers
//! (block quotes and lists, which the tutor's renderer lays out at a cost that grows with the
//! square of the depth: 10,000 `>` in a 10 KB lesson took 2 GB) and YAML flow collections
//! (`[[[[…` in front matter or a block, which the YAML parsers took minutes to refuse).
//! Real lessons nest a few levels; the budgets are many times that.

/// The deepest Markdown nesting (block quotes plus list levels) a lesson may have.
pub const MAX_MARKDOWN_DEPTH: usize = 16;
/// The deepest nesting of YAML flow collections (`[ … ]`, `{ … }`) a piece of YAML may have.
pub const MAX_YAML_FLOW_DEPTH: usize = 32;

/// Where nesting first went past its budget, 1-based in the text given, and how deep it went there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooDeep {
    pub line: usize,
    pub col: usize,
    pub depth: usize,
}

impl TooDeep {
    pub fn markdown_message(&self) -> String {
        format!(
            "Markdown nested {} levels deep here (block quotes `>` and lists inside each other); \
             a lesson may nest at most {MAX_MARKDOWN_DEPTH}: use fewer `>` or list levels",
            self.depth
        )
    }

    pub fn yaml_message(&self) -> String {
        format!(
            "YAML nested more than {MAX_YAML_FLOW_DEPTH} levels deep here (`[` and `{{` inside \
             each other); course settings need a few: flatten the lists or maps"
        )
    }
}

/// A list marker at the start of `s` (`-`, `+`, `*`, or 1–9 digits then `.` or `)`), followed
/// by a space, a tab or the end of the line: its length with the spaces after it (1 to 4).
fn list_marker(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mark = match b.first()? {
        b'-' | b'+' | b'*' => 1,
        b'0'..=b'9' => {
            let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
            if digits > 9 || !matches!(b.get(digits), Some(b'.' | b')')) {
                return None;
            }
            digits + 1
        }
        _ => return None,
    };
    match b.get(mark) {
        None => Some(mark + 1),
        Some(b' ' | b'\t') => {
            let spaces = b[mark..].iter().take_while(|c| **c == b' ').count();
            // Five or more spaces: the item's text is indented code, one space is the marker's.
            Some(mark + if (1..=4).contains(&spaces) { spaces } else { 1 })
        }
        _ => None,
    }
}

/// A code fence (three or more backticks or tildes): its character and length.
fn fence(s: &str) -> Option<(u8, usize)> {
    let ch = *s.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let n = s.bytes().take_while(|&c| c == ch).count();
    (n >= 3).then_some((ch, n))
}

/// The first place the Markdown `lines` nest deeper than [`MAX_MARKDOWN_DEPTH`]. Fenced code is
/// skipped; list levels follow indentation as CommonMark does (an item inside another starts at
/// or past its text's column). Lazy continuation lines may under-count a level, never over.
pub fn markdown(lines: &[&str]) -> Option<TooDeep> {
    // The open code fence: its character, length, and the quote depth it is in.
    let mut open_fence: Option<(u8, usize, usize)> = None;
    // Content columns of the open list items, outermost first, and the quote depth they are in.
    let mut items: Vec<usize> = Vec::new();
    let mut items_quotes = 0;
    for (n, line) in lines.iter().enumerate() {
        let bytes = line.as_bytes();
        let mut at = 0;
        let mut quotes = 0;
        // Inside fenced code, only the quotes the fence is in are markers.
        let quote_limit = open_fence.map_or(usize::MAX, |(_, _, q)| q);
        while quotes < quote_limit {
            let spaces = bytes[at..]
                .iter()
                .take(4)
                .take_while(|c| **c == b' ')
                .count();
            if spaces <= 3 && bytes.get(at + spaces) == Some(&b'>') {
                quotes += 1;
                let gt = at + spaces;
                at = gt + 1;
                if bytes.get(at) == Some(&b' ') {
                    at += 1;
                }
                if quotes > MAX_MARKDOWN_DEPTH {
                    return Some(TooDeep {
                        line: n + 1,
                        col: gt + 1,
                        depth: quotes + count_rest(&bytes[at..]),
                    });
                }
            } else {
                break;
            }
        }
        let rest = &line[at..];
        let indent = rest.len() - rest.trim_start_matches(' ').len();
        let text = &rest[indent..];
        if let Some((ch, len, _)) = open_fence {
            if indent <= 3 && fence(text).is_some_and(|(c, l)| c == ch && l >= len) {
                open_fence = None;
            }
            continue;
        }
        if text.is_empty() {
            continue;
        }
        if quotes != items_quotes {
            items.clear();
            items_quotes = quotes;
        }
        // The items this line is not inside.
        while items.last().is_some_and(|&c| indent < c) {
            items.pop();
        }
        if items.is_empty() || indent < items.last().copied().unwrap_or(0) + 4 {
            if let Some((ch, len)) = fence(text) {
                open_fence = Some((ch, len, quotes));
                continue;
            }
        }
        // Markers at the start of the line, and any right after (`- - - item`).
        let mut col = indent;
        let mut s = text;
        while let Some(len) = list_marker(s) {
            items.push(col + len);
            if quotes + items.len() > MAX_MARKDOWN_DEPTH {
                return Some(TooDeep {
                    line: n + 1,
                    col: at + col + 1,
                    depth: quotes + items.len() + count_rest(&s.as_bytes()[len.min(s.len())..]),
                });
            }
            col += len;
            s = &s[len.min(s.len())..];
        }
    }
    None
}

/// More `>` and list markers after the budget was passed, for the message (a rough count).
fn count_rest(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&c| c == b'>').count()
}

/// The first place the YAML `text` nests flow collections deeper than [`MAX_YAML_FLOW_DEPTH`].
/// Quoted strings and comments are skipped; a bracket inside a plain scalar counts, which can
/// only over-count prose holding dozens of unclosed `[`.
pub fn yaml_flow(text: &str) -> Option<TooDeep> {
    let mut depth = 0usize;
    let (mut line, mut col) = (1, 0);
    let mut quote: Option<char> = None;
    let mut escaped = false;
    let mut comment = false;
    let mut prev = '\n';
    for c in text.chars() {
        if c == '\n' {
            line += 1;
            col = 0;
            comment = false;
            prev = c;
            // Quoted scalars may span lines; a single-quoted one keeps going.
            continue;
        }
        col += 1;
        if comment {
            continue;
        }
        match quote {
            Some('"') => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == '"' {
                    quote = None;
                }
            }
            Some(_) => {
                if c == '\'' {
                    quote = None;
                }
            }
            None => match c {
                '#' if prev.is_whitespace() => comment = true,
                '"' | '\'' if !prev.is_alphanumeric() => quote = Some(c),
                '[' | '{' => {
                    depth += 1;
                    if depth > MAX_YAML_FLOW_DEPTH {
                        return Some(TooDeep { line, col, depth });
                    }
                }
                ']' | '}' => depth = depth.saturating_sub(1),
                _ => {}
            },
        }
        prev = c;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn md(text: &str) -> Option<TooDeep> {
        let lines: Vec<&str> = text.lines().collect();
        markdown(&lines)
    }

    #[test]
    fn ordinary_lessons_are_within_budget() {
        assert_eq!(
            md("# T\n\n> a quote\n> > nested\n\n- a\n  - b\n    - c\n1. one\n2. two\n\n```\n>>>>>>>>>>>>>>>>>>>>>>>>\n```\n"),
            None
        );
        // Sixteen levels are fine, seventeen are not.
        assert_eq!(md(&format!("{} x", ">".repeat(16))), None);
        let deep = md(&format!("text\n{} x", ">".repeat(17))).expect("too deep");
        assert_eq!((deep.line, deep.col, deep.depth), (2, 17, 17));
        assert_eq!(
            md(&format!("{}x", "> ".repeat(10_000))).map(|d| d.line),
            Some(1)
        );
    }

    #[test]
    fn lists_nest_by_indentation_and_on_one_line() {
        let stairs: String = (0..20)
            .map(|i| format!("{}- item\n", "  ".repeat(i)))
            .collect();
        let deep = md(&stairs).expect("too deep");
        assert_eq!((deep.line, deep.col), (17, 33));
        // Siblings at one level are not nesting, however many.
        let flat: String = (0..100).map(|_| "- item\n").collect();
        assert_eq!(md(&flat), None);
        assert!(md(&format!("{}item", "- ".repeat(17))).is_some());
        assert!(md(&format!("{}> {}item", "> ".repeat(8), "- ".repeat(9))).is_some());
        assert_eq!(
            md(&format!("{}> {}item", "> ".repeat(8), "- ".repeat(7))),
            None
        );
    }

    #[test]
    fn yaml_flow_depth_is_counted_outside_strings_and_comments() {
        assert_eq!(yaml_flow("a: [1, [2, {b: [3]}]]\n"), None);
        assert_eq!(yaml_flow(&format!("a: \"{}\"\n", "[".repeat(100))), None);
        assert_eq!(yaml_flow(&format!("a: '{}'\n", "[".repeat(100))), None);
        assert_eq!(yaml_flow(&format!("a: 1 # {}\n", "[".repeat(100))), None);
        assert_eq!(
            yaml_flow(&format!("a: {}1{}\n", "[".repeat(32), "]".repeat(32))),
            None
        );
        let deep = yaml_flow(&format!("x: 1\na: {}1\n", "[".repeat(50_000))).expect("too deep");
        assert_eq!((deep.line, deep.col), (2, 36));
    }
}
