//! The terminal shell (ratatui + crossterm): state, update, drawing. Never calls candle; never blocks.
//!
//! Shape (ratatui's component template, gitui): every input becomes an [`Action`];
//! [`App::update`] changes the state and returns [`Effect`]s (a job for the worker, a cancel, a
//! progress save, quit) that [`run`]'s loop carries out; [`draw`] reads the state only. Tests build
//! an `App`, feed it actions and worker events, and snapshot [`draw`] on a `TestBackend`.

mod action;
mod app;
pub mod audio;
pub mod charts;
pub mod downloads;
mod exercise;
pub mod export;
mod graphemes;
mod keymap;
pub mod markdown;
mod mouse;
mod navigate;
mod quiz;
mod reload;
mod run;
mod signals;
pub mod strings;
mod table;
pub mod theme;
mod view;
pub mod watch;
pub mod wrap;

pub use action::{Action, Effect};
pub use app::{
    App, ExerciseUi, Focus, Outcome, Panel, PanelKey, QuizUi, Running, Status, StatusKind,
};
pub use exercise::MAX_FIELD_CHARS;
pub use keymap::action_for;
pub use run::run;
pub use view::{draw, graphics, MIN_HEIGHT, MIN_WIDTH};
