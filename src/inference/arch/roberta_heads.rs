//! The task heads of RoBERTa-family and ModernBERT checkpoints, with transformers' weight names:
//! sequence classification (RoBERTa's `classifier.dense` + tanh + `classifier.out_proj` on `<s>`;
//! ModernBERT's `head` (dense + GELU + norm) on the `[CLS]` or mean-pooled tokens, then
//! `classifier`) and the masked-LM heads (`lm_head.*` / `head.*` + `decoder.bias`), whose decoders
//! are tied to the word embeddings.

use candle_core::{Module, Tensor};
use candle_nn::{linear, linear_no_bias, Activation, LayerNorm, Linear, VarBuilder};

use crate::inference::arch::bert_heads::{Encoder, MlmHead};
use crate::inference::arch::roberta::{is_roberta, ROBERTA_PREFIX};
use crate::inference::model_error;
use crate::inference::PipelineError;

/// Sequence-classification architectures whose head is built here.
pub const SEQUENCE_CLASSIFICATION: [&str; 4] = [
    "RobertaForSequenceClassification",
    "XLMRobertaForSequenceClassification",
    "CamembertForSequenceClassification",
    "ModernBertForSequenceClassification",
];

fn model_type(enc: &Encoder) -> &str {
    enc.config["model_type"].as_str().unwrap_or("")
}

/// ModernBERT's prediction head: dense (bias only with `classifier_bias`), the classifier
/// activation, then a layer norm without bias.
pub struct PredictionHead {
    dense: Linear,
    act: Activation,
    norm: LayerNorm,
}

fn modernbert_eps(enc: &Encoder) -> f64 {
    enc.config["norm_eps"]
        .as_f64()
        .or(enc.config["layer_norm_eps"].as_f64())
        .unwrap_or(1e-5)
}

impl PredictionHead {
    fn load(enc: &Encoder) -> Result<PredictionHead, PipelineError> {
        let (h, vb) = (enc.hidden, enc.vb.pp("head"));
        let dense = match enc.config["classifier_bias"].as_bool() {
            Some(true) => linear(h, h, vb.pp("dense"))?,
            _ => linear_no_bias(h, h, vb.pp("dense"))?,
        };
        let act_name = enc.config["classifier_activation"]
            .as_str()
            .unwrap_or("gelu");
        let act: Activation = serde_json::from_value(act_name.into()).map_err(|_| {
            model_error(format!(
                "unknown classifier_activation \"{act_name}\" in config.json"
            ))
        })?;
        let norm = LayerNorm::new_no_bias(vb.get(h, "norm.weight")?, modernbert_eps(enc));
        Ok(PredictionHead { dense, act, norm })
    }

    fn forward(&self, x: &Tensor) -> Result<Tensor, PipelineError> {
        let x = self.act.forward(&self.dense.forward(x)?)?;
        Ok(self.norm.forward(&x)?)
    }
}

/// A RoBERTa-family or ModernBERT sequence-classification head.
pub enum ClassifierHead {
    Roberta {
        dense: Linear,
        out_proj: Linear,
    },
    ModernBert {
        head: PredictionHead,
        classifier: Linear,
        mean_pooling: bool,
    },
}

impl ClassifierHead {
    /// The head for `n` labels, when `enc` is a RoBERTa-family or ModernBERT model.
    pub fn load(enc: &Encoder, n: usize) -> Result<Option<ClassifierHead>, PipelineError> {
        let (h, vb) = (enc.hidden, &enc.vb);
        let kind = model_type(enc);
        Ok(if is_roberta(kind) {
            Some(ClassifierHead::Roberta {
                dense: linear(h, h, vb.pp("classifier.dense"))?,
                out_proj: linear(h, n, vb.pp("classifier.out_proj"))?,
            })
        } else if kind == "modernbert" {
            let pooling = enc.config["classifier_pooling"].as_str().unwrap_or("cls");
            if !matches!(pooling, "cls" | "mean") {
                return Err(model_error(format!(
                    "unknown classifier_pooling \"{pooling}\" in config.json"
                )));
            }
            Some(ClassifierHead::ModernBert {
                head: PredictionHead::load(enc)?,
                classifier: linear(h, n, vb.pp("classifier"))?,
                mean_pooling: pooling == "mean",
            })
        } else {
            None
        })
    }

    /// The logits (1, labels) from the last hidden states (tokens, hidden) of one sequence.
    pub fn logits(&self, hidden: &Tensor) -> Result<Tensor, PipelineError> {
        match self {
            ClassifierHead::Roberta { dense, out_proj } => {
                let first = hidden.get(0)?.unsqueeze(0)?;
                Ok(out_proj.forward(&dense.forward(&first)?.tanh()?)?)
            }
            ClassifierHead::ModernBert {
                head,
                classifier,
                mean_pooling,
            } => {
                let pooled = match mean_pooling {
                    true => hidden.mean_keepdim(0)?,
                    false => hidden.get(0)?.unsqueeze(0)?,
                };
                Ok(classifier.forward(&head.forward(&pooled)?)?)
            }
        }
    }
}

/// The decoder tied to the word embeddings: the first of `names` the weights hold.
fn tied_decoder(enc: &Encoder, names: &[&str], bias: &[&str]) -> Result<Linear, PipelineError> {
    let vb: &VarBuilder = &enc.vb;
    let vocab = enc.config["vocab_size"]
        .as_u64()
        .ok_or_else(|| model_error("config.json has no vocab_size"))? as usize;
    let weight = find(vb, names).ok_or_else(|| model_error("the model has no word embeddings"))?;
    let weight = vb.get((vocab, enc.hidden), weight)?;
    let bias = find(vb, bias).map(|b| vb.get(vocab, b)).transpose()?;
    Ok(Linear::new(weight, bias))
}

/// The first of `names` the weights hold.
fn find<'a>(vb: &VarBuilder, names: &[&'a str]) -> Option<&'a str> {
    names.iter().copied().find(|n| vb.contains_tensor(n))
}

/// The masked-LM head of a RoBERTa-family or ModernBERT model (`None` for other models).
pub fn mlm_head(enc: &Encoder) -> Result<Option<MlmHead>, PipelineError> {
    let kind = model_type(enc);
    let h = enc.hidden;
    if is_roberta(kind) {
        let vb = enc.vb.pp("lm_head");
        let words = format!("{ROBERTA_PREFIX}.embeddings.word_embeddings.weight");
        let decoder = tied_decoder(
            enc,
            &["lm_head.decoder.weight", &words],
            &["lm_head.bias", "lm_head.decoder.bias"],
        )?;
        let eps = enc.config["layer_norm_eps"].as_f64().unwrap_or(1e-5);
        Ok(Some(MlmHead::from_parts(
            linear(h, h, vb.pp("dense"))?,
            Activation::Gelu,
            candle_nn::layer_norm(h, eps, vb.pp("layer_norm"))?,
            decoder,
        )))
    } else if kind == "modernbert" {
        let head = PredictionHead::load(enc)?;
        let decoder = tied_decoder(
            enc,
            &["decoder.weight", "model.embeddings.tok_embeddings.weight"],
            &["decoder.bias"],
        )?;
        Ok(Some(MlmHead::from_parts(
            head.dense, head.act, head.norm, decoder,
        )))
    } else {
        Ok(None)
    }
}
