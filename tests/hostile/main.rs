//! Hostile inputs (issue 13): a course, a model folder, a student's file or a command line made
//! by someone else or by an unlucky hand. Each probe gives a clear error or a correct result, and
//! nothing reaches the terminal that it would interpret. One crate so CI links them once.
mod common;
mod configs;
mod csv;
mod images;
mod media_paths;
mod model_paths;
mod nesting;
#[cfg(unix)]
mod out_of_memory;
mod python_sandbox;
mod sampling;
mod scores;
#[cfg(unix)]
mod suspend;
mod terminal;
mod threads;
mod tutor_screen;
mod wide_text;
