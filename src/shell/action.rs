//! What can happen to the shell (`Action`, the only input `App::update` takes) and what the shell
//! asks the outside world to do (`Effect`, carried out by the run loop).

use crate::domain::JobRequest;
use crate::progress::Progress;
use crate::worker::WorkerEvent;

/// Everything that changes the shell's state: keys (after the keymap), worker news, time, size.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    Quit,
    ToggleHelp,
    CloseHelp,

    // Reading a lesson.
    NextStep,
    PrevStep,
    ScrollUp,
    ScrollDown,
    PageUp,
    PageDown,
    ScrollTop,
    ScrollBottom,

    // The lesson list.
    ShowLessons,
    HideLessons,
    ListUp,
    ListDown,
    /// Opens the lesson at this index (resuming at its saved step).
    OpenLesson(usize),
    /// Shows the course-end screen (what the student did, the ideas they met).
    ShowCourseEnd,
    /// Back from the course-end screen to the lesson.
    CloseCourseEnd,

    // The exercise panel.
    /// Focus the exercise's input fields (typing mode).
    StartTyping,
    /// A code cell that launched a gradio app: type in the app's fields (Enter runs the app on
    /// them).
    FillApp,
    StopTyping,
    /// Switch to the next exercise/quiz of the step, when it has several.
    NextPanel,
    NextField,
    PrevField,
    Insert(char),
    /// Pasted text (bracketed paste): inserted at the cursor, line breaks as spaces.
    Paste(String),
    Backspace,
    Delete,
    CursorLeft,
    CursorRight,
    CursorHome,
    CursorEnd,
    ClearField,
    /// In a code cell: Enter breaks the line (keeping the indent), Tab indents, Up and Down
    /// move by lines.
    NewLine,
    Indent,
    LineUp,
    LineDown,
    /// Run the active exercise (prepare → submit).
    Run,
    /// Stop the running job.
    Cancel,
    /// Reveal the next hint.
    Hint,
    /// Show the candidates of the previous / next generated token.
    ChartPrev,
    ChartNext,
    /// Show or hide token ids beside the tokens.
    ToggleIds,
    /// Scroll the exercise panel's results up / down (when they don't all fit).
    PanelUp,
    PanelDown,
    /// Write the active exercise as a Gradio Space folder (`export.rs`).
    ExportSpace,
    /// Play the exercise's last sound clip (`audio.rs`).
    PlayClip,

    // The quiz panel.
    QuizUp,
    QuizDown,
    QuizSelect(usize),
    QuizAnswer,

    // From the run loop.
    Resize(u16, u16),
    Tick,
    /// The worker accepted the job `Effect::Submit` asked for, under this id.
    Submitted(u64),
    Worker(WorkerEvent),
    /// The model worker thread ended (it panicked): no more jobs can run.
    WorkerGone,
    /// Saving progress failed: the message to show.
    SaveFailed(String),
    /// `Effect::ExportSpace` was carried out: the folder written, or why it failed.
    SpaceExported(Result<crate::shell::state::export::SpaceWritten, crate::space::ExportError>),
    /// `Effect::Play` could not start the player.
    PlayFailed(String),
    /// Live preview: the course folder changed and was loaded again (or has errors).
    CourseReloaded(Result<crate::course::Course, Vec<crate::course::Problem>>),
}

/// What `App::update` asks the run loop to do.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // a handful per key press, moved once: not worth a box
pub enum Effect {
    /// Send this job to the model worker, then feed back `Action::Submitted(id)`.
    Submit(JobRequest),
    /// Send this code cell to the model worker, then feed back `Action::Submitted(id)`.
    SubmitCell(Box<crate::python::CellJob>),
    /// Ask the worker to stop the running job.
    Cancel,
    /// Save this progress (atomically, off the UI thread).
    Save(Progress),
    /// Write this Space folder (off the UI thread), then feed back `Action::SpaceExported`.
    ExportSpace(crate::shell::state::export::SpaceJob),
    /// Start an audio player on a clip, in the background.
    Play {
        player: String,
        clip: String,
    },
    Quit,
}
