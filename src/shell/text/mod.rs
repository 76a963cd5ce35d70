//! Text for the terminal: lesson Markdown into styled lines, wrapping and tables, grapheme-aware
//! editing, every sentence the student reads (`strings`), and the colour theme.

pub mod code_edit;
pub(crate) mod graphemes;
pub mod markdown;
pub mod strings;
pub(crate) mod table;
pub mod theme;
pub mod wrap;
