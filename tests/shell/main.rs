//! The shell tests, one crate so CI links them once.
mod audio;
mod charts;
mod classes;
mod code_cell;
mod comfort;
mod course_end;
mod downloads;
mod export;
#[path = "../common/shell_fixture.rs"]
mod fixture;
mod frame_time;
mod graphemes;
mod graphics;
mod graphics_bytes;
mod paste;
mod picture;
mod reload;
mod screens;
mod terminal_signals;
mod update;
mod watch;
