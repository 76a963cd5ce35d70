//! Charts for the exercise panel, drawn as lines so they scroll with the panel: the next-token
//! candidates of a generation step as bars, score bars per label (classification, zero-shot), a
//! heatmap of every pair's similarity, and tokens as coloured chips with ids on demand.

use super::graphics::{Drawn, Protocol};
use crate::shell::text::theme::Theme;
use ratatui::text::{Line, Span};

use crate::domain::PipelineOutput;
use crate::domain::TokenInfo;
use crate::shell::state::charts::Charts;
use crate::shell::strings;
use crate::shell::text::wrap::{self, wrap};

use super::output::bar;

/// Widest label column of a bar chart.
const LABEL_MAX: usize = 24;

/// A finished run's result: tokens as chips (ids on demand), other outputs as `output::lines`
/// has them.
pub(super) fn result(
    output: &PipelineOutput,
    inputs: &[String],
    charts: Option<&Charts>,
    width: usize,
    th: Theme,
) -> Vec<Line<'static>> {
    match output {
        PipelineOutput::Tokens(per_input) => {
            token_chips(per_input, charts.is_some_and(|c| c.show_ids), width, th)
        }
        _ => super::output::lines(output, inputs, width, th),
    }
}

/// The charts under a finished run's verdict: the candidates of the generation's steps, the
/// heatmap of every pair of sentences, the clips heard (`can_play`: an audio player exists), the
/// pictures seen.
pub(super) fn after(
    output: &PipelineOutput,
    inputs: &[String],
    charts: Option<&Charts>,
    can_play: bool,
    width: usize,
    look: (Theme, Protocol),
    pictures: &mut Vec<Drawn>,
) -> Vec<Line<'static>> {
    let (th, protocol) = look;
    let mut out = Vec::new();
    let Some(charts) = charts else {
        return out;
    };
    if matches!(output, PipelineOutput::Generations(_)) && !charts.steps.is_empty() {
        out.push(Line::default());
        out.extend(candidates(charts, false, width, th));
    }
    if let Some(matrix) = &charts.matrix {
        out.push(Line::default());
        out.extend(heatmap(inputs, matrix, width, th));
    }
    for clip in &charts.clips {
        let name = std::path::Path::new(&clip.path)
            .file_name()
            .map_or(clip.path.clone(), |n| n.to_string_lossy().into_owned());
        out.push(Line::styled(
            crate::shell::text::strings::clip_line(&name, clip.seconds, can_play),
            th.dim(),
        ));
    }
    for picture in &charts.pictures {
        out.push(Line::default());
        let (lines, drawn) = super::picture::half_blocks(picture, width.min(40), 12, th, protocol);
        out.extend(lines);
        // The same picture twice is found on screen once.
        pictures.extend(drawn.filter(|d| !pictures.contains(d)));
    }
    out
}

/// A token's text with its edges made visible: spaces as `␣`, line breaks as `⏎`, tabs as `⇥`.
pub(crate) fn visible(token: &str) -> String {
    token
        .replace(' ', "␣")
        .replace('\n', "⏎")
        .replace('\t', "⇥")
        .replace('\r', "")
}

/// Horizontal bars, one per `(label, score)` with score in 0..=1, in the order given: the label
/// (cut to fit), a bar and the score as a percentage. `marked` rows get a `▶` (e.g. the top
/// label, or the token the model picked). For text-classification / zero-shot outputs too.
pub(crate) fn score_bars(
    scores: &[(String, f32)],
    marked: &[bool],
    width: usize,
    th: Theme,
) -> Vec<Line<'static>> {
    let label_w = scores
        .iter()
        .map(|(l, _)| wrap::width(l))
        .max()
        .unwrap_or(0)
        .min(LABEL_MAX)
        .min(width / 3);
    // "  ▶ " + label + " " + bar + " 100.0%"
    let cells = width.saturating_sub(4 + label_w + 1 + 7).clamp(1, 40);
    scores
        .iter()
        .enumerate()
        .map(|(i, (label, score))| {
            let mark = marked.get(i).copied().unwrap_or(false);
            let label = wrap::truncate(label, label_w);
            let pad = " ".repeat(label_w.saturating_sub(wrap::width(&label)));
            let label_style = if mark { th.bold() } else { th.label() };
            Line::from(vec![
                Span::styled(if mark { "  ▶ " } else { "    " }.to_string(), th.bold()),
                Span::styled(format!("{label}{pad} "), label_style),
                Span::styled(bar(f64::from(*score), cells), th.bar()),
                Span::styled(format!("{:>6.1}%", score * 100.0), th.bold()),
            ])
        })
        .collect()
}

/// The candidates of the step `charts` shows: a title with the step and the keys, bars for the
/// top tokens (the picked one marked), and tokens/s while `live`.
pub(crate) fn candidates(
    charts: &Charts,
    live: bool,
    width: usize,
    th: Theme,
) -> Vec<Line<'static>> {
    let Some(at) = charts.shown() else {
        return Vec::new();
    };
    let Some(step) = charts.steps.get(at) else {
        return Vec::new();
    };
    let many_runs = charts.steps.iter().any(|s| s.run > 0);
    let in_run = charts.steps.iter().filter(|s| s.run == step.run).count();
    let mut out = Vec::new();
    if live {
        out.push(Line::styled(
            strings::live_rate(charts.steps.len(), charts.tokens_per_s()),
            th.dim(),
        ));
    }
    let title = strings::candidates_title(many_runs.then_some(step.run), step.step, in_run);
    out.push(Line::styled(wrap::truncate(&title, width), th.bold()));
    let scores: Vec<(String, f32)> = step
        .candidates
        .iter()
        .map(|c| (format!("“{}”", visible(&c.text)), c.probability))
        .collect();
    let marked: Vec<bool> = step
        .candidates
        .iter()
        .map(|c| c.id == step.chosen)
        .collect();
    out.extend(score_bars(&scores, &marked, width, th));
    if !marked.contains(&true) {
        out.push(Line::styled(
            strings::chosen_elsewhere(step.chosen, step.candidates.len()),
            th.dim(),
        ));
    }
    out
}

