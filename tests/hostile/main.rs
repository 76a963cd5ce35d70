//! Hostile inputs (issue 13): a course, a model folder, a student's file or a command line made
//! by someone else or by an unlucky hand. Each probe gives a clear error or a correct result, and
//! nothing reaches the terminal that it would interpret. One crate so CI links them once.
mod common;
mod csv;
mod images;
mod nesting;
mod python_sandbox;
mod sampling;
mod scores;
mod terminal;
mod threads;
mod tutor_screen;
