//! Results with labels and scores: a score bar per label (text-classification, zero-shot), the
//! documents ranked by a search, and how a classifier the student trained did on its test set.

use crate::shell::text::theme::Theme;
use ratatui::text::{Line, Span};

use super::output::bar;
use crate::domain::PipelineOutput;
use crate::shell::strings;
use crate::shell::text::wrap::{self, wrap_plain};

/// Documents shown from a ranking: enough to see where a target landed, one screen at most.
const SHOWN_HITS: usize = 5;
/// Zero-shot results for more texts than this show one line per text.
const COMPACT_FROM: usize = 2;
/// Mistakes listed under a training report.
const SHOWN_MISTAKES: usize = 3;

/// One "  0.93 █████████▎ LABEL" line.
fn score_line(score: f32, label: &str, width: usize, th: Theme) -> Line<'static> {
    let lead = format!("  {score:>5.2} ");
    let room = width.saturating_sub(wrap::width(&lead) + 11);
    Line::from(vec![
        Span::styled(lead, th.bold()),
        Span::styled(bar(f64::from(score), 10), th.bar()),
        Span::raw(format!(" {}", wrap::truncate(label, room))),
    ])
}

/// The lines of a classes-like output; `None` for the other kinds.
pub(super) fn lines(
    output: &PipelineOutput,
    inputs: &[String],
    width: usize,
    th: Theme,
) -> Option<Vec<Line<'static>>> {
    let mut out = Vec::new();
    match output {
        PipelineOutput::Labels(per_text) => {
            for (i, labels) in per_text.iter().enumerate() {
                if per_text.len() > 1 {
                    let text = inputs.get(i).map_or("", String::as_str);
                    out.push(Line::styled(
                        wrap::truncate(&format!("“{text}”"), width),
                        th.dim(),
                    ));
                }
                if let Some(top) = labels.first() {
                    out.push(Line::styled(
                        strings::top_label(&top.label, top.score),
                        th.bold(),
                    ));
                }
                out.extend(
                    labels
                        .iter()
                        .map(|l| score_line(l.score, &l.label, width, th)),
                );
            }
        }
        // Many texts: one line each, the winning label and the text.
        PipelineOutput::ZeroShot(results) if results.len() > COMPACT_FROM => {
            for r in results {
                let (Some(label), Some(score)) = (r.labels.first(), r.scores.first()) else {
                    continue;
                };
                out.push(score_line(
                    *score,
                    &format!("{label} · “{}”", r.sequence),
                    width,
                    th,
                ));
            }
        }
        PipelineOutput::ZeroShot(results) => {
            for r in results {
                out.push(Line::styled(
                    wrap::truncate(&format!("“{}”", r.sequence), width),
                    th.dim(),
                ));
                out.extend(
                    r.labels
                        .iter()
                        .zip(&r.scores)
                        .map(|(label, score)| score_line(*score, label, width, th)),
                );
            }
        }
        PipelineOutput::Ranking(hits) => {
            out.push(Line::styled(strings::SEARCH_TITLE, th.bold()));
            for (rank, hit) in hits.iter().enumerate().take(SHOWN_HITS) {
                let label = format!(
                    "{}. {} · {}",
                    rank + 1,
                    strings::document(hit.corpus_id + 1),
                    hit.text
                );
                out.push(score_line(hit.score, &label, width, th));
            }
        }
        PipelineOutput::Trained(report) => {
            let examples = report.examples.iter().sum();
            out.extend(wrap_plain(
                &strings::trained(report.correct, report.total, examples),
                th.bold(),
                width,
            ));
            out.push(score_line(report.accuracy, "accuracy", width, th));
            for m in report.mistakes.iter().take(SHOWN_MISTAKES) {
                let line = strings::missed(&m.expected, &m.predicted, &m.text);
                out.push(Line::styled(wrap::truncate(&line, width), th.dim()));
            }
        }
        _ => return None,
    }
    Some(out)
}
