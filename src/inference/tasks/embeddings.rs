//! Sentence embeddings with a BERT-family model (all-MiniLM-L6-v2 and kin): tokenize, run the
//! encoder, pool over the attention mask and L2-normalise, exactly as sentence-transformers does;
//! plus the `feature-extraction` and `sentence-similarity` pipelines built on it.

use crate::domain::TaskInput;
use std::path::Path;

use candle_core::{DType, Device, Tensor};
use candle_transformers::models::bert::{BertModel, Config};
use serde::Deserialize;
use tokenizers::{Tokenizer, TruncationDirection, TruncationParams, TruncationStrategy};

use crate::domain::ModelRef;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::Stream;
use crate::domain::Task;
use crate::hub::{Provision, ProvisionEvent};
use crate::inference::arch::weights::{self, WeightFiles};
use crate::inference::read_json_as as read_json;
use crate::inference::tokenizers::load as tokenizers_load;
use crate::inference::Pipeline;
use crate::inference::PipelineError;

/// Inputs per forward pass: inputs are sorted by length first, so little padding is wasted.
const BATCH_SIZE: usize = 16;

/// How token vectors become one sentence vector (sentence-transformers' `1_Pooling/config.json`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pooling {
    Mean,
    Cls,
    Max,
}

#[derive(Debug, Deserialize)]
struct SentenceBertConfig {
    max_seq_length: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
struct PoolingConfig {
    #[serde(default)]
    pooling_mode_cls_token: bool,
    #[serde(default)]
    pooling_mode_max_tokens: bool,
}

/// The files a sentence embedder is made of.
#[derive(Debug, Clone)]
pub struct EmbedderFiles<'a> {
    pub config: &'a Path,
    pub tokenizer: &'a Tokenizer,
    pub weights: &'a WeightFiles,
    /// `sentence_bert_config.json` (for `max_seq_length`), if the model has one.
    pub sentence_config: Option<&'a Path>,
    /// `1_Pooling/config.json`, if the model has one (mean pooling otherwise).
    pub pooling_config: Option<&'a Path>,
}

/// A loaded BERT sentence embedder.
pub struct Embedder {
    model: BertModel,
    tokenizer: Tokenizer,
    pooling: Pooling,
    max_len: usize,
    pad_id: u32,
    device: Device,
    /// Which weights file was read, when it's not the usual model.safetensors (told once).
    weights_note: Option<String>,
}

/// Embeddings of a batch of texts, with the texts that had to be cut.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedded {
    pub vectors: Vec<Vec<f32>>,
    /// (input index, its length in tokens) for each input longer than the model's maximum.
    pub truncated: Vec<(usize, usize)>,
}

impl Embedder {
    /// Fetches the model's files through `provision` and loads it.
    pub fn load(
        model: &ModelRef,
        provision: &Provision,
        events: &mut dyn FnMut(ProvisionEvent),
    ) -> Result<Embedder, PipelineError> {
        let config = provision.file(model, "config.json", events)?;
        let tokenizer = tokenizers_load::load(provision, model, events)?;
        let weights = weights::find(provision, model, events)?;
        // Optional: plain BERT checkpoints don't have them.
        let sentence_config = provision
            .file(model, "sentence_bert_config.json", events)
            .ok();
        let pooling_config = provision.file(model, "1_Pooling/config.json", events).ok();
        events(ProvisionEvent::Note(format!("loading {model} into memory")));
        Embedder::from_files(&EmbedderFiles {
            config: &config,
            tokenizer: &tokenizer,
            weights: &weights,
            sentence_config: sentence_config.as_deref(),
            pooling_config: pooling_config.as_deref(),
        })
    }

