//! Pipelines: one file per task behind one interface, outputs shaped like transformers' pipelines.
//! A pipeline gets model files from `models` and text from its caller; it never draws or reads lessons.

use std::path::PathBuf;

use crate::domain::ModelRef;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::Stream;
use crate::domain::Task;
use crate::domain::TaskInput;
use crate::hub::{Provision, ProvisionEvent};

pub mod arch;
pub mod decode;
pub mod guard;
pub mod limits;
pub mod loaded;
pub mod preprocess;
pub mod quant;
pub mod tasks;
pub mod tokenizers;
pub mod train;

/// An error a pipeline reports: shown to the student as is.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("{0}")]
    BadInput(String),
    #[error("model error: {0}")]
    Model(String),
    /// candle failed (a tensor operation, reading weights), its error kept whole.
    #[error("model error: {0}")]
    Candle(#[from] candle_core::Error),
    /// A model file couldn't be read.
    #[error("model error: can't read {}: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A model's JSON file (config.json…) doesn't parse.
    #[error("model error: {} is not valid JSON: {source}", path.display())]
    Json {
        path: PathBuf,
        #[source]
        source: serde_json::Error,
    },
    /// The tokenizer failed on a text or on ids.
    #[error("model error: tokenizer: {0}")]
    Tokenizer(#[source] ::tokenizers::Error),
    /// The tokenizer refused its truncation settings.
    #[error("model error: tokenizer truncation: {0}")]
    Truncation(#[source] ::tokenizers::Error),
    /// A tokenizer.json file couldn't be read.
    #[error("model error: can't read the tokenizer {}: {source}", path.display())]
    TokenizerFile {
        path: PathBuf,
        #[source]
        source: ::tokenizers::Error,
    },
    /// A model's files don't make a Hugging Face tokenizer (none there, or a class hftutor can't
    /// build without tokenizer.json).
    #[error("model error: {0}")]
    TokenizerLoad(Box<crate::inference::tokenizers::TokenizerLoadError>),
    /// A GGUF file's tokenizer metadata doesn't make a tokenizer.
    #[error("model error: {}: {source}", path.display())]
    GgufTokenizer {
        path: PathBuf,
        #[source]
        source: crate::inference::tokenizers::gguf::GgufTokenizerError,
    },
    /// A GGUF llama model our own forward pass can't read.
    #[error("model error: {}: {source}", path.display())]
    NativeLlama {
        path: PathBuf,
        #[source]
        source: Box<crate::inference::arch::llama_gguf::LlamaGgufError>,
    },
    /// Generated tokens don't decode.
    #[error("model error: {0}")]
    Decode(#[from] crate::inference::tokenizers::gguf::DecodeError),
    /// A SentencePiece model doesn't make a tokenizer.
    #[error("model error: SentencePiece model: {0}")]
    SentencePiece(#[from] crate::inference::tokenizers::sentencepiece::SentencePieceError),
    /// A classification head can't be read or trained.
    #[error("model error: {0}")]
    Train(#[from] crate::inference::train::TrainError),
    /// A model file asks for more than hftutor allows (limits.rs), checked before allocating.
    #[error("model error: {}: {source}", path.display())]
    Limit {
        path: PathBuf,
        #[source]
        source: limits::LimitError,
    },
    /// Model code panicked (caught by guard.rs); the pipeline it ran in was dropped.
    #[error("model error: the model failed unexpectedly ({0}); its files may be broken")]
    Panicked(String),
    #[error(transparent)]
    Provision(#[from] crate::hub::ProvisionError),
    #[error(transparent)]
    Input(#[from] crate::domain::InputError),
}

impl From<crate::inference::tokenizers::TokenizerLoadError> for PipelineError {
    fn from(e: crate::inference::tokenizers::TokenizerLoadError) -> PipelineError {
        PipelineError::TokenizerLoad(Box::new(e))
    }
}

/// A loaded pipeline, kept by the worker and run many times.
pub trait Pipeline: Send {
    fn task(&self) -> Task;
    /// Runs on `input`. `runs` > 1 repeats generation (seed + i per run when a seed is set).
    /// `stream` receives partial results; returning `false` from it cancels.
    fn run_input(
        &mut self,
        input: &TaskInput,
        params: &RunParams,
        runs: usize,
        stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError>;

    /// Runs on a plain list of inputs, read as the task takes them (`TaskInput::from_inputs`:
    /// zero-shot's labels first, question-answering's context from `params`).
    fn run(
        &mut self,
        inputs: &[String],
        params: &RunParams,
        runs: usize,
        stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        let input = TaskInput::from_inputs(self.task(), inputs, params)?;
        self.run_input(&input, params, runs, stream)
    }

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
            let embedder = tasks::embeddings::Embedder::load(model, provision, events)?;
            Box::new(tasks::embeddings::EmbeddingPipeline::new(task, embedder))
        }
        Task::TextGeneration => {
            let generator = tasks::text_generation::Generator::load(model, provision, events)?;
            Box::new(tasks::text_generation::GenerationPipeline::new(generator))
        }
        Task::Tokenize => Box::new(tasks::tokenize::TokenizePipeline::load(
            model, provision, events,
        )?),
        Task::TextClassification
            if tasks::text_classification::checkpoint::is_checkpoint(model, provision, events) =>
        {
            Box::new(
                tasks::text_classification::checkpoint::SequenceClassificationPipeline::load(
                    model, provision, events,
                )?,
            )
        }
        Task::TextClassification => Box::new(
            tasks::text_classification::head::ClassifyPipeline::load(model, provision, events)?,
        ),
        Task::ZeroShotClassification
            if tasks::zero_shot::nli::is_checkpoint(model, provision, events) =>
        {
            Box::new(tasks::zero_shot::nli::NliZeroShotPipeline::load(
                model, provision, events,
            )?)
        }
        Task::ZeroShotClassification => {
            Box::new(tasks::zero_shot::embedding::ZeroShotPipeline::new(
                tasks::embeddings::Embedder::load(model, provision, events)?,
            ))
        }
        Task::SemanticSearch => Box::new(tasks::semantic_search::SearchPipeline::new(
            tasks::embeddings::Embedder::load(model, provision, events)?,
        )?),
        Task::TrainClassifier => Box::new(tasks::train_classifier::TeachPipeline::new(
            tasks::embeddings::Embedder::load(model, provision, events)?,
        )?),
        Task::FillMask => Box::new(tasks::fill_mask::FillMaskPipeline::load(
            model, provision, events,
        )?),
        Task::TokenClassification => Box::new(
            tasks::token_classification::TokenClassificationPipeline::load(
                model, provision, events,
            )?,
        ),
        Task::QuestionAnswering => Box::new(
            tasks::question_answering::QuestionAnsweringPipeline::load(model, provision, events)?,
        ),
        Task::ImageClassification => Box::new(
            tasks::image_classification::ImageClassificationPipeline::load(
                model, provision, events,
            )?,
        ),
        Task::AutomaticSpeechRecognition => Box::new(
            tasks::speech_recognition::SpeechRecognitionPipeline::load(model, provision, events)?,
        ),
        Task::Summarization | Task::Translation => Box::new(tasks::seq2seq::Seq2SeqPipeline::load(
            task, model, provision, events,
        )?),
    })
}

/// A model's JSON file (config.json, preprocessor_config.json…) read and parsed, or a clear error.
pub(crate) fn read_json(path: &std::path::Path) -> Result<serde_json::Value, PipelineError> {
    read_json_as(path)
}

/// A JSON file read into `T`. A config.json is checked against the budgets in [`limits`] first,
/// and no file over [`limits::MAX_JSON_BYTES`] is read.
pub(crate) fn read_json_as<T: serde::de::DeserializeOwned>(
    path: &std::path::Path,
) -> Result<T, PipelineError> {
    let json_error = |source| PipelineError::Json {
        path: path.to_path_buf(),
        source,
    };
    let text = read_bounded(path).map_err(|source| PipelineError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    let value: serde_json::Value = serde_json::from_str(&text).map_err(json_error)?;
    if path.file_name().is_some_and(|n| n == "config.json") {
        limits::check_config(&value).map_err(|source| PipelineError::Limit {
            path: path.to_path_buf(),
            source,
        })?;
    }
    serde_json::from_value(value).map_err(json_error)
}

/// A model JSON file as a value, for a quick look (which loader fits it) before the real read;
/// `None` when it can't be read, is too big or isn't JSON.
pub(crate) fn peek_json(path: &std::path::Path) -> Option<serde_json::Value> {
    serde_json::from_str(&read_bounded(path).ok()?).ok()
}

/// A text file of at most [`limits::MAX_JSON_BYTES`].
fn read_bounded(path: &std::path::Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)?
        .take(limits::MAX_JSON_BYTES + 1)
        .read_to_string(&mut text)?;
    if text.len() as u64 > limits::MAX_JSON_BYTES {
        return Err(std::io::Error::other(format!(
            "it is over {} MB, more than any model's JSON file",
            limits::MAX_JSON_BYTES >> 20
        )));
    }
    Ok(text)
}

/// A model error with a message.
pub(crate) fn model_error(message: impl Into<String>) -> PipelineError {
    PipelineError::Model(message.into())
}
