//! `zero-shot-classification`: an NLI cross-encoder checkpoint (`nli`, as transformers), or
//! embedding similarity with a label sentence (`embedding`, on MiniLM).

pub mod embedding;
pub mod nli;
