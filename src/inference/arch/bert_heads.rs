//! BERT and DistilBERT checkpoints with a task head (masked-LM, token or sequence
//! classification), as transformers saves them: the encoder from candle_transformers, the
//! tokenizer and config read once, and the small heads candle lacks built here with VarBuilder.

use std::path::Path;

use candle_core::{DType, Device, Module, Tensor, D};
use candle_nn::{layer_norm, linear, Activation, LayerNorm, Linear, VarBuilder};
use candle_transformers::models::bert;
use serde_json::Value;
use tokenizers::{Encoding, Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use crate::domain::ModelRef;
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::arch::distilbert::{DistilBert, EPS as DISTILBERT_EPS};
use crate::inference::arch::roberta::{is_roberta, ModernBertBody, RobertaBody};
use crate::inference::arch::weights;
use crate::inference::model_error;
use crate::inference::read_json;
use crate::inference::tokenizers::load as tokenizers_load;
use crate::inference::PipelineError;

enum Body {
    Bert(bert::BertModel),
    DistilBert(DistilBert),
    Roberta(RobertaBody),
    ModernBert(ModernBertBody),
}

/// A loaded encoder with its tokenizer, config and weights (for the head to take its part of).
pub struct Encoder {
    body: Body,
    pub tokenizer: Tokenizer,
    pub config: Value,
    pub vb: VarBuilder<'static>,
    pub hidden: usize,
    pub max_len: usize,
    /// `tokenizer_config.json`, when the model has one (special token names live there).
    pub tokenizer_config: Option<Value>,
}

/// Inputs that the last run had to cut, with their length in tokens.
pub type Truncations = Vec<(usize, usize)>;

impl Encoder {
    /// Fetches config, tokenizer and weights of `model` through `provision` and loads the encoder.
    pub fn load(
        model: &ModelRef,
        provision: &Provision,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<Encoder, PipelineError> {
        let config = provision.file(model, "config.json", events)?;
        let tokenizer = tokenizers_load::load(provision, model, events)?;
        let weights = weights::load(provision, model, events, DType::F32, &Device::Cpu)?;
        let tokenizer_config = provision.file(model, "tokenizer_config.json", events).ok();
        events(ProvisionEvent::Note(format!("loading {model} into memory")));
        Encoder::from_files(&config, tokenizer, weights.vb, tokenizer_config.as_deref())
    }

    /// Builds the encoder from its files and its weights (see [`weights::load`]).
    pub fn from_files(
        config: &Path,
        mut tokenizer: Tokenizer,
        vb: VarBuilder<'static>,
        tokenizer_config: Option<&Path>,
    ) -> Result<Encoder, PipelineError> {
        let config: Value = read_json(config)?;
        let tokenizer_config = tokenizer_config.map(read_json).transpose()?;
        let model_type = config["model_type"].as_str().unwrap_or("bert").to_string();
        let parse = |what: &str, e: serde_json::Error| {
            model_error(format!("config.json doesn't describe a {what} model: {e}"))
        };
        let (body, hidden, positions) = match model_type.as_str() {
            "distilbert" => {
                let size = |key: &str| {
                    config[key].as_u64().map(|n| n as usize).ok_or_else(|| {
                        model_error(format!("config.json of a DistilBERT model needs {key}"))
                    })
                };
                let act = activation(&config)?;
                let dim = size("dim")?;
                let positions = size("max_position_embeddings")?;
                let body = DistilBert::load(
                    vb.pp("distilbert"),
                    size("vocab_size")?,
                    dim,
                    size("hidden_dim")?,
                    size("n_layers")?,
                    size("n_heads")?,
                    positions,
                    act,
                )?;
                (Body::DistilBert(body), dim, positions)
            }
            "bert" => {
                let c: bert::Config =
                    serde_json::from_value(config.clone()).map_err(|e| parse("BERT", e))?;
                let body_vb = if vb.contains_tensor("bert.embeddings.word_embeddings.weight") {
                    vb.pp("bert")
                } else {
                    vb.clone()
                };
                let body = bert::BertModel::load(body_vb, &c)?;
                (Body::Bert(body), c.hidden_size, c.max_position_embeddings)
            }
            t if is_roberta(t) => {
                let (body, hidden, positions) = RobertaBody::load(vb.clone(), &config)?;
                (Body::Roberta(body), hidden, positions)
            }
            "modernbert" => {
                let (body, hidden, positions) = ModernBertBody::load(vb.clone(), &config)?;
                (Body::ModernBert(body), hidden, positions)
            }
            other => {
                return Err(model_error(format!(
                    "this pipeline runs BERT, DistilBERT, RoBERTa and ModernBERT models, not \"{other}\""
                )))
            }
        };
        let max_len = tokenizer_config
            .as_ref()
            .and_then(|t| t["model_max_length"].as_u64())
            .map_or(positions, |m| (m as usize).min(positions))
            .max(2);
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                direction: TruncationDirection::Right,
                max_length: max_len,
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
            }))
            .map_err(PipelineError::Truncation)?;
        Ok(Encoder {
            body,
            tokenizer,
            config,
            vb,
            hidden,
            max_len,
            tokenizer_config,
        })
    }

    pub fn is_distilbert(&self) -> bool {
        matches!(self.body, Body::DistilBert(_))
    }

    /// The first of the config's `architectures` (`BertForMaskedLM`, …), if it names one.
    pub fn architecture(&self) -> Option<&str> {
        self.config["architectures"][0].as_str()
    }

    /// The name the tokenizer config gives a special token (`mask_token`, `pad_token`, …).
    pub fn special_token(&self, key: &str) -> Option<String> {
        let v = &self.tokenizer_config.as_ref()?[key];
        v.as_str()
            .or_else(|| v["content"].as_str())
            .map(str::to_string)
    }

    /// The label of each class id, from the config's `id2label` (`LABEL_i` where it is silent).
    pub fn labels(&self, n: usize) -> Vec<String> {
        (0..n)
            .map(|i| {
                self.config["id2label"][i.to_string()]
                    .as_str()
                    .map_or_else(|| format!("LABEL_{i}"), str::to_string)
            })
            .collect()
    }

    /// The hidden activation the config names (`gelu` if it names none).
    pub fn activation(&self) -> Result<Activation, PipelineError> {
        activation(&self.config)
    }

    pub fn layer_norm_eps(&self) -> f64 {
        self.config["layer_norm_eps"]
            .as_f64()
            .unwrap_or(DISTILBERT_EPS)
    }

    /// Tokenizes one text (cut at the model's maximum length); empty text is refused.
    pub fn encode(&self, text: &str) -> Result<Encoding, PipelineError> {
        if text.trim().is_empty() {
            return Err(PipelineError::BadInput(
                "the text is empty: type a sentence first".into(),
            ));
        }
        self.tokenizer
            .encode(text, true)
            .map_err(PipelineError::Tokenizer)
    }

    /// The token count of `encoding`'s text before it was cut, if it was cut.
    pub fn truncated_len(&self, text: &str, encoding: &Encoding) -> Option<usize> {
        if encoding.get_overflowing().is_empty() {
            return None;
        }
        let mut tok = self.tokenizer.clone();
        tok.with_truncation(None).ok()?;
        tok.encode_fast(text, true).ok().map(|e| e.len())
    }

    /// Which inputs are longer than the model reads, as (input index, full token count).
    pub fn truncated(&self, inputs: &[String]) -> Vec<(usize, usize)> {
        inputs
            .iter()
            .enumerate()
            .filter_map(|(i, text)| {
                let enc = self.encode(text).ok()?;
                self.truncated_len(text, &enc).map(|n| (i, n))
            })
            .collect()
    }

    /// The last hidden states of one sequence: (tokens, hidden).
    pub fn hidden_states(&self, ids: &[u32]) -> Result<Tensor, PipelineError> {
        self.hidden_states_typed(ids, &vec![0; ids.len()])
    }

    /// As [`Encoder::hidden_states`], with token type ids (BERT reads them for text pairs;
    /// DistilBERT has none).
    pub fn hidden_states_typed(&self, ids: &[u32], types: &[u32]) -> Result<Tensor, PipelineError> {
        let device = Device::Cpu;
        let input = Tensor::new(ids, &device)?.unsqueeze(0)?;
        let out = match &self.body {
            Body::Bert(m) => {
                let types = Tensor::new(types, &device)?.unsqueeze(0)?;
                let mask = input.ones_like()?;
                m.forward(&input, &types, Some(&mask))?
            }
            Body::DistilBert(m) => return Ok(m.forward(&input)?),
            Body::Roberta(m) => m.forward(&input)?,
            Body::ModernBert(m) => m.forward(&input)?,
        };
        Ok(out.squeeze(0)?)
    }
}

