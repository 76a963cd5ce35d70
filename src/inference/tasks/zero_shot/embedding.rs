//! `zero-shot-classification` without a trained classifier: each candidate label becomes a
//! sentence ("This text is about {label}."), and the labels whose sentence is closest in meaning
//! to the text win. Cosine similarities, times [`SCALE`], go through softmax so the scores add up
//! to 1, as in transformers' output `{sequence, labels, scores}`.

use crate::domain::input::split_labels;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::Stream;
use crate::domain::Task;
use crate::domain::ZeroShotResult;
use crate::domain::{InputError, TaskInput};
use crate::inference::tasks::embeddings::{cosine, Embedder};
use crate::inference::train::softmax;
use crate::inference::Pipeline;
use crate::inference::PipelineError;

/// How a label is turned into a sentence to compare with the text.
pub const TEMPLATE: &str = "This text is about {}.";
/// Cosines lie in -1..1: scaled by 20 (as sentence-transformers' ranking loss does) before
/// softmax, a clear winner gets a clear score.
pub const SCALE: f32 = 20.0;
pub const MAX_LABELS: usize = 10;

/// Splits "sport, politics, food" into labels; says what is wrong when they won't do.
pub fn parse_labels(text: &str) -> Result<Vec<String>, PipelineError> {
    check_labels(split_labels(text))
}

/// The candidate labels if there are enough and not too many; else what is wrong with them.
pub fn check_labels(labels: Vec<String>) -> Result<Vec<String>, PipelineError> {
    if labels.len() < 2 {
        return Err(PipelineError::BadInput(
            "type at least two labels, separated by commas, like: sport, music, food".into(),
        ));
    }
    if labels.len() > MAX_LABELS {
        return Err(PipelineError::BadInput(format!(
            "that is {} labels: {MAX_LABELS} at most, please",
            labels.len()
        )));
    }
    Ok(labels)
}

pub struct ZeroShotPipeline {
    embedder: Embedder,
}

impl ZeroShotPipeline {
    pub fn new(embedder: Embedder) -> ZeroShotPipeline {
        ZeroShotPipeline { embedder }
    }
}

impl Pipeline for ZeroShotPipeline {
    fn task(&self) -> Task {
        Task::ZeroShotClassification
    }

    /// `inputs[0]`: the candidate labels, comma-separated; the rest: the texts to classify.
    fn run_input(
        &mut self,
        input: &TaskInput,
        _params: &RunParams,
        _runs: usize,
        _stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        let TaskInput::Labeled { labels, texts } = input else {
            return Err(InputError::NoLabels.into());
        };
        let labels = check_labels(labels.clone())?;
        if texts.is_empty() {
            return Err(PipelineError::BadInput(
                "there is no text to classify: the first input holds the labels, the next ones the texts".into(),
            ));
        }
        let mut all: Vec<String> = labels.iter().map(|l| TEMPLATE.replace("{}", l)).collect();
        all.extend(texts.iter().cloned());
        let vectors = self.embedder.embed(&all)?.vectors;
        let (label_vecs, text_vecs) = vectors.split_at(labels.len());
        let results = texts
            .iter()
            .zip(text_vecs)
            .map(|(text, v)| {
                let logits: Vec<f32> = label_vecs.iter().map(|l| cosine(v, l) * SCALE).collect();
                let probs = softmax(&logits);
                let mut order: Vec<usize> = (0..labels.len()).collect();
                order.sort_by(|&a, &b| probs[b].total_cmp(&probs[a]));
                ZeroShotResult {
                    sequence: text.clone(),
                    labels: order.iter().map(|&i| labels[i].clone()).collect(),
                    scores: order.iter().map(|&i| probs[i]).collect(),
                }
            })
            .collect();
        Ok(PipelineOutput::ZeroShot(results))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_split_on_commas_without_repeats() {
        assert_eq!(
            parse_labels(" sport, Music ,,sport ").unwrap(),
            ["sport", "Music"]
        );
        let one = parse_labels("sport").unwrap_err().to_string();
        assert!(one.starts_with("type at least two labels"), "{one}");
    }
}
