//! A gradio app that a code cell launched (python/gradio.rs), as plain data: what the tutor draws
//! and the command line prints (present/app.rs), and what a code exercise judges.

/// A gradio Interface the code launched: what a Space would show, filled with its first example.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LaunchedApp {
    pub title: Option<String>,
    pub description: Option<String>,
    pub inputs: Vec<Component>,
    pub outputs: Vec<Component>,
    /// The first of `examples`, as the form shows it (none: the app was given no examples).
    pub example: Option<Vec<String>>,
    /// What `fn` gave for the example, one per output.
    pub results: Vec<Shown>,
    /// Whether the values came from the student's form, not from `examples`.
    pub from_form: bool,
    /// The pipeline calls `fn` made for it (indices into `CellRun::calls`): a code exercise
    /// judges these, so a call after `launch()` can't stand in for the app's.
    pub calls: std::ops::Range<usize>,
}

/// A gradio component: its kind (`textbox`, `label`, `slider`…), label and starting value.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Component {
    pub kind: String,
    pub label: Option<String>,
    pub value: Option<String>,
}

/// What an output component shows.
#[derive(Debug, Clone, PartialEq)]
pub enum Shown {
    Text(String),
    /// A Label's dict of label → score, best first.
    Scores(Vec<(String, f64)>),
    /// A HighlightedText's pieces of text, each with its label (none: plain text between).
    Highlighted(Vec<(String, Option<String>)>),
}
