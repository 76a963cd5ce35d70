//! `text-classification`: a fine-tuned checkpoint with its own head (`checkpoint`), or sentence
//! embeddings through a small trained head (`head`, the course's MiniLM sentiment head).

pub mod checkpoint;
pub mod head;
