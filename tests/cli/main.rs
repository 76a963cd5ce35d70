//! The cli tests, one crate so CI links them once.
mod architecture;
mod classroom;
mod commands;
mod export_space;
mod export_space_gradio;
mod notebook;
mod progress_crash;
mod teacher;
