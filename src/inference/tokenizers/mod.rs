//! Tokenizers the `tokenizers` crate can't read on its own: GGUF vocabularies and sentencepiece
//! models (Marian's .spm files).

pub mod gguf;
pub mod sentencepiece;
