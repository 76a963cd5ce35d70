//! Classification, zero-shot, search and training results as plain lines.

use crate::domain::PipelineOutput;

/// Plain lines describing a classification, zero-shot, search or training result, for the
/// command line (`hftutor pipeline`). Other outputs give no lines.
pub fn describe(inputs: &[String], output: &PipelineOutput) -> Vec<String> {
    let mut out = Vec::new();
    match output {
        PipelineOutput::Labels(per_text) => {
            for (text, labels) in inputs.iter().zip(per_text) {
                let all: Vec<String> = labels
                    .iter()
                    .map(|l| format!("{} {:.4}", l.label, l.score))
                    .collect();
                out.push(format!("{text:?}: {}", all.join(", ")));
            }
        }
        PipelineOutput::ZeroShot(results) => {
            for r in results {
                out.push(format!("{:?}", r.sequence));
                for (label, score) in r.labels.iter().zip(&r.scores) {
                    out.push(format!("  {score:.4}  {label}"));
                }
            }
        }
        PipelineOutput::Ranking(hits) => {
            for (rank, hit) in hits.iter().enumerate().take(10) {
                out.push(format!(
                    "{:>2}. {:.4}  [document {}] {}",
                    rank + 1,
                    hit.score,
                    hit.corpus_id + 1,
                    hit.text
                ));
            }
        }
        PipelineOutput::Trained(report) => {
            out.push(format!(
                "held-out accuracy: {:.1}% ({}/{})",
                report.accuracy * 100.0,
                report.correct,
                report.total
            ));
            for m in &report.mistakes {
                out.push(format!(
                    "  missed ({} → {}): {}",
                    m.expected, m.predicted, m.text
                ));
            }
        }
        _ => {}
    }
    out
}
