//! The course tests, one crate so CI links them once.
mod code_exercise;
mod fixtures;
mod fuzz_regressions;
mod judge;
mod readme;
mod robustness;
mod schema;
mod shipped;
mod untrusted;
