//! hftutor: a terminal tutor for a beginner course on Hugging Face.
//!
//! The flow runs one way: lesson files are parsed into a [`course::Course`] (plain data); the
//! [`shell`] draws it and sends pipeline jobs and code cells to the [`worker`] thread, which alone
//! touches models (resolved to files by [`hub`], run by [`inference`]; a cell's Python by
//! [`python`]); results are judged by [`checks`] and the student's place is kept by [`progress`].

pub mod attempt;
pub mod author;
pub mod checks;
pub mod cli;
pub mod course;
pub mod domain;
#[doc(hidden)]
pub mod fuzzing;
pub mod hub;
pub mod inference;
pub mod notebook;
pub mod present;
pub mod progress;
pub mod python;
pub mod shell;
pub mod space;
pub mod threads;
pub mod worker;
