//! `text-classification` (alias `sentiment-analysis`): sentence embeddings through a small trained
//! head (src/train) give each label a probability, like transformers' text-classification
//! pipeline. The default head is the shipped sentiment one (POSITIVE / NEGATIVE).

use serde::Serialize;

use super::embeddings::Embedder;
use super::{model_error, Pipeline, PipelineError, PipelineOutput, RunParams, Stream};
use crate::course::ModelRef;
use crate::models::{Provision, ProvisionEvent};
use crate::task::Task;
use crate::train::{self, Head};

/// A label with its probability (0 to 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelScore {
    pub label: String,
    pub score: f32,
}

/// Every label of `head` with its probability for `embedding`, likeliest first.
pub fn ranked(head: &Head, embedding: &[f32]) -> Vec<LabelScore> {
    let mut out: Vec<LabelScore> = head
        .labels
        .iter()
        .zip(head.scores(embedding))
        .map(|(label, score)| LabelScore {
            label: label.clone(),
            score,
        })
        .collect();
    out.sort_by(|a, b| b.score.total_cmp(&a.score));
    out
}

/// An embedder with a classification head on top.
pub struct ClassifyPipeline {
    embedder: Embedder,
    head: Head,
}

impl ClassifyPipeline {
    /// The model with the shipped sentiment head.
    pub fn load(
        model: &ModelRef,
        provision: &Provision,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<ClassifyPipeline, PipelineError> {
        let head = train::sentiment_head().map_err(model_error)?;
        let embedder = Embedder::load(model, provision, events)?;
        ClassifyPipeline::new(embedder, head)
    }

    pub fn new(embedder: Embedder, head: Head) -> Result<ClassifyPipeline, PipelineError> {
        let probe = embedder.embed(&["probe".to_string()])?;
        let dim = probe.vectors.first().map_or(0, Vec::len);
        if dim != head.dim() {
            return Err(model_error(format!(
                "the sentiment head expects {}-number embeddings, but this model makes {dim}: it was trained on sentence-transformers/all-MiniLM-L6-v2",
                head.dim()
            )));
        }
        Ok(ClassifyPipeline { embedder, head })
    }
}

impl Pipeline for ClassifyPipeline {
    fn task(&self) -> Task {
        Task::TextClassification
    }

    fn run(
        &mut self,
        inputs: &[String],
        _params: &RunParams,
        _runs: usize,
        _stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        let out = self.embedder.embed(inputs)?;
        Ok(PipelineOutput::Labels(
            out.vectors.iter().map(|v| ranked(&self.head, v)).collect(),
        ))
    }
}

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
