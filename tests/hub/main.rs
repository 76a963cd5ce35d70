//! The hub tests, one crate so CI links them once.
mod commands;
#[path = "../common/models.rs"]
mod common;
mod fake_hub;
mod import_crash;
mod provision;
mod slow_tokenizer_repo;
mod solve_missing_model;