    /// Loads from files on disk (weights are memory-mapped).
    pub fn from_files(files: &EmbedderFiles<'_>) -> Result<Embedder, PipelineError> {
        let config: Config = read_json(files.config)?;
        let max_len = match files.sentence_config {
            Some(p) => read_json::<SentenceBertConfig>(p)?.max_seq_length,
            None => None,
        }
        .unwrap_or(config.max_position_embeddings)
        .min(config.max_position_embeddings)
        .max(2);
        let pooling = match files.pooling_config {
            Some(p) => {
                let pc: PoolingConfig = read_json(p)?;
                if pc.pooling_mode_cls_token {
                    Pooling::Cls
                } else if pc.pooling_mode_max_tokens {
                    Pooling::Max
                } else {
                    Pooling::Mean
                }
            }
            None => Pooling::Mean,
        };
        let mut tokenizer = files.tokenizer.clone();
        // The file may carry its own padding/truncation (MiniLM's pads everything to 128): we pad
        // per batch ourselves and truncate at the sentence-transformers limit, as it does.
        tokenizer.with_padding(None);
        tokenizer
            .with_truncation(Some(TruncationParams {
                direction: TruncationDirection::Right,
                max_length: max_len,
                strategy: TruncationStrategy::LongestFirst,
                stride: 0,
            }))
            .map_err(PipelineError::Truncation)?;
        let pad_id = tokenizer
            .token_to_id("[PAD]")
            .unwrap_or(config.pad_token_id as u32);
        let device = Device::Cpu;
        let vb = files.weights.open(DType::F32, &device)?;
        let model = BertModel::load(vb, &config)?;
        Ok(Embedder {
            model,
            tokenizer,
            pooling,
            max_len,
            pad_id,
            device,
            weights_note: (!files.weights.is_plain()).then(|| files.weights.note()),
        })
    }

    /// The longest input in tokens (special tokens included); longer inputs are cut.
    pub fn max_len(&self) -> usize {
        self.max_len
    }

    pub fn tokenizer(&self) -> &Tokenizer {
        &self.tokenizer
    }

    /// One L2-normalised vector per text.
    pub fn embed(&self, texts: &[String]) -> Result<Embedded, PipelineError> {
        check_texts(texts)?;
        let encodings = self
            .tokenizer
            .encode_batch(texts.to_vec(), true)
            .map_err(PipelineError::Tokenizer)?;
        let mut truncated = Vec::new();
        for (i, enc) in encodings.iter().enumerate() {
            if !enc.get_overflowing().is_empty() {
                truncated.push((i, self.untruncated_len(&texts[i]).unwrap_or(enc.len())));
            }
        }
        let mut order: Vec<usize> = (0..texts.len()).collect();
        order.sort_by_key(|&i| encodings[i].len());
        let mut vectors = vec![Vec::new(); texts.len()];
        for chunk in order.chunks(BATCH_SIZE) {
            let seqs: Vec<&[u32]> = chunk.iter().map(|&i| encodings[i].get_ids()).collect();
            let pooled = self.forward_batch(&seqs)?;
            for (&i, v) in chunk.iter().zip(pooled) {
                vectors[i] = v;
            }
        }
        Ok(Embedded { vectors, truncated })
    }

    /// The last layer's vector for each token of `text` (special tokens included), unpooled and
    /// unnormalised: transformers' feature-extraction output for one text.
    pub fn token_features(&self, text: &str) -> Result<Vec<Vec<f32>>, PipelineError> {
        check_texts(&[text.to_string()])?;
        let enc = self
            .tokenizer
            .encode_fast(text, true)
            .map_err(PipelineError::Tokenizer)?;
        let ids = enc.get_ids();
        let n = ids.len();
        let ids = Tensor::from_vec(ids.to_vec(), (1, n), &self.device)?;
        let mask = ids.ones_like()?;
        let token_types = ids.zeros_like()?;
        let hidden = self.model.forward(&ids, &token_types, Some(&mask))?; // (1, n, dim)
        Ok(hidden.squeeze(0)?.to_vec2::<f32>()?)
    }

    /// Token count of `text` without truncation (special tokens included).
    fn untruncated_len(&self, text: &str) -> Option<usize> {
        let mut tok = self.tokenizer.clone();
        tok.with_truncation(None).ok()?;
        tok.encode_fast(text, true).ok().map(|e| e.len())
    }

