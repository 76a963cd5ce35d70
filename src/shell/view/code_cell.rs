//! A code cell in the exercise panel: the editor (line numbers, Python coloured by Ruff's
//! tokenizer, the cursor, scrolled so it stays in view) and the output pane (what `print`
//! wrote, the last expression's value, the traceback, hftutor's notes). Everything shown passes
//! through `present::safe` first: a lesson's starter or a model's text can hold escape codes.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::present::safe;
use crate::python::code_text::{self, Class};
use crate::python::CellRun;
use crate::shell::strings;
use crate::shell::text::theme::Theme;
use crate::shell::text::wrap::{self, wrap_plain};

/// The most code lines the editor shows at once (the rest scroll with the cursor).
pub const EDITOR_LINES: usize = 14;

/// Code lines shown in a terminal `height` rows high: a third of it (6 at 60×20, 8 at 80×24,
/// 10 at 100×30, never more than `EDITOR_LINES`), so the output pane has room too.
pub(super) fn editor_rows(height: u16) -> usize {
    (usize::from(height) / 3).clamp(3, EDITOR_LINES)
}

/// One char of code as drawn.
struct Cell {
    text: String,
    width: usize,
    class: Class,
}

/// The editor's lines, and the cursor's (line, column) among them when `cursor` is set.
pub(super) fn editor(
    code: &str,
    cursor: Option<usize>,
    width: usize,
    max_lines: usize,
    th: Theme,
) -> (Vec<Line<'static>>, Option<(usize, usize)>) {
    let lines = per_line(code);
    let digits = lines.len().to_string().len();
    let gutter_w = digits + 3;
    let room = width.saturating_sub(gutter_w).max(1);
    let (cursor_line, cursor_col) = match cursor {
        Some(at) => {
            let (l, c) = crate::shell::text::code_edit::line_col(code, at);
            (Some(l), c)
        }
        None => (None, 0),
    };
    let max_lines = max_lines.max(1);
    let first = match cursor_line {
        Some(l) if l + 1 > max_lines => l + 1 - max_lines,
        _ => 0,
    };
    let mut out = Vec::new();
    let mut at = None;
    if first > 0 {
        out.push(Line::styled(strings::code_lines_above(first), th.dim()));
    }
    for (i, cells) in lines.iter().enumerate().skip(first).take(max_lines) {
        let mut spans = vec![Span::styled(format!("{:>digits$} │ ", i + 1), th.gutter())];
        let here = cursor_line == Some(i);
        // Scroll a long cursor line so the cursor shows; cut other long lines with "…".
        let col_w: usize = cells.iter().take(cursor_col).map(|c| c.width).sum();
        let mut skip_w = if here && col_w + 1 > room {
            col_w + 1 - room
        } else {
            0
        };
        let mut used = 0;
        let mut cut = false;
        for (j, cell) in cells.iter().enumerate() {
            if skip_w > 0 {
                skip_w = skip_w.saturating_sub(cell.width);
                continue;
            }
            let reserve = usize::from(!here && j + 1 < cells.len());
            if used + cell.width + reserve > room {
                cut = !here;
                break;
            }
            let style = if here && j == cursor_col {
                at = Some((out.len(), gutter_w + used));
                th.cursor()
            } else {
                th.syntax(cell.class)
            };
            spans.push(Span::styled(cell.text.clone(), style));
            used += cell.width;
        }
        if cut {
            spans.push(Span::styled("…", th.dim()));
        }
        if here && cursor_col >= cells.len() {
            at = Some((out.len(), gutter_w + used));
            spans.push(Span::styled(" ", th.cursor()));
        }
        out.push(Line::from(spans));
    }
    let below = lines.len().saturating_sub(first + max_lines);
    if below > 0 {
        out.push(Line::styled(strings::code_lines_below(below), th.dim()));
    }
    (out, at)
}

/// The code's chars by line, each with its class and how it is drawn.
fn per_line(code: &str) -> Vec<Vec<Cell>> {
    let mut class_at = vec![Class::Plain; code.len()];
    for (range, class) in code_text::classes(code) {
        for c in class_at.iter_mut().take(range.end).skip(range.start) {
            *c = class;
        }
    }
    let mut lines = vec![Vec::new()];
    for (byte, c) in code.char_indices() {
        if c == '\n' {
            lines.push(Vec::new());
            continue;
        }
        let text = if c == '\t' {
            " ".to_string()
        } else {
            safe::line(&c.to_string()).into_owned()
        };
        let width = wrap::width(&text);
        if let Some(line) = lines.last_mut() {
            line.push(Cell {
                text,
                width,
                class: class_at.get(byte).copied().unwrap_or(Class::Plain),
            });
        }
    }
    lines
}

/// The output pane: what the code printed, its last value, its traceback, the notes.
pub(super) fn output(run: &CellRun, width: usize, th: Theme) -> Vec<Line<'static>> {
    let mut out = vec![Line::styled(strings::CELL_OUTPUT, th.bold())];
    let printed = run.stdout.trim_end_matches('\n');
    let mut any = false;
    if !printed.is_empty() {
        any = true;
        out.extend(preformatted(printed, Style::new(), width));
    }
    if let Some(v) = &run.last_value {
        any = true;
        out.extend(preformatted(v, th.generated(), width));
    }
    if let Some(e) = &run.error {
        any = true;
        out.extend(preformatted(e.trim_end(), th.error(), width));
    }
    if !any {
        out.extend(wrap_plain(strings::CELL_NOTHING, th.dim(), width));
    }
    for n in &run.notes {
        out.extend(wrap_plain(&safe::text(n), th.dim(), width));
    }
    out
}

/// Text as Python printed it: spaces kept (a traceback's indent, a caret under the error), each
/// line cut into pieces of `width` columns rather than wrapped at words.
fn preformatted(text: &str, style: Style, width: usize) -> Vec<Line<'static>> {
    let width = width.max(1);
    let mut out = Vec::new();
    for line in safe::text(text).lines() {
        let mut piece = String::new();
        let mut used = 0;
        for c in line.chars() {
            let c = if c == '\t' { ' ' } else { c };
            let w = wrap::width(&c.to_string());
            if used + w > width && !piece.is_empty() {
                out.push(Line::styled(std::mem::take(&mut piece), style));
                used = 0;
            }
            piece.push(c);
            used += w;
        }
        out.push(Line::styled(piece, style));
    }
    out
}
