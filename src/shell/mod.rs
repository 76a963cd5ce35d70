//! The terminal shell (ratatui + crossterm): state, update, drawing. Never calls candle; never blocks.
//! Rooms: `run` (the loop), `action` + `keymap` + `mouse` (input → `Action`), `state/` (what the
//! student sees and each panel's `update`), `view/` (drawing only), `text/` (markdown, wrapping,
//! graphemes, the strings the student reads, the theme).
//!
//! Shape (ratatui's component template, gitui): every input becomes an [`Action`];
//! [`App::update`] changes the state and returns [`Effect`]s (a job for the worker, a cancel, a
//! progress save, quit) that [`run`]'s loop carries out; [`draw`] reads the state only. Tests build
//! an `App`, feed it actions and worker events, and snapshot [`draw`] on a `TestBackend`.

mod action;
mod keymap;
mod mouse;
pub mod out_of_memory;
mod run;
mod signals;
pub mod state;
pub mod text;
mod view;
pub mod watch;

pub use action::{Action, Effect};
pub use keymap::action_for;
pub use run::run;
pub use state::exercise::MAX_FIELD_CHARS;
pub use state::{audio, charts, downloads, export};
pub use state::{
    App, ExerciseUi, Focus, Outcome, Panel, PanelKey, QuizUi, Running, Status, StatusKind,
};
pub use text::{markdown, strings, theme, wrap};
pub use view::{draw, draw_with_pictures, graphics, MIN_HEIGHT, MIN_WIDTH};
