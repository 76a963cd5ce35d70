//! The parity tests, one crate so CI links them once.
mod causal_lm;
mod cli;
mod fill_mask;
#[path = "../common/parity.rs"]
mod parity;
mod python_corpus;
mod question_answering;
mod roberta;
mod seq2seq;
mod seq2seq_prefix;
mod slow_tokenizers;
mod text_classification;
mod token_classification;
mod vision;
mod vision_preprocess;
mod weights_formats;
mod whisper;
mod zero_shot_nli;
