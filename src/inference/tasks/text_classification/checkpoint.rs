//! `text-classification` with a fine-tuned checkpoint's own head, for folders whose config names
//! `BertForSequenceClassification` (pooler + classifier) or `DistilBertForSequenceClassification`
//! (pre_classifier + ReLU + classifier): softmax (sigmoid for one label), labels from `id2label`,
//! every label likeliest first, cut to `top_k` when given. The course's default
//! (MiniLM + the shipped sentiment head, text_classification/head.rs) is untouched.

use crate::domain::TaskInput;
use candle_core::{Module, Tensor};
use candle_nn::{linear, Linear};
use serde_json::Value;

use crate::domain::LabelScore;
use crate::domain::ModelRef;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::Stream;
use crate::domain::Task;
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::arch::bert_heads::{truncation_note, Encoder};
use crate::inference::model_error;
use crate::inference::Pipeline;
use crate::inference::PipelineError;

/// Whether a model's config.json names a sequence-classification architecture this file runs.
pub fn handles(config: &Value) -> bool {
    matches!(
        config["architectures"][0].as_str(),
        Some("BertForSequenceClassification" | "DistilBertForSequenceClassification")
    ) || config["architectures"][0].as_str().is_some_and(|a| {
        crate::inference::arch::roberta_heads::SEQUENCE_CLASSIFICATION.contains(&a)
    })
}

/// Whether `model` is such a checkpoint (false when its config can't be had).
pub fn is_checkpoint(
    model: &ModelRef,
    provision: &Provision,
    events: &mut dyn FnMut(ProvisionEvent),
) -> bool {
    provision
        .file(model, "config.json", events)
        .ok()
        .and_then(|p| crate::inference::peek_json(&p))
        .is_some_and(|c| handles(&c))
}

enum Head {
    /// BERT: tanh(dense(hidden of [CLS])), then the classifier.
    Pooler { pooler: Linear, classifier: Linear },
    /// DistilBERT: relu(pre_classifier(hidden of the first token)), then the classifier.
    PreClassifier { pre: Linear, classifier: Linear },
    /// RoBERTa family and ModernBERT (roberta_heads.rs).
    Other(crate::inference::arch::roberta_heads::ClassifierHead),
}

pub struct SequenceClassificationPipeline {
    encoder: Encoder,
    head: Head,
    labels: Vec<String>,
    notes: Vec<String>,
}

impl SequenceClassificationPipeline {
    pub fn load(
        model: &ModelRef,
        provision: &Provision,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<SequenceClassificationPipeline, PipelineError> {
        SequenceClassificationPipeline::new(Encoder::load(model, provision, events)?)
    }

    pub fn new(encoder: Encoder) -> Result<SequenceClassificationPipeline, PipelineError> {
        if !handles(&encoder.config) {
            return Err(model_error(
                "config.json names no BERT, DistilBERT, RoBERTa or ModernBERT sequence-classification head",
            ));
        }
        let n = encoder.config["id2label"]
            .as_object()
            .map_or(2, |m| m.len())
            .max(1);
        let (vb, h) = (&encoder.vb, encoder.hidden);
        let head = if let Some(head) =
            crate::inference::arch::roberta_heads::ClassifierHead::load(&encoder, n)?
        {
            Head::Other(head)
        } else if encoder.is_distilbert() {
            Head::PreClassifier {
                pre: linear(h, h, vb.pp("pre_classifier"))?,
                classifier: linear(h, n, vb.pp("classifier"))?,
            }
        } else {
            Head::Pooler {
                pooler: linear(h, h, vb.pp("bert.pooler.dense"))?,
                classifier: linear(h, n, vb.pp("classifier"))?,
            }
        };
        let labels = encoder.labels(n);
        Ok(SequenceClassificationPipeline {
            encoder,
            head,
            labels,
            notes: Vec::new(),
        })
    }

    /// Every label with its probability for `text`, likeliest first.
    pub fn classify(&self, text: &str) -> Result<Vec<LabelScore>, PipelineError> {
        let enc = self.encoder.encode(text)?;
        let hidden = self.encoder.hidden_states(enc.get_ids())?;
        let logits = self.logits(&hidden)?;
        let probs: Vec<f32> = scores(&logits.squeeze(0)?)?;
        let mut out: Vec<LabelScore> = self
            .labels
            .iter()
            .zip(probs)
            .map(|(label, score)| LabelScore {
                label: label.clone(),
                score,
            })
            .collect();
        out.sort_by(|a, b| b.score.total_cmp(&a.score));
        Ok(out)
    }

    /// The encoder, for callers that tokenize themselves (text pairs for zero-shot NLI).
    pub fn encoder(&self) -> &Encoder {
        &self.encoder
    }

    /// The label names, by class id.
    pub fn label_names(&self) -> &[String] {
        &self.labels
    }

    /// The head's logits (1, labels) from one sequence's last hidden states (tokens, hidden).
    pub fn logits(&self, hidden: &Tensor) -> Result<Tensor, PipelineError> {
        let first = hidden.get(0)?.unsqueeze(0)?;
        Ok(match &self.head {
            Head::Pooler { pooler, classifier } => {
                classifier.forward(&pooler.forward(&first)?.tanh()?)?
            }
            Head::PreClassifier { pre, classifier } => {
                classifier.forward(&pre.forward(&first)?.relu()?)?
            }
            Head::Other(head) => head.logits(hidden)?,
        })
    }
}

/// Softmax over the labels, or sigmoid when there is only one (as transformers does).
fn scores(logits: &Tensor) -> Result<Vec<f32>, PipelineError> {
    let probs = if logits.dim(0)? == 1 {
        candle_nn::ops::sigmoid(logits)?
    } else {
        candle_nn::ops::softmax(logits, 0)?
    };
    Ok(probs.to_vec1()?)
}

impl Pipeline for SequenceClassificationPipeline {
    fn task(&self) -> Task {
        Task::TextClassification
    }

    fn run_input(
        &mut self,
        input: &TaskInput,
        params: &RunParams,
        _runs: usize,
        _stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        let inputs = input.texts();
        let mut out = Vec::new();
        for text in inputs {
            let mut labels = self.classify(text)?;
            if let Some(k) = params.top_k {
                labels.truncate(k.max(1));
            }
            out.push(labels);
        }
        self.notes = truncation_note(&self.encoder.truncated(inputs), self.encoder.max_len);
        Ok(PipelineOutput::Labels(out))
    }

    fn last_notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}