/// A shade for a similarity, for terminals without colour: `█` (very close) to ` ` (unrelated).
fn shade(value: f32) -> char {
    const SHADES: [char; 5] = [' ', '░', '▒', '▓', '█'];
    SHADES[((value.clamp(0.0, 1.0) * 4.0).round() as usize).min(4)]
}

/// A heatmap of `matrix` (every pair of `labels`): numbered rows and columns, a shaded and
/// coloured cell per pair, then the numbered sentences. Columns that don't fit are left out.
pub(crate) fn heatmap(
    labels: &[String],
    matrix: &[Vec<f32>],
    width: usize,
    th: Theme,
) -> Vec<Line<'static>> {
    const CELL: usize = 6;
    let n = matrix.len();
    if n == 0 {
        return Vec::new();
    }
    let num_w = n.to_string().len();
    let cols = (width.saturating_sub(num_w + 1) / CELL).clamp(1, n);
    let mut out = vec![Line::styled(
        wrap::truncate(strings::SIMILARITY_MATRIX, width),
        th.bold(),
    )];
    let mut head = vec![Span::raw(" ".repeat(num_w + 1))];
    for j in 0..cols {
        head.push(Span::styled(
            format!("{:>w$} ", j + 1, w = CELL - 1),
            th.dim(),
        ));
    }
    out.push(Line::from(head));
    for (i, row) in matrix.iter().enumerate() {
        let mut spans = vec![Span::styled(format!("{:>num_w$} ", i + 1), th.dim())];
        for v in row.iter().take(cols) {
            spans.push(Span::styled(
                format!("{}{:>4.2}", shade(*v), v),
                th.heat(*v),
            ));
            spans.push(Span::raw(" "));
        }
        out.push(Line::from(spans));
    }
    for (i, label) in labels.iter().enumerate().take(n) {
        let lead = format!("{:>num_w$} ", i + 1);
        let room = width.saturating_sub(wrap::width(&lead));
        out.push(Line::from(vec![
            Span::styled(lead, th.dim()),
            Span::raw(wrap::truncate(label, room)),
        ]));
    }
    out
}

/// Tokens as chips in alternating colours (special tokens apart); with `ids`, each chip carries
/// its id. Then the count and the key that shows or hides the ids.
pub(crate) fn token_chips(
    per_input: &[Vec<TokenInfo>],
    ids: bool,
    width: usize,
    th: Theme,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for tokens in per_input {
        let mut chips = Vec::new();
        for (i, t) in tokens.iter().enumerate() {
            if i > 0 {
                chips.push(Span::raw(" "));
            }
            let style = if t.special {
                th.special_token()
            } else {
                th.token(i)
            };
            chips.push(Span::styled(visible(&t.token), style));
            if ids {
                chips.push(Span::styled(format!(":{}", t.id), th.dim()));
            }
        }
        out.extend(wrap(&chips, width, &[], &[]));
        let key = if ids {
            strings::HIDE_IDS
        } else {
            strings::SHOW_IDS
        };
        let line = format!("{} · {key}", strings::token_count(tokens.len()));
        out.push(Line::styled(wrap::truncate(&line, width), th.dim()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line<'_>]) -> Vec<String> {
        lines.iter().map(|l| l.to_string()).collect()
    }

    #[test]
    fn score_bars_line_up_and_mark() {
        let scores = vec![("POSITIVE".to_string(), 0.9), ("NEG".to_string(), 0.1)];
        let lines = text(&score_bars(&scores, &[true, false], 40, Theme::Dark));
        assert_eq!(
            lines,
            [
                "  ▶ POSITIVE ██████████████████··  90.0%",
                "    NEG      ██··················  10.0%"
            ]
        );
    }

    #[test]
    fn score_bars_on_a_terminal() {
        use ratatui::backend::TestBackend;
        use ratatui::widgets::{Block, Paragraph};
        let scores: Vec<(String, f32)> = [
            ("sports", 0.71),
            ("politics", 0.18),
            ("a very long label that will not fit at all", 0.07),
            ("cooking", 0.04),
        ]
        .iter()
        .map(|&(l, s)| (l.to_string(), s))
        .collect();
        let mut terminal = ratatui::Terminal::new(TestBackend::new(60, 6)).expect("terminal");
        terminal
            .draw(|f| {
                let lines = score_bars(&scores, &[true, false, false, false], 58, Theme::Dark);
                f.render_widget(Paragraph::new(lines).block(Block::bordered()), f.area());
            })
            .expect("draw");
        insta::assert_snapshot!(format!("{}", terminal.backend()));
    }

    #[test]
    fn shades_go_from_blank_to_full() {
        assert_eq!(
            [shade(-0.5), shade(0.3), shade(0.6), shade(1.0)],
            [' ', '░', '▒', '█']
        );
        assert_eq!(visible(" a\nb\t"), "␣a⏎b⇥");
    }
}
