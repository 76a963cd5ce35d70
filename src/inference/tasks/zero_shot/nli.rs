//! `zero-shot-classification` with an NLI cross-encoder (a sequence-classification checkpoint
//! whose labels include "entailment"), as transformers' ZeroShotClassificationPipeline does it:
//! each candidate label becomes a hypothesis ("This example is {label}."), the model reads the
//! text and the hypothesis as a pair, and the entailment logits are turned into scores — softmax
//! over the labels, or with `multi_label` (or a single label) softmax of contradiction vs.
//! entailment per label. Same input interface as the embedding mode (zero_shot.rs): the first
//! input holds the labels, comma-separated, the others the texts.
//!
//! Suggested real model: cross-encoder/nli-MiniLM2-L6-H768 (a 6-layer RoBERTa-architecture
//! cross-encoder, about 330 MB in float32; transformers' default facebook/bart-large-mnli is 1.6 GB).

use crate::domain::input::split_labels;
use crate::domain::{InputError, TaskInput};
use candle_core::Tensor;
use serde_json::Value;
use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use crate::domain::ModelRef;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::Stream;
use crate::domain::Task;
use crate::domain::ZeroShotResult;
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::model_error;
use crate::inference::tasks::text_classification::checkpoint::{
    handles, SequenceClassificationPipeline,
};
use crate::inference::tasks::zero_shot::embedding::MAX_LABELS;
use crate::inference::train::softmax;
use crate::inference::Pipeline;
use crate::inference::PipelineError;

/// transformers' default hypothesis.
pub const DEFAULT_TEMPLATE: &str = "This example is {}.";

/// The class id of the first label that starts with "entail" (any case), as transformers looks
/// it up in `label2id` (`id2label` when the config has no `label2id`).
pub fn entailment_id(config: &Value) -> Option<usize> {
    let from_label2id = config["label2id"].as_object().and_then(|m| {
        m.iter()
            .find(|(label, _)| label.to_lowercase().starts_with("entail"))
            .and_then(|(_, id)| id.as_u64())
    });
    let from_id2label = || {
        config["id2label"].as_object().and_then(|m| {
            m.iter()
                .find(|(_, label)| {
                    label
                        .as_str()
                        .is_some_and(|l| l.to_lowercase().starts_with("entail"))
                })
                .and_then(|(id, _)| id.parse().ok())
        })
    };
    from_label2id.or_else(from_id2label).map(|id| id as usize)
}

/// Whether `model` is an NLI cross-encoder this file runs (false when its config can't be had).
pub fn is_checkpoint(
    model: &ModelRef,
    provision: &Provision,
    events: &mut dyn FnMut(ProvisionEvent),
) -> bool {
    provision
        .file(model, "config.json", events)
        .ok()
        .and_then(|p| crate::inference::peek_json(&p))
        .is_some_and(|c| handles(&c) && entailment_id(&c).is_some())
}

/// Splits "sport, politics" into labels (one is enough here, as in transformers).
pub fn parse_labels(text: &str) -> Result<Vec<String>, PipelineError> {
    check_labels(split_labels(text))
}

