//! Editing a code cell: the cursor is a char index into the whole code, as in the input fields;
//! these move it by lines (keeping the column where the line is long enough), find a line's
//! start and end, and give what Enter and Tab insert (the line's indent, one level more after a
//! `:`). Pasted code keeps its line breaks; other control characters go.

/// Spaces one Tab inserts (PEP 8's indent).
pub const INDENT: &str = "    ";

/// The line (0-based) and column (in chars) of char index `at`.
pub fn line_col(code: &str, at: usize) -> (usize, usize) {
    let mut line = 0;
    let mut col = 0;
    for c in code.chars().take(at) {
        if c == '\n' {
            line += 1;
            col = 0;
        } else {
            col += 1;
        }
    }
    (line, col)
}

/// The char index of `line` (clamped to the last line), column `col` (clamped to its length).
fn index_of(code: &str, line: usize, col: usize) -> usize {
    let mut at = 0;
    for (i, text) in code.split('\n').enumerate() {
        let len = text.chars().count();
        if i == line {
            return at + col.min(len);
        }
        at += len + 1;
    }
    code.chars().count()
}

/// How many lines the code has (an empty code has one).
pub fn lines(code: &str) -> usize {
    code.split('\n').count()
}

/// The cursor one line up (the first line stays).
pub fn up(code: &str, at: usize) -> usize {
    let (line, col) = line_col(code, at);
    if line == 0 {
        return at;
    }
    index_of(code, line - 1, col)
}

/// The cursor one line down (the last line stays).
pub fn down(code: &str, at: usize) -> usize {
    let (line, col) = line_col(code, at);
    if line + 1 >= lines(code) {
        return at;
    }
    index_of(code, line + 1, col)
}

/// The start of the cursor's line.
pub fn line_start(code: &str, at: usize) -> usize {
    let (line, _) = line_col(code, at);
    index_of(code, line, 0)
}

/// The end of the cursor's line.
pub fn line_end(code: &str, at: usize) -> usize {
    let (line, _) = line_col(code, at);
    index_of(code, line, usize::MAX)
}

/// What Enter inserts at `at`: a line break, then the current line's indent, one level more when
/// the text before the cursor ends with `:` (after `def …:`, `for …:`, `if …:`).
pub fn new_line(code: &str, at: usize) -> String {
    let start = line_start(code, at);
    let before: String = code.chars().skip(start).take(at - start).collect();
    let indent: String = before.chars().take_while(|c| *c == ' ').collect();
    let more = if before.trim_end().ends_with(':') {
        INDENT
    } else {
        ""
    };
    format!("\n{indent}{more}")
}

/// Pasted text as code: CRLF and CR become line breaks, tabs become four spaces, other control
/// characters (escape sequences among them) are dropped.
pub fn clean_paste(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .replace('\t', INDENT)
        .chars()
        .filter(|c| *c == '\n' || !c.is_control())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "def f(x):\n    return x\n\nprint(f(1))";

    #[test]
    fn lines_and_columns() {
        assert_eq!(line_col(CODE, 0), (0, 0));
        assert_eq!(line_col(CODE, 10), (1, 0));
        assert_eq!(line_col(CODE, 14), (1, 4));
        assert_eq!(lines(CODE), 4);
        assert_eq!(lines(""), 1);
    }

    #[test]
    fn up_and_down_keep_the_column_where_they_can() {
        let at = 14; // line 1, col 4
        assert_eq!(line_col(CODE, down(CODE, at)), (2, 0)); // the empty line
        assert_eq!(line_col(CODE, up(CODE, at)), (0, 4));
        assert_eq!(up(CODE, 3), 3);
        let last = CODE.chars().count();
        assert_eq!(down(CODE, last), last);
    }

    #[test]
    fn line_ends() {
        assert_eq!(line_start(CODE, 14), 10);
        assert_eq!(line_end(CODE, 14), 22);
        assert_eq!(line_end(CODE, 0), 9);
    }

    #[test]
    fn enter_keeps_the_indent_and_adds_one_after_a_colon() {
        assert_eq!(new_line(CODE, 9), "\n    ");
        assert_eq!(new_line(CODE, 22), "\n    ");
        assert_eq!(new_line("x = 1", 5), "\n");
        assert_eq!(new_line("        y", 9), "\n        ");
    }

    #[test]
    fn pastes_keep_line_breaks_and_drop_escapes() {
        assert_eq!(clean_paste("a\r\n\tb\x1b]52;c;x\x07"), "a\n    b]52;c;x");
    }
}