/// A note for the student about inputs that were cut to the model's maximum length.
pub fn truncation_note(truncated: &Truncations, max_len: usize) -> Vec<String> {
    truncated
        .iter()
        .map(|(i, n)| {
            format!(
                "text {} is {n} tokens long: only its first {max_len} were read",
                i + 1
            )
        })
        .collect()
}

/// The masked-LM head: dense + activation + layer norm, then a decoder tied to the word
/// embeddings (BERT's `cls.predictions`, DistilBERT's `vocab_transform`/`vocab_projector`).
pub struct MlmHead {
    dense: Linear,
    act: Activation,
    norm: LayerNorm,
    decoder: Linear,
}

impl MlmHead {
    /// A head from its parts (the RoBERTa-family and ModernBERT heads are built in roberta_heads).
    pub(crate) fn from_parts(
        dense: Linear,
        act: Activation,
        norm: LayerNorm,
        decoder: Linear,
    ) -> MlmHead {
        MlmHead {
            dense,
            act,
            norm,
            decoder,
        }
    }

    pub fn load(enc: &Encoder) -> Result<MlmHead, PipelineError> {
        if let Some(head) = crate::inference::arch::roberta_heads::mlm_head(enc)? {
            return Ok(head);
        }
        let vb = &enc.vb;
        let h = enc.hidden;
        let act = enc.activation()?;
        let (dense, norm, words, bias) = if enc.is_distilbert() {
            (
                linear(h, h, vb.pp("vocab_transform"))?,
                layer_norm(h, DISTILBERT_EPS, vb.pp("vocab_layer_norm"))?,
                [
                    "vocab_projector.weight",
                    "distilbert.embeddings.word_embeddings.weight",
                ],
                "vocab_projector.bias",
            )
        } else {
            let t = vb.pp("cls.predictions.transform");
            (
                linear(h, h, t.pp("dense"))?,
                layer_norm(h, enc.layer_norm_eps(), t.pp("LayerNorm"))?,
                [
                    "cls.predictions.decoder.weight",
                    "bert.embeddings.word_embeddings.weight",
                ],
                "cls.predictions.bias",
            )
        };
        let vocab = enc.config["vocab_size"]
            .as_u64()
            .ok_or_else(|| model_error("config.json has no vocab_size"))?
            as usize;
        let weight_name = words
            .into_iter()
            .find(|n| vb.contains_tensor(n))
            .ok_or_else(|| model_error("the model has no masked-LM decoder weights"))?;
        let weight = vb.get((vocab, h), weight_name)?;
        let bias = vb.get(vocab, bias)?;
        Ok(MlmHead {
            dense,
            act,
            norm,
            decoder: Linear::new(weight, Some(bias)),
        })
    }

    /// Token probabilities (softmax over the vocabulary) for each row of `hidden`.
    pub fn probabilities(&self, hidden: &Tensor) -> Result<Tensor, PipelineError> {
        let x = self.act.forward(&self.dense.forward(hidden)?)?;
        let logits = self.decoder.forward(&self.norm.forward(&x)?)?;
        Ok(candle_nn::ops::softmax(&logits, D::Minus1)?)
    }
}

/// The hidden activation a config names (`hidden_act`, or DistilBERT's `activation`).
fn activation(config: &Value) -> Result<Activation, PipelineError> {
    let name = config["hidden_act"]
        .as_str()
        .or(config["activation"].as_str())
        .unwrap_or("gelu");
    serde_json::from_value(Value::String(name.to_string()))
        .map_err(|_| model_error(format!("unknown activation \"{name}\" in config.json")))
}

/// The character index of byte offset `byte` in `text` (transformers counts characters).
pub(crate) fn char_index(text: &str, byte: usize) -> usize {
    text.get(..byte).map_or(byte, |s| s.chars().count())
}
