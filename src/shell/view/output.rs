//! A pipeline's result as lines: similarities as numbers with bars, generated text with tokens/s,
//! tokens as coloured chips with their ids, embeddings as a count and a peek at the numbers.

use crate::shell::text::theme::Theme;
use ratatui::text::{Line, Span};

use crate::domain::PipelineOutput;
use crate::shell::strings;
use crate::shell::text::wrap::{self, wrap, wrap_plain};

/// A bar `cells` wide, filled to `fraction` (0..=1), in eighths.
pub(super) fn bar(fraction: f64, cells: usize) -> String {
    const PARTS: [char; 8] = [' ', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
    let eighths = (fraction.clamp(0.0, 1.0) * (cells * 8) as f64).round() as usize;
    let mut s = "█".repeat(eighths / 8);
    if eighths / 8 < cells {
        if !eighths.is_multiple_of(8) {
            s.push(PARTS[eighths % 8]);
        }
        let used = s.chars().count();
        s.push_str(&"·".repeat(cells - used));
    }
    s
}

pub(super) fn lines(
    output: &PipelineOutput,
    inputs: &[String],
    width: usize,
    th: Theme,
) -> Vec<Line<'static>> {
    if let Some(lines) = super::classes::lines(output, inputs, width, th) {
        return lines;
    }
    let mut out = Vec::new();
    match output {
        PipelineOutput::Similarities(scores) => {
            let first = inputs.first().map_or("", String::as_str);
            let title =
                strings::similarity_title(&wrap::truncate(first, width.saturating_sub(20).max(8)));
            out.push(Line::styled(title, th.bold()));
            for (i, score) in scores.iter().enumerate() {
                let lead = format!("  {score:>6.3} ");
                let b = bar(f64::from(*score), 10);
                let other = inputs
                    .get(i + 1)
                    .map_or(String::new(), |t| format!(" “{t}”"));
                let room = width.saturating_sub(wrap::width(&lead) + 10);
                out.push(Line::from(vec![
                    Span::styled(lead, th.bold()),
                    Span::styled(b, th.bar()),
                    Span::raw(wrap::truncate(&other, room)),
                ]));
            }
        }
        PipelineOutput::Generations(gens) => {
            for (i, g) in gens.iter().enumerate() {
                let label = strings::run_label(i, gens.len());
                let spans = [
                    Span::styled(label, th.bold()),
                    Span::styled(g.text.clone(), th.generated()),
                ];
                out.extend(wrap(&spans, width, &[], &[]));
                let stats =
                    strings::tokens_per_s(g.decode_tokens_per_s, strings::stop_reason(g.stop));
                out.extend(wrap_plain(&stats, th.dim(), width));
            }
        }
        PipelineOutput::Tokens(per_input) => {
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
                    chips.push(Span::styled(t.token.replace(' ', "␣"), style));
                }
                out.extend(wrap(&chips, width, &[], &[]));
                let ids: Vec<String> = tokens.iter().map(|t| t.id.to_string()).collect();
                let line = format!(
                    "{} · {}",
                    strings::token_count(tokens.len()),
                    strings::ids(&ids.join(" "))
                );
                out.extend(wrap_plain(&line, th.dim(), width));
            }
        }
        PipelineOutput::Embeddings(vectors) => {
            let dims = vectors.first().map_or(0, Vec::len);
            out.push(Line::raw(strings::embeddings(vectors.len(), dims)));
            if let Some(v) = vectors.first() {
                let peek: Vec<String> = v.iter().take(6).map(|x| format!("{x:.3}")).collect();
                let more = if v.len() > 6 { ", …" } else { "" };
                out.extend(wrap_plain(
                    &format!("  [{}{more}]", peek.join(", ")),
                    th.dim(),
                    width,
                ));
            }
        }
        // Drawn by classes.rs, above.
        PipelineOutput::Labels(_)
        | PipelineOutput::ZeroShot(_)
        | PipelineOutput::Ranking(_)
        | PipelineOutput::Trained(_) => {}
        PipelineOutput::FillMask(per_text) => {
            let lines = crate::present::fill_mask::describe(inputs, per_text);
            for l in lines.iter().skip(usize::from(inputs.len() == 1)) {
                out.extend(wrap_plain(l, th.bold(), width));
            }
        }
        PipelineOutput::Entities(per_text) => {
            let lines = crate::present::entities::describe(inputs, per_text);
            for l in &lines {
                out.extend(wrap_plain(l, th.bold(), width));
            }
        }
        PipelineOutput::Answers(a) => out.extend(
            crate::present::answers::describe(inputs, a)
                .iter()
                .flat_map(|l| wrap_plain(l, th.bold(), width)),
        ),
        PipelineOutput::Transcriptions(t) => out.extend(
            t.iter()
                .flat_map(|t| wrap_plain(t.text.trim(), th.bold(), width)),
        ),
        PipelineOutput::Seq2Seq(texts) => out.extend(
            texts
                .iter()
                .flat_map(|t| wrap_plain(t.text.trim(), th.bold(), width)),
        ),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_fill_in_eighths() {
        assert_eq!(bar(0.0, 4), "····");
        assert_eq!(bar(1.0, 4), "████");
        assert_eq!(bar(0.5, 4), "██··");
        assert_eq!(bar(0.53, 4), "██▏·");
        assert_eq!(bar(-0.2, 3), "···");
    }
}
