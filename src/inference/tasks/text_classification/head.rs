//! `text-classification` (alias `sentiment-analysis`): sentence embeddings through a small trained
//! head (inference/train) give each label a probability, like transformers' text-classification
//! pipeline. The default head is the shipped sentiment one (POSITIVE / NEGATIVE).

use crate::domain::LabelScore;
use crate::domain::ModelRef;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::Stream;
use crate::domain::Task;
use crate::domain::TaskInput;
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::model_error;
use crate::inference::tasks::embeddings::Embedder;
use crate::inference::train::{self, Head};
use crate::inference::Pipeline;
use crate::inference::PipelineError;

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
        let head = train::sentiment_head()?;
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

    fn run_input(
        &mut self,
        input: &TaskInput,
        _params: &RunParams,
        _runs: usize,
        _stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        let inputs = input.texts();
        let out = self.embedder.embed(inputs)?;
        Ok(PipelineOutput::Labels(
            out.vectors.iter().map(|v| ranked(&self.head, v)).collect(),
        ))
    }
}
