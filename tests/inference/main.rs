//! The inference tests, one crate so CI links them once.
mod bench;
mod candidates;
mod classes;
mod cli;
mod code_cell;
mod embeddings;
mod generation;
mod gradio_app;
mod provision_real;
mod similarity_matrix;
mod solve;
mod worker;
