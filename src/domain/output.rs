//! What a pipeline gives back, as plain data: one `PipelineOutput` per run with the item types of
//! each task (shaped like transformers' pipeline outputs when serialised), and the `Stream` of
//! partial results a run sends while it works.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};

use super::task::Task;

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
    Labels(Vec<Vec<LabelScore>>),
    /// zero-shot-classification: one result per text.
    ZeroShot(Vec<ZeroShotResult>),
    /// semantic-search: every document, closest in meaning first.
    Ranking(Vec<SearchHit>),
    /// train-classifier: how the student's head did on the held-out set.
    Trained(TrainReport),
    /// fill-mask: per text, per mask token, the best guesses.
    FillMask(Vec<Vec<Vec<MaskFill>>>),
    /// token-classification: the entities of each text.
    Entities(Vec<Vec<Entity>>),
    /// question-answering: per question, the best answers in the context, best first.
    Answers(Vec<Vec<Answer>>),
    /// automatic-speech-recognition: what was said in each wav file (`{"text"}`).
    Transcriptions(Vec<Transcription>),
    /// summarization / translation: one text per input (`{"summary_text"}` / `{"translation_text"}`).
    Seq2Seq(Vec<Seq2SeqText>),
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

/// A label with its probability (0 to 1).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LabelScore {
    pub label: String,
    pub score: f32,
}

/// One text's labels, best first, with scores that add up to 1.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ZeroShotResult {
    pub sequence: String,
    pub labels: Vec<String>,
    pub scores: Vec<f32>,
}

/// One document in the ranking.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SearchHit {
    /// 0-based index into [`documents`]; the student sees it 1-based.
    pub corpus_id: usize,
    pub score: f32,
    pub text: String,
}

/// A sentence the trained head got wrong.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mistake {
    pub text: String,
    pub expected: String,
    pub predicted: String,
}

/// How training went and how the head did on the held-out set.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrainReport {
    pub labels: Vec<String>,
    /// Training examples per label.
    pub examples: Vec<usize>,
    pub correct: usize,
    pub total: usize,
    pub accuracy: f32,
    pub mistakes: Vec<Mistake>,
}

/// One guess for a mask.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MaskFill {
    pub score: f32,
    pub token: u32,
    pub token_str: String,
    /// The text with this guess in place of the mask.
    pub sequence: String,
}

/// A token (strategy none) or a group of words (the other strategies), with character offsets.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Entity {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_group: Option<String>,
    pub score: f32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub index: Option<usize>,
    pub word: String,
    pub start: usize,
    pub end: usize,
}

/// One answer: the text and its character offsets in the context.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Answer {
    pub score: f32,
    pub start: usize,
    pub end: usize,
    pub answer: String,
}

/// What was said in one file, as transformers' pipeline gives it (`{"text": …}`).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Transcription {
    pub text: String,
    /// The generated token ids of each 30 s piece (prefix and `<|endoftext|>` left out).
    #[serde(skip)]
    pub token_ids: Vec<Vec<u32>>,
    /// Why the last piece stopped.
    #[serde(skip)]
    pub stop: StopReason,
}

/// One summary or translation.
#[derive(Debug, Clone, PartialEq)]
pub struct Seq2SeqText {
    pub task: Task,
    pub text: String,
    /// The generated ids, end token included when one came (not the start token).
    pub token_ids: Vec<u32>,
    pub stop: StopReason,
}

impl Serialize for Seq2SeqText {
    /// As transformers: `{"summary_text": …}` or `{"translation_text": …}`.
    fn serialize<S: Serializer>(&self, ser: S) -> Result<S::Ok, S::Error> {
        let key = if self.task == Task::Summarization {
            "summary_text"
        } else {
            "translation_text"
        };
        let mut map = ser.serialize_map(Some(1))?;
        map.serialize_entry(key, &self.text)?;
        map.end()
    }
}
