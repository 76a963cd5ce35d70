//! Pipelines: one file per task behind one interface, outputs shaped like transformers' pipelines.
//! A pipeline gets model files from `models` and text from its caller; it never draws or reads lessons.

use serde::Serialize;

use crate::course::ModelRef;
use crate::models::{Provision, ProvisionEvent};
use crate::task::Task;

pub mod audio_wav;
pub mod bert_heads;
pub mod candidates;
pub mod causal_lm;
pub mod chat_template;
pub mod classify;
pub mod distilbert_body;
pub mod embeddings;
pub mod fill_mask;
pub mod generation;
pub mod gguf_load;
pub mod gguf_tokenizer;
pub mod gpt2_model;
pub mod image_classification;
pub mod image_preprocess;
pub mod image_resample;
pub mod llama_gguf;
pub mod llama_safetensors;
pub mod log_mel;
pub mod marian_model;
pub mod q4_1_kernel;
pub mod question_answering;
pub mod resnet_hf;
pub mod roberta_body;
pub mod roberta_heads;
pub mod search;
pub mod sentencepiece;
pub mod seq2seq;
pub mod seq2seq_search;
pub mod sequence_classification;
pub mod speech_recognition;
pub mod t5_model;
pub mod teach;
pub mod thumbnail;
pub mod token_classification;
pub mod tokenize;
pub mod weights;
pub mod whisper_model;
pub mod whisper_prompt;
pub mod zero_shot;
pub mod zero_shot_nli;

/// How many tokens text generation writes when nobody says (the course's default).
pub const DEFAULT_MAX_NEW_TOKENS: usize = 40;

/// Settings for one run. Fields that don't apply to a task are ignored by it.
#[derive(Debug, Clone, PartialEq)]
pub struct RunParams {
    pub max_new_tokens: usize,
    /// 0 (or below) means greedy decoding.
    pub temperature: f64,
    pub top_k: Option<usize>,
    pub top_p: Option<f64>,
    /// `None`: a fresh random seed per run.
    pub seed: Option<u64>,
    /// Wrap the input as a user message in the model's chat template.
    pub chat: bool,
    /// System message for `chat`; `None` uses the template's default.
    pub system: Option<String>,
    /// fill-mask: only score these words (transformers' `targets`); empty means every word.
    pub targets: Vec<String>,
    /// token-classification: how tokens are grouped into entities.
    pub aggregation_strategy: token_classification::Aggregation,
    /// question-answering: the text the answers are looked for in (the inputs are questions).
    pub context: String,
    /// automatic-speech-recognition: the spoken language (`en`), for multilingual Whisper models.
    pub language: Option<String>,
    /// summarization / translation: beams, length and language pair (`None`: the model's own).
    pub seq2seq: seq2seq::Seq2SeqParams,
    /// zero-shot-classification with an NLI model: score each label on its own (transformers'
    /// `multi_label`) instead of sharing 1 between them.
    pub multi_label: bool,
    /// zero-shot-classification with an NLI model: the hypothesis, `{}` standing for the label
    /// (`None`: transformers' "This example is {}.").
    pub hypothesis_template: Option<String>,
}

impl Default for RunParams {
    fn default() -> Self {
        RunParams {
            max_new_tokens: DEFAULT_MAX_NEW_TOKENS,
            temperature: 0.0,
            top_k: None,
            top_p: None,
            seed: None,
            chat: false,
            system: None,
            targets: Vec::new(),
            aggregation_strategy: token_classification::Aggregation::None,
            context: String::new(),
            language: None,
            seq2seq: seq2seq::Seq2SeqParams::default(),
            multi_label: false,
            hypothesis_template: None,
        }
    }
}

/// Why generation stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    EndOfText,
    MaxTokens,
    Cancelled,
}

/// One token of a tokenized text.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TokenInfo {
    pub id: u32,
    /// The token as the vocabulary spells it (e.g. `##ing`, `Ġworld`).
    pub token: String,
    /// Byte offsets into the input; (0, 0) for special tokens the tokenizer adds (`[CLS]`).
    pub start: usize,
    pub end: usize,
    pub special: bool,
}

