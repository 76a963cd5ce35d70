//! A code cell in the exercise panel: the editor (line numbers, Python coloured by Ruff's
//! tokenizer, the cursor, scrolled so it stays in view) and the output pane (what `print`
//! wrote, the last expression's value, the traceback, hftutor's notes). Everything shown passes
//! through `present::safe` first: a lesson's starter or a model's text can hold escape codes.

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use crate::present::safe;
use crate::python::code_text::{self, Class};
use crate::python::{CellRun, LaunchedApp, Shown};
use crate::shell::strings;
use crate::shell::text::theme::Theme;
use crate::shell::text::wrap::{self, wrap, wrap_plain};

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

/// One row of the editor: a piece of code line `line`, its cells `cells` (a line longer than
/// the editor is wrapped onto more rows, as an editor's soft wrap does).
struct Row {
    line: usize,
    cells: std::ops::Range<usize>,
    /// Whether the cursor sits after the line's last char on this row.
    cursor_at_end: bool,
}

/// The rows of every line at `room` columns; the cursor's line gets room for the cursor after
/// its last char.
fn rows(lines: &[Vec<Cell>], room: usize, cursor: Option<(usize, usize)>) -> Vec<Row> {
    let mut out = Vec::new();
    for (i, cells) in lines.iter().enumerate() {
        let end_cursor = cursor.is_some_and(|(l, c)| l == i && c >= cells.len());
        let (mut start, mut used) = (0, 0);
        for (j, cell) in cells.iter().enumerate() {
            if used + cell.width > room && j > start {
                out.push(Row {
                    line: i,
                    cells: start..j,
                    cursor_at_end: false,
                });
                (start, used) = (j, 0);
            }
            used += cell.width;
        }
        if end_cursor && used + 1 > room && !cells.is_empty() {
            out.push(Row {
                line: i,
                cells: start..cells.len(),
                cursor_at_end: false,
            });
            start = cells.len();
        }
        out.push(Row {
            line: i,
            cells: start..cells.len(),
            cursor_at_end: end_cursor,
        });
    }
    out
}

/// The editor's lines, and the cursor's (line, column) among them when `cursor` is set. Long
/// code lines wrap onto continuation rows (their gutter shows `┆`), so nothing is cut.
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
    let cursor_at = cursor.map(|at| crate::shell::text::code_edit::line_col(code, at));
    let all = rows(&lines, room, cursor_at);
    let cursor_row = cursor_at.and_then(|(l, c)| {
        all.iter().position(|r| {
            r.line == l && (r.cells.contains(&c) || (r.cursor_at_end && c >= r.cells.end))
        })
    });
    let max_lines = max_lines.max(1);
    let first = match cursor_row {
        Some(r) if r + 1 > max_lines => r + 1 - max_lines,
        _ => 0,
    };
    let mut out = Vec::new();
    let mut at = None;
    let shown: Vec<&Row> = all.iter().skip(first).take(max_lines).collect();
    // Lines hidden wholly or in part above and below the window.
    let above = shown
        .first()
        .map_or(0, |r| r.line + usize::from(r.cells.start > 0));
    if above > 0 {
        out.push(Line::styled(strings::code_lines_above(above), th.dim()));
    }
    let mut previous_line = None;
    for row in &shown {
        let gutter = if previous_line == Some(row.line) || (row.cells.start > 0) {
            format!("{:>digits$} ┆ ", "")
        } else {
            format!("{:>digits$} │ ", row.line + 1)
        };
        previous_line = Some(row.line);
        let mut spans = vec![Span::styled(gutter, th.gutter())];
        let cursor_col = cursor_at.filter(|(l, _)| *l == row.line).map(|(_, c)| c);
        let mut used = 0;
        for j in row.cells.clone() {
            let cell = &lines[row.line][j];
            let style = if cursor_col == Some(j) {
                at = Some((out.len(), gutter_w + used));
                th.cursor()
            } else {
                th.syntax(cell.class)
            };
            spans.push(Span::styled(cell.text.clone(), style));
            used += cell.width;
        }
        if row.cursor_at_end {
            at = Some((out.len(), gutter_w + used));
            spans.push(Span::styled(" ", th.cursor()));
        }
        out.push(Line::from(spans));
    }
    let below = shown.last().map_or(0, |r| {
        let cut = r.cells.end < lines[r.line].len();
        lines.len().saturating_sub(r.line + 1) + usize::from(cut)
    });
    if below > 0 {
        out.push(Line::styled(strings::code_lines_below(below), th.dim()));
    }
    (out, at)
}

