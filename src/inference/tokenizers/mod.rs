//! Tokenizers: loading a model's Hugging Face tokenizer (`load`: tokenizer.json, or built from
//! the slow files older repos ship, `convert`), and the ones the `tokenizers` crate can't read on
//! its own: GGUF vocabularies and sentencepiece models (Marian's .spm files).

pub mod convert;
pub mod gguf;
pub mod load;
pub mod sentencepiece;

pub use load::{load, TokenizerLoadError};