/// The candidate labels if there are enough and not too many; else what is wrong with them.
pub fn check_labels(labels: Vec<String>) -> Result<Vec<String>, PipelineError> {
    if labels.is_empty() {
        return Err(PipelineError::BadInput(
            "type the labels first, separated by commas, like: sport, music, food".into(),
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

/// The hypothesis for `label`; the template must say where the label goes.
pub fn hypothesis(template: &str, label: &str) -> Result<String, PipelineError> {
    if !template.contains("{}") {
        return Err(PipelineError::BadInput(format!(
            "the hypothesis template \"{template}\" has no {{}} for the label to go in, like \"This example is {{}}.\""
        )));
    }
    Ok(template.replace("{}", label))
}

pub struct NliZeroShotPipeline {
    classifier: SequenceClassificationPipeline,
    /// The encoder's tokenizer, cutting only the text (never the hypothesis) when too long.
    pairs: Tokenizer,
    entailment: usize,
    contradiction: usize,
    notes: Vec<String>,
}

impl NliZeroShotPipeline {
    pub fn load(
        model: &ModelRef,
        provision: &Provision,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<NliZeroShotPipeline, PipelineError> {
        NliZeroShotPipeline::new(SequenceClassificationPipeline::load(
            model, provision, events,
        )?)
    }

    pub fn new(
        classifier: SequenceClassificationPipeline,
    ) -> Result<NliZeroShotPipeline, PipelineError> {
        let encoder = classifier.encoder();
        let n = classifier.label_names().len();
        let entailment = entailment_id(&encoder.config)
            .filter(|&id| id < n)
            .ok_or_else(|| {
                model_error(
                    "this model has no \"entailment\" label: it isn't an NLI model, so it can't do zero-shot classification",
                )
            })?;
        // transformers' rule: contradiction is the last class when entailment is the first,
        // else the first.
        let contradiction = if entailment == 0 { n - 1 } else { 0 };
        let mut pairs = encoder.tokenizer.clone();
        pairs
            .with_truncation(Some(TruncationParams {
                direction: TruncationDirection::Right,
                max_length: encoder.max_len,
                strategy: TruncationStrategy::OnlyFirst,
                stride: 0,
            }))
            .map_err(PipelineError::Truncation)?;
        Ok(NliZeroShotPipeline {
            classifier,
            pairs,
            entailment,
            contradiction,
            notes: Vec::new(),
        })
    }

    /// The model's logits for the pair (text, hypothesis); whether the text had to be cut.
    fn pair_logits(&self, text: &str, hypothesis: &str) -> Result<(Vec<f32>, bool), PipelineError> {
        let enc = self.pairs.encode((text, hypothesis), true).map_err(|e| {
            PipelineError::BadInput(format!(
                "the label sentence \"{hypothesis}\" is too long for this model ({e})"
            ))
        })?;
        let encoder = self.classifier.encoder();
        let hidden = encoder.hidden_states_typed(enc.get_ids(), enc.get_type_ids())?;
        let logits: Tensor = self.classifier.logits(&hidden)?;
        Ok((
            logits.squeeze(0)?.to_vec1()?,
            !enc.get_overflowing().is_empty(),
        ))
    }

    /// One text's labels, best first, as transformers scores them.
    pub fn classify(
        &self,
        text: &str,
        labels: &[String],
        template: &str,
        multi_label: bool,
    ) -> Result<(ZeroShotResult, bool), PipelineError> {
        if text.trim().is_empty() {
            return Err(PipelineError::BadInput(
                "the text is empty: type a sentence first".into(),
            ));
        }
        let mut entail = Vec::new();
        let mut contra = Vec::new();
        let mut cut = false;
        for label in labels {
            let (logits, was_cut) = self.pair_logits(text, &hypothesis(template, label)?)?;
            entail.push(logits[self.entailment]);
            contra.push(logits[self.contradiction]);
            cut |= was_cut;
        }
        let scores: Vec<f32> = if multi_label || labels.len() == 1 {
            contra
                .iter()
                .zip(&entail)
                .map(|(&c, &e)| softmax(&[c, e])[1])
                .collect()
        } else {
            softmax(&entail)
        };
        // Best first; ties keep numpy's reversed-argsort order (the later label first).
        let mut order: Vec<usize> = (0..labels.len()).collect();
        order.sort_by(|&a, &b| scores[b].total_cmp(&scores[a]).then(b.cmp(&a)));
        let result = ZeroShotResult {
            sequence: text.to_string(),
            labels: order.iter().map(|&i| labels[i].clone()).collect(),
            scores: order.iter().map(|&i| scores[i]).collect(),
        };
        Ok((result, cut))
    }
}

impl Pipeline for NliZeroShotPipeline {
    fn task(&self) -> Task {
        Task::ZeroShotClassification
    }

    /// `inputs[0]`: the candidate labels, comma-separated; the rest: the texts to classify.
    fn run_input(
        &mut self,
        input: &TaskInput,
        params: &RunParams,
        _runs: usize,
        _stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        self.notes.clear();
        let TaskInput::Labeled { labels, texts } = input else {
            return Err(InputError::NoLabels.into());
        };
        let labels = check_labels(labels.clone())?;
        if texts.is_empty() {
            return Err(PipelineError::BadInput(
                "there is no text to classify: the first input holds the labels, the next ones the texts".into(),
            ));
        }
        let template = params
            .hypothesis_template
            .as_deref()
            .unwrap_or(DEFAULT_TEMPLATE);
        let mut results = Vec::new();
        for (i, text) in texts.iter().enumerate() {
            let (result, cut) = self.classify(text, &labels, template, params.multi_label)?;
            if cut {
                self.notes.push(format!(
                    "text {} is longer than this model reads: only its first {} tokens (with the label sentence) were read",
                    i + 1,
                    self.classifier.encoder().max_len
                ));
            }
            results.push(result);
        }
        Ok(PipelineOutput::ZeroShot(results))
    }

    fn last_notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_entailment_label_is_found_in_any_case() {
        let c = json!({"label2id": {"contradiction": 0, "entailment": 1, "neutral": 2}});
        assert_eq!(entailment_id(&c), Some(1));
        let c = json!({"id2label": {"0": "ENTAILMENT", "1": "NEUTRAL"}});
        assert_eq!(entailment_id(&c), Some(0));
        let c = json!({"id2label": {"0": "NEGATIVE", "1": "POSITIVE"}});
        assert_eq!(entailment_id(&c), None);
    }

    #[test]
    fn one_label_is_enough_and_templates_need_a_slot() {
        assert_eq!(parse_labels(" sport ,, Sport").unwrap(), ["sport"]);
        assert!(parse_labels(" , ").is_err());
        assert_eq!(
            hypothesis("It is about {}.", "food").unwrap(),
            "It is about food."
        );
        let err = hypothesis("It is about food.", "food").unwrap_err();
        assert!(err.to_string().contains("has no {}"), "{err}");
    }
}