/// A launched gradio app as a Space would show it: a framed title, the inputs (holding the
/// first example, or what the student typed in them), and each output (a label's scores as bars,
/// text as text).
fn app_lines(
    app: &LaunchedApp,
    form: Option<&Form<'_>>,
    width: usize,
    th: Theme,
) -> Vec<Line<'static>> {
    use crate::present::app;
    let rule = "─".repeat(width.saturating_sub(wrap::width(&app::heading(app)) + 3));
    let mut out = vec![Line::from(vec![
        Span::styled("┌ ", th.border()),
        Span::styled(safe::line(&app::heading(app)).into_owned(), th.bold()),
        Span::styled(format!(" {rule}"), th.border()),
    ])];
    if let Some(d) = &app.description {
        out.extend(wrap_plain(&safe::text(d), th.dim(), width));
    }
    for (i, (name, value)) in app::input_values(app).into_iter().enumerate() {
        let value = form.and_then(|f| f.values.get(i)).cloned().unwrap_or(value);
        let cursor = form.and_then(|f| f.focused).filter(|(at, _)| *at == i);
        let lead = format!(
            "{}{}: ",
            if cursor.is_some() { "› " } else { "" },
            safe::line(&name)
        );
        let label_style = if cursor.is_some() {
            th.focused()
        } else {
            th.label()
        };
        let mut spans = vec![Span::styled(lead.clone(), label_style)];
        match cursor {
            Some((_, at)) => {
                let room = width.saturating_sub(wrap::width(&lead)).max(1);
                let (value_spans, _) =
                    super::exercise_panel::field_spans(&safe::line(&value), Some(at), room, th);
                spans.extend(value_spans);
                out.push(Line::from(spans));
            }
            None => {
                spans.push(Span::styled(safe::text(&value).into_owned(), Style::new()));
                out.extend(wrap(&spans, width, &[], &[Span::raw("  ")]));
            }
        }
    }
    let filling = form.is_some_and(|f| f.focused.is_some());
    if !app.inputs.is_empty() {
        out.extend(wrap_plain(
            if filling {
                strings::APP_FILLING
            } else {
                strings::APP_TRY
            },
            th.dim(),
            width,
        ));
    }
    if app.example.is_none() {
        out.extend(wrap_plain(strings::APP_NO_EXAMPLES, th.dim(), width));
    }
    for (c, shown) in app.outputs.iter().zip(&app.results) {
        let name = safe::line(&app::name(c)).into_owned();
        match shown {
            Shown::Text(t) => out.extend(wrap(
                &[
                    Span::styled(format!("→ {name}: "), th.label()),
                    Span::styled(safe::text(t).into_owned(), th.generated()),
                ],
                width,
                &[],
                &[Span::raw("  ")],
            )),
            Shown::Highlighted(pieces) => {
                // Each labelled piece stands out, its label after it, as gradio colours them.
                let mut spans = vec![Span::styled(format!("→ {name}: "), th.label())];
                for (text, label) in pieces {
                    match label {
                        Some(l) => {
                            spans.push(Span::styled(safe::text(text).into_owned(), th.selected()));
                            spans.push(Span::styled(format!(" {} ", safe::line(l)), th.dim()));
                        }
                        None => spans.push(Span::raw(safe::text(text).into_owned())),
                    }
                }
                out.extend(wrap(&spans, width, &[], &[Span::raw("  ")]));
            }
            Shown::Scores(scores) => {
                out.push(Line::styled(format!("→ {name}:"), th.label()));
                let bars: Vec<(String, f32)> = scores
                    .iter()
                    .map(|(l, s)| (safe::line(l).into_owned(), *s as f32))
                    .collect();
                let marked: Vec<bool> = (0..bars.len()).map(|i| i == 0).collect();
                out.extend(super::charts::score_bars(&bars, &marked, width, th));
            }
        }
    }
    out.push(Line::styled(
        "└".to_string() + &"─".repeat(width.saturating_sub(1)),
        th.border(),
    ));
    out
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
/// A launched app's fields as the shell holds them: their values, and the focused one with its
/// cursor while the student types there.
pub(super) struct Form<'a> {
    pub values: &'a [String],
    pub focused: Option<(usize, usize)>,
}

pub(super) fn output(
    run: &CellRun,
    form: Option<Form<'_>>,
    width: usize,
    th: Theme,
) -> Vec<Line<'static>> {
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
    let last = run.apps.len().saturating_sub(1);
    for (i, app) in run.apps.iter().enumerate() {
        any = true;
        // The form belongs to the last app launched.
        let form = form.as_ref().filter(|_| i == last);
        out.extend(app_lines(app, form, width, th));
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
    fn a_long_line_wraps_instead_of_being_cut() {
        let code = "x = 1\nprint(\"abcdefghijklmnopqrstuvwxyz\")\ny = 2";
        let (lines, _) = editor(code, None, 16, 10, Theme::default());
        assert_eq!(
            text(&lines),
            [
                "1 │ x = 1",
                "2 │ print(\"abcde",
                "  ┆ fghijklmnopq",
                "  ┆ rstuvwxyz\")",
                "3 │ y = 2",
            ]
        );
        // Every char of the code is on screen.
        let shown: String = text(&lines).iter().map(|l| &l[6..]).collect();
        assert!(shown.contains("abcdefghijklmnopqrstuvwxyz"), "{shown}");
    }

    #[test]
    fn the_cursor_at_the_end_of_a_full_row_gets_a_row_of_its_own() {
        let code = "abcdefghij";
        let (lines, at) = editor(code, Some(code.len()), 14, 10, Theme::default());
        assert_eq!(text(&lines), ["1 │ abcdefghij", "  ┆  "]);
        assert_eq!(at, Some((1, 4)));
        // In the middle, on the row that holds it.
        let (_, at) = editor("abcdefghijklm", Some(11), 14, 10, Theme::default());
        assert_eq!(at, Some((1, 5)));
    }

    #[test]
    fn the_window_follows_the_cursor_through_wrapped_rows() {
        let code = format!("{}\nlast", "a".repeat(40));
        let (lines, at) = editor(&code, Some(code.len()), 14, 2, Theme::default());
        let t = text(&lines);
        assert_eq!(t.last().map(String::as_str), Some("2 │ last "), "{t:?}");
        assert_eq!(
            t.first().map(String::as_str),
            Some("  ⋮ 1 line above"),
            "{t:?}"
        );
        assert_eq!(at.map(|(r, _)| r), Some(t.len() - 1));
    }
}
