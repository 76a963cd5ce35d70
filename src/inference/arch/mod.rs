//! Architectures: the forward passes (candle's where they fit, our own forks where they don't,
//! each saying why) and finding their weights. Nothing here knows which task runs it.

pub mod bert_heads;
pub mod causal_lm;
pub mod distilbert;
pub mod gpt2;
pub mod llama_gguf;
pub mod llama_safetensors;
pub mod marian;
pub mod resnet;
pub mod roberta;
pub mod roberta_heads;
pub mod t5;
pub mod weights;
pub mod whisper;
