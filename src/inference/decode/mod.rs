//! Turning logits into text: next-token candidates, beam search, chat templates, Whisper's prompt.

pub mod beam_search;
pub mod candidates;
pub mod chat_template;
pub mod whisper_prompt;