/// The result of a generation run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Generation {
    /// The exact prompt given to the model (after the chat template, if any).
    pub prompt: String,
    /// The continuation only.
    pub text: String,
    pub token_ids: Vec<u32>,
    pub stop: StopReason,
    /// Prompt tokens/s and decode tokens/s, measured.
    pub prompt_tokens: usize,
    pub prompt_tokens_per_s: f64,
    pub decode_tokens_per_s: f64,
}

/// What a pipeline returns.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum PipelineOutput {
    /// feature-extraction: one pooled, normalised vector per input.
    Embeddings(Vec<Vec<f32>>),
    /// sentence-similarity: cosine of the first input with each of the others.
    Similarities(Vec<f32>),
    /// text-generation: one entry per run.
    Generations(Vec<Generation>),
    /// tokenize: the tokens of each input.
    Tokens(Vec<Vec<TokenInfo>>),
    /// text-classification: every label with its probability, per input, likeliest first.
    Labels(Vec<Vec<classify::LabelScore>>),
    /// zero-shot-classification: one result per text.
    ZeroShot(Vec<zero_shot::ZeroShotResult>),
    /// semantic-search: every document, closest in meaning first.
    Ranking(Vec<search::SearchHit>),
    /// train-classifier: how the student's head did on the held-out set.
    Trained(teach::TrainReport),
    /// fill-mask: per text, per mask token, the best guesses.
    FillMask(Vec<Vec<Vec<fill_mask::MaskFill>>>),
    /// token-classification: the entities of each text.
    Entities(Vec<Vec<token_classification::Entity>>),
    /// question-answering: per question, the best answers in the context, best first.
    Answers(Vec<Vec<question_answering::Answer>>),
    /// automatic-speech-recognition: what was said in each wav file (`{"text"}`).
    Transcriptions(Vec<speech_recognition::Transcription>),
    /// summarization / translation: one text per input (`{"summary_text"}` / `{"translation_text"}`).
    Seq2Seq(Vec<seq2seq::Seq2SeqText>),
}

/// A token the model considered next, with its probability.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Candidate {
    pub id: u32,
    /// The token decoded (special tokens by name).
    pub text: String,
    pub probability: f32,
}

/// Something streamed while a pipeline runs.
#[derive(Debug, Clone, PartialEq)]
pub enum Stream {
    /// Generation produced text (a token's worth, decoded) during run `run`.
    Text { run: usize, text: String },
    /// Before step `step` of run `run`'s text: the `chosen` token id and the most likely next
    /// tokens (decoded text, probability after temperature; greedy shows temperature 1), most
    /// likely first. Sent once per sampled token, also for the token that ends the text.
    Candidates {
        run: usize,
        step: usize,
        chosen: u32,
        candidates: Vec<Candidate>,
    },
    /// sentence-similarity with three or more texts: the cosine of every pair (row i, column j),
    /// for a heatmap. The output itself stays first-vs-others.
    SimilarityMatrix(Vec<Vec<f32>>),
    /// image-classification: a small copy of the picture (RGB rows, top to bottom), for the
    /// shell to show beside the labels. Sent once per picture, before the result.
    Thumbnail(Thumbnail),
    /// automatic-speech-recognition: the clip being transcribed (its path) and its length.
    Clip { path: String, seconds: f64 },
}

/// A small RGB picture: `rgb` holds `width` × `height` pixels, 3 bytes each, row by row.
#[derive(Debug, Clone, PartialEq)]
pub struct Thumbnail {
    pub width: usize,
    pub height: usize,
    pub rgb: Vec<u8>,
}

/// An error a pipeline reports: shown to the student as is.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("{0}")]
    BadInput(String),
    #[error("model error: {0}")]
    Model(String),
    #[error(transparent)]
    Provision(#[from] crate::models::ProvisionError),
}

impl From<candle_core::Error> for PipelineError {
    fn from(e: candle_core::Error) -> Self {
        PipelineError::Model(e.to_string())
    }
}

