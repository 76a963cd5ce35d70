//! Markdown tables as terminal lines: aligned columns with a header rule when they fit the width,
//! otherwise one block per row ("header: value" lines), so nothing is cut.

use crate::shell::text::theme::Theme;
use ratatui::text::{Line, Span};

use crate::shell::text::wrap::wrap;

/// A table being collected: rows of cells of styled spans; the first `header` rows are the head.
#[derive(Debug, Default)]
pub struct Table {
    pub rows: Vec<Vec<Vec<Span<'static>>>>,
    pub row: Vec<Vec<Span<'static>>>,
    pub header: usize,
    pub theme: Theme,
}

fn cell_width(cell: &[Span<'static>]) -> usize {
    cell.iter().map(|s| s.width()).sum()
}

impl Table {
    pub fn end_cell(&mut self, spans: Vec<Span<'static>>) {
        self.row.push(spans);
    }

    pub fn end_row(&mut self, head: bool) {
        let row = std::mem::take(&mut self.row);
        self.rows.push(row);
        if head {
            self.header = self.rows.len();
        }
    }

    /// The table as lines at most `width` wide, each starting with `prefix` (quote bars, indents).
    pub fn render(&self, width: usize, prefix: &[Span<'static>]) -> Vec<Line<'static>> {
        let cols = self.rows.iter().map(Vec::len).max().unwrap_or(0);
        if cols == 0 {
            return Vec::new();
        }
        let widths: Vec<usize> = (0..cols)
            .map(|c| {
                self.rows
                    .iter()
                    .filter_map(|r| r.get(c))
                    .map(|cell| cell_width(cell))
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let prefix_w: usize = prefix.iter().map(|s| s.width()).sum();
        let total = widths.iter().sum::<usize>() + 3 * (cols - 1) + prefix_w;
        if total <= width {
            self.aligned(&widths, prefix)
        } else {
            self.stacked(width, prefix)
        }
    }

    fn aligned(&self, widths: &[usize], prefix: &[Span<'static>]) -> Vec<Line<'static>> {
        let th = self.theme;
        let mut out = Vec::new();
        for (r, row) in self.rows.iter().enumerate() {
            let mut spans = prefix.to_vec();
            for (c, w) in widths.iter().enumerate() {
                if c > 0 {
                    spans.push(Span::styled(" │ ", th.dim()));
                }
                let cell = row.get(c).cloned().unwrap_or_default();
                let pad = w.saturating_sub(cell_width(&cell));
                if r < self.header {
                    spans.extend(cell.into_iter().map(|s| s.patch_style(th.bold())));
                } else {
                    spans.extend(cell);
                }
                if c + 1 < widths.len() {
                    spans.push(Span::raw(" ".repeat(pad)));
                }
            }
            out.push(Line::from(spans));
            if r + 1 == self.header {
                let rule: Vec<String> = widths.iter().map(|w| "─".repeat(*w)).collect();
                let mut spans = prefix.to_vec();
                spans.push(Span::styled(rule.join("─┼─"), th.dim()));
                out.push(Line::from(spans));
            }
        }
        out
    }

    fn stacked(&self, width: usize, prefix: &[Span<'static>]) -> Vec<Line<'static>> {
        let th = self.theme;
        let head: &[Vec<Span<'static>>] = if self.header > 0 { &self.rows[0] } else { &[] };
        let mut out = Vec::new();
        for (i, row) in self.rows.iter().enumerate().skip(self.header) {
            if i > self.header {
                out.push(Line::from(prefix.to_vec()));
            }
            for (c, cell) in row.iter().enumerate() {
                let mut spans = Vec::new();
                if let Some(h) = head.get(c) {
                    let name: String = h.iter().map(|s| s.content.as_ref()).collect();
                    if !name.trim().is_empty() {
                        spans.push(Span::styled(format!("{}: ", name.trim()), th.bold()));
                    }
                }
                spans.extend(cell.iter().cloned());
                let mut first = prefix.to_vec();
                first.push(Span::styled(if c == 0 { "• " } else { "  " }, th.bullet()));
                let mut rest = prefix.to_vec();
                rest.push(Span::raw("    "));
                out.extend(wrap(&spans, width, &first, &rest));
            }
        }
        if self.header > 0 && self.rows.len() == self.header {
            // A head with no body: show the head as a line.
            let names: Vec<String> = head
                .iter()
                .map(|h| h.iter().map(|s| s.content.as_ref()).collect::<String>())
                .collect();
            out.extend(wrap(
                &[Span::styled(names.join(" · "), th.bold())],
                width,
                prefix,
                prefix,
            ));
        }
        out
    }
}