    fn forward_batch(&self, seqs: &[&[u32]]) -> Result<Vec<Vec<f32>>, PipelineError> {
        let n = seqs.len();
        let len = seqs.iter().map(|s| s.len()).max().unwrap_or(0).max(1);
        let mut ids = Vec::with_capacity(n * len);
        let mut mask = Vec::with_capacity(n * len);
        for s in seqs {
            ids.extend_from_slice(s);
            ids.extend(std::iter::repeat_n(self.pad_id, len - s.len()));
            mask.extend(std::iter::repeat_n(1u32, s.len()));
            mask.extend(std::iter::repeat_n(0u32, len - s.len()));
        }
        let ids = Tensor::from_vec(ids, (n, len), &self.device)?;
        let mask = Tensor::from_vec(mask, (n, len), &self.device)?;
        let token_types = ids.zeros_like()?;
        let hidden = self.model.forward(&ids, &token_types, Some(&mask))?; // (n, len, dim)
        let maskf = mask.to_dtype(DType::F32)?.unsqueeze(2)?; // (n, len, 1)
        let pooled = match self.pooling {
            Pooling::Mean => {
                let summed = hidden.broadcast_mul(&maskf)?.sum(1)?; // (n, dim)
                let counts = maskf.sum(1)?.clamp(1e-9f32, f32::MAX)?; // (n, 1)
                summed.broadcast_div(&counts)?
            }
            Pooling::Cls => hidden.narrow(1, 0, 1)?.squeeze(1)?,
            Pooling::Max => {
                // Padding positions get a very low value so they never win the max.
                let low = ((maskf.ones_like()? - &maskf)? * -1e9f64)?;
                hidden.broadcast_add(&low)?.max(1)?
            }
        };
        // sentence-transformers' Normalize: x / max(||x||, 1e-12).
        let norms = pooled
            .sqr()?
            .sum_keepdim(1)?
            .sqrt()?
            .clamp(1e-12f32, f32::MAX)?;
        let normed = pooled.broadcast_div(&norms)?;
        Ok(normed.to_vec2::<f32>()?)
    }
}

/// Cosine similarity of two vectors (plain, without assuming they are normalised).
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na: f32 = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb: f32 = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na == 0.0 || nb == 0.0 {
        0.0
    } else {
        dot / (na * nb)
    }
}

/// The cosine of every pair of `vectors`: row i, column j.
pub fn similarity_matrix(vectors: &[Vec<f32>]) -> Vec<Vec<f32>> {
    vectors
        .iter()
        .map(|a| vectors.iter().map(|b| cosine(a, b)).collect())
        .collect()
}

fn check_texts(texts: &[String]) -> Result<(), PipelineError> {
    if texts.is_empty() {
        return Err(PipelineError::BadInput(
            "there is no text to embed: type a sentence".into(),
        ));
    }
    if let Some(i) = texts.iter().position(|t| t.trim().is_empty()) {
        return Err(PipelineError::BadInput(if texts.len() == 1 {
            "the text is empty: type a sentence".into()
        } else {
            format!("text {} is empty: type a sentence", i + 1)
        }));
    }
    Ok(())
}

/// `feature-extraction` or `sentence-similarity` on a loaded embedder.
pub struct EmbeddingPipeline {
    task: Task,
    embedder: Embedder,
    notes: Vec<String>,
}

impl EmbeddingPipeline {
    pub fn new(task: Task, embedder: Embedder) -> EmbeddingPipeline {
        EmbeddingPipeline {
            task,
            embedder,
            notes: Vec::new(),
        }
    }
}

impl Pipeline for EmbeddingPipeline {
    fn task(&self) -> Task {
        self.task
    }

    fn run_input(
        &mut self,
        input: &TaskInput,
        params: &RunParams,
        _runs: usize,
        stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        let inputs = input.texts();
        self.notes.clear();
        self.notes.extend(self.embedder.weights_note.take());
        if params.token_features && self.task == Task::FeatureExtraction {
            let [text] = inputs else {
                return Err(PipelineError::BadInput(
                    "token features are given for one text at a time".into(),
                ));
            };
            return Ok(PipelineOutput::Embeddings(
                self.embedder.token_features(text)?,
            ));
        }
        if self.task == Task::SentenceSimilarity && inputs.len() < 2 {
            return Err(PipelineError::BadInput(
                "similarity needs at least two sentences: the first is compared with each of the others"
                    .into(),
            ));
        }
        let out = self.embedder.embed(inputs)?;
        let max = self.embedder.max_len();
        for &(i, len) in &out.truncated {
            self.notes.push(format!(
                "text {} is {len} tokens long: only its first {max} were used (the model's limit)",
                i + 1
            ));
        }
        Ok(match self.task {
            Task::SentenceSimilarity => {
                let (first, rest) = out
                    .vectors
                    .split_first()
                    .ok_or_else(|| PipelineError::BadInput("there is no text to compare".into()))?;
                if out.vectors.len() >= 3 {
                    // For a heatmap; the answer stays first-vs-others, like transformers'.
                    stream(Stream::SimilarityMatrix(similarity_matrix(&out.vectors)));
                }
                PipelineOutput::Similarities(rest.iter().map(|v| cosine(first, v)).collect())
            }
            _ => PipelineOutput::Embeddings(out.vectors),
        })
    }

    fn last_notes(&self) -> Vec<String> {
        self.notes.clone()
    }
}