/// A loaded pipeline, kept by the worker and run many times.
pub trait Pipeline: Send {
    fn task(&self) -> Task;
    /// Runs on `inputs` (one or more texts). `runs` > 1 repeats generation (seed + i per run when a
    /// seed is set). `stream` receives partial results; returning `false` from it cancels.
    fn run(
        &mut self,
        inputs: &[String],
        params: &RunParams,
        runs: usize,
        stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError>;

    /// The model's chat template as its file has it (Jinja), for generation models that have one.
    fn chat_template(&self) -> Option<String> {
        None
    }

    /// Notes about the last run worth showing the student, e.g. that an input was truncated to
    /// the model's maximum length.
    fn last_notes(&self) -> Vec<String> {
        Vec::new()
    }
}

/// Loads the pipeline for `task` on `model`, getting its files through `provision` (which reports
/// downloads and imports on `events`). The one entry point: the worker keeps what it returns.
pub fn load(
    task: Task,
    model: &ModelRef,
    provision: &Provision,
    events: &mut dyn FnMut(ProvisionEvent),
) -> Result<Box<dyn Pipeline>, PipelineError> {
    Ok(match task {
        Task::FeatureExtraction | Task::SentenceSimilarity => {
            let embedder = embeddings::Embedder::load(model, provision, events)?;
            Box::new(embeddings::EmbeddingPipeline::new(task, embedder))
        }
        Task::TextGeneration => {
            let generator = generation::Generator::load(model, provision, events)?;
            Box::new(generation::GenerationPipeline::new(generator))
        }
        Task::Tokenize => Box::new(tokenize::TokenizePipeline::load(model, provision, events)?),
        Task::TextClassification
            if sequence_classification::is_checkpoint(model, provision, events) =>
        {
            Box::new(
                sequence_classification::SequenceClassificationPipeline::load(
                    model, provision, events,
                )?,
            )
        }
        Task::TextClassification => {
            Box::new(classify::ClassifyPipeline::load(model, provision, events)?)
        }
        Task::ZeroShotClassification if zero_shot_nli::is_checkpoint(model, provision, events) => {
            Box::new(zero_shot_nli::NliZeroShotPipeline::load(
                model, provision, events,
            )?)
        }
        Task::ZeroShotClassification => Box::new(zero_shot::ZeroShotPipeline::new(
            embeddings::Embedder::load(model, provision, events)?,
        )),
        Task::SemanticSearch => Box::new(search::SearchPipeline::new(embeddings::Embedder::load(
            model, provision, events,
        )?)?),
        Task::TrainClassifier => Box::new(teach::TeachPipeline::new(embeddings::Embedder::load(
            model, provision, events,
        )?)?),
        Task::FillMask => Box::new(fill_mask::FillMaskPipeline::load(model, provision, events)?),
        Task::TokenClassification => Box::new(
            token_classification::TokenClassificationPipeline::load(model, provision, events)?,
        ),
        Task::QuestionAnswering => Box::new(question_answering::QuestionAnsweringPipeline::load(
            model, provision, events,
        )?),
        Task::ImageClassification => Box::new(
            image_classification::ImageClassificationPipeline::load(model, provision, events)?,
        ),
        Task::AutomaticSpeechRecognition => Box::new(
            speech_recognition::SpeechRecognitionPipeline::load(model, provision, events)?,
        ),
        Task::Summarization | Task::Translation => Box::new(seq2seq::Seq2SeqPipeline::load(
            task, model, provision, events,
        )?),
    })
}

/// A model's JSON file (config.json, preprocessor_config.json…) read and parsed, or a clear error.
pub(crate) fn read_json(path: &std::path::Path) -> Result<serde_json::Value, PipelineError> {
    read_json_as(path)
}

/// A JSON file read into `T`.
pub(crate) fn read_json_as<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
) -> Result<T, PipelineError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| model_error(format!("can't read {}: {e}", path.display())))?;
    serde_json::from_str(&text)
        .map_err(|e| model_error(format!("{} is not valid JSON: {e}", path.display())))
}

/// A model error with a message.
pub(crate) fn model_error(message: impl Into<String>) -> PipelineError {
    PipelineError::Model(message.into())
}
