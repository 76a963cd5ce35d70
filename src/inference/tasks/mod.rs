//! One file (or folder) per task, each a `Pipeline`: what the task takes, how it runs on an
//! architecture from `arch`, and the output it gives (`domain::PipelineOutput`).

pub mod embeddings;
pub mod fill_mask;
pub mod image_classification;
pub mod question_answering;
pub mod semantic_search;
pub mod seq2seq;
pub mod speech_recognition;
pub mod text_classification;
pub mod text_generation;
pub mod token_classification;
pub mod tokenize;
pub mod train_classifier;
pub mod zero_shot;
