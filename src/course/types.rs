//! The course as plain data: what the parser produces and everything else reads.
//! No parsing, no drawing, no models here.

use std::collections::BTreeMap;
use std::path::PathBuf;

use crate::domain::ModelRef;
use crate::domain::Param;
use crate::domain::RunParams;
use crate::domain::Task;

/// A whole course: its title, lessons in order, and the default model per task.
#[derive(Debug, Clone, PartialEq)]
pub struct Course {
    pub title: String,
    /// Where the course came from: `None` for the course embedded in the binary.
    pub root: Option<PathBuf>,
    pub lessons: Vec<Lesson>,
    /// Default model (Hub id or folder, optionally `id#file.gguf`) per task.
    pub models: BTreeMap<Task, ModelRef>,
}

/// One lesson file.
#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    pub id: String,
    pub title: String,
    pub summary: String,
    /// The ideas the lesson names, from the front matter's `concepts:` (may be empty).
    pub concepts: Vec<String>,
    /// What the lesson's models download the first time (front matter `download:`), if any.
    pub download: Option<String>,
    /// Path shown in messages: relative to the course folder (e.g. `03-embeddings.md`).
    pub file: String,
    pub steps: Vec<Step>,
}

impl Lesson {
    /// All exercises of the lesson, in order.
    pub fn exercises(&self) -> impl Iterator<Item = &Exercise> {
        self.steps
            .iter()
            .flat_map(|s| s.blocks.iter())
            .filter_map(|b| match b {
                Block::Exercise(e) => Some(e),
                _ => None,
            })
    }

    /// All quizzes of the lesson, in order.
    pub fn quizzes(&self) -> impl Iterator<Item = &Quiz> {
        self.steps
            .iter()
            .flat_map(|s| s.blocks.iter())
            .filter_map(|b| match b {
                Block::Quiz(q) => Some(q),
                _ => None,
            })
    }
}

/// A step: one screen of a lesson, started by a `##` heading.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub title: String,
    pub blocks: Vec<Block>,
}

/// A piece of a step.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)] // few, long-lived values: boxing would only add noise
pub enum Block {
    /// Markdown text, rendered by the shell.
    Markdown(String),
    Exercise(Exercise),
    Quiz(Quiz),
}

/// An exercise: the student gives inputs, a pipeline runs, a check judges the result.
#[derive(Debug, Clone, PartialEq)]
pub struct Exercise {
    /// Unique within the lesson.
    pub id: String,
    /// Input fields, or a Python code cell.
    pub kind: Kind,
    /// The pipeline run; in a code exercise, the pipeline the code must call (its last call is
    /// what the output checks judge).
    pub task: Task,
    /// Overrides the course's default model for the task.
    pub model: Option<ModelRef>,
    /// One sentence the student can act on.
    pub goal: String,
    /// The input fields the student fills (at least one). A code exercise has one, the code,
    /// whose default is the lesson's starter.
    pub inputs: Vec<InputField>,
    /// Fixed generation settings, and how many times to run (checks over several runs).
    pub params: RunParams,
    pub runs: usize,
    pub check: Check,
    pub feedback: Feedback,
    /// Mildest first.
    pub hints: Vec<String>,
    /// Inputs that must pass, for the headless solver (one value per input field).
    pub solutions: Vec<Vec<String>>,
    /// Inputs that must fail, for the headless solver.
    pub counterexamples: Vec<Vec<String>>,
    /// Where each solution and counterexample is written in the lesson file (line, column), for
    /// the problems found when they are tried (see `answers`).
    pub answers_at: AnswersAt,
    /// 1-based line of the ```exercise fence in the lesson file.
    pub line: usize,
}

/// What the student works with in an exercise panel.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Kind {
    /// Fields whose values become the pipeline's texts and settings.
    #[default]
    Fields,
    /// A Python cell (`kind: code`): the student writes the real `pipeline(…)` code, hftutor runs
    /// it in its sandbox (`crate::python`), and the checks judge the pipeline calls it made, what
    /// it printed, and the code itself.
    Code,
}

/// The places of an exercise's solutions and counterexamples in its lesson file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnswersAt {
    pub solutions: Vec<(usize, usize)>,
    pub counterexamples: Vec<(usize, usize)>,
}

/// One input field of an exercise panel.
#[derive(Debug, Clone, PartialEq)]
pub struct InputField {
    pub label: String,
    /// When set, the field sets this generation parameter instead of being pipeline text.
    pub param: Option<Param>,
    /// Pre-filled value.
    pub default: String,
}

/// What the teacher says on a pass and on a fail (the check adds its own specifics).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Feedback {
    pub pass: Option<String>,
    pub fail: Option<String>,
}

/// A machine check: every condition set must hold for a pass.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Check {
    /// sentence-similarity: bounds on each score (first input against each other input).
    pub similarity: Option<Bounds>,
    /// sentence-similarity with 3 inputs: bounds on score(1, 2) − score(1, 3), e.g. "the first
    /// pair scores at least 0.1 more than the second" (bias probes).
    pub similarity_gap: Option<Bounds>,
    /// text-generation / tokenize: the output must contain each of these (case-insensitive).
    pub contains: Vec<String>,
    /// The output must contain none of these (case-insensitive).
    pub not_contains: Vec<String>,
    /// The student's inputs must contain none of these (case-insensitive): "make the model write
    /// *dragon* without typing it yourself".
    pub input_not_contains: Vec<String>,
    /// The output must match this regular expression.
    pub regex: Option<String>,
    /// Bounds on the number of words in the generated text.
    pub words: Option<Bounds>,
    /// Bounds on the number of tokens (tokenize: of the input; generation: generated).
    pub tokens: Option<Bounds>,
    /// tokenize: some word of the input is split into at least this many pieces.
    pub pieces_in_a_word: Option<Bounds>,
    /// Over several runs: `Same` → all runs gave the same text; `Different` → not all the same.
    pub runs_agree: Option<Agreement>,
    /// Bounds on the number of words the text inputs share (case-insensitive, ignoring punctuation).
    pub shared_words: Option<Bounds>,
    /// Text inputs must use the same words (as multisets), possibly in another order.
    pub same_words: bool,
    /// Text inputs must all be different from each other.
    pub distinct_inputs: bool,
    /// text-classification / zero-shot: each text's top label contains this (case-insensitive);
    /// one item for every text, or one per text in order.
    pub label: Vec<String>,
    /// text-classification / zero-shot: bounds on each text's top score (0 to 1).
    pub score: Option<Bounds>,
    /// semantic-search: a document must rank this high.
    pub rank: Option<RankGoal>,
    /// train-classifier: bounds on the trained head's accuracy on the held-out set (0 to 1).
    pub accuracy: Option<Bounds>,
    /// token-classification: entity types (PER, LOC…) each text must have at least one of.
    pub entities: Vec<String>,
    /// Conditions on a code exercise's code and what it printed.
    pub code: CodeCheck,
}

/// The checks only a code exercise has: on the code itself and on what it printed. Texts are
/// matched case-sensitively in the code (Python is) and case-insensitively in the output.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct CodeCheck {
    /// Keyword arguments the judged pipeline (its `pipeline(…)` or its call) must be given, e.g.
    /// `candidate_labels`, `top_k`.
    pub keywords: Vec<String>,
    /// What the code printed (and its last expression's value) must contain each of.
    pub printed: Vec<String>,
    /// What the code printed must contain none of (another document's words, a wrong label).
    pub not_printed: Vec<String>,
    /// The code (comments left out) must contain each of these.
    pub code_contains: Vec<String>,
    /// The code (comments left out) must contain none of these: a hard-coded answer, a banned
    /// shortcut.
    pub code_not_contains: Vec<String>,
}

impl CodeCheck {
    pub fn is_empty(&self) -> bool {
        self.keywords.is_empty()
            && self.printed.is_empty()
            && self.not_printed.is_empty()
            && self.code_contains.is_empty()
            && self.code_not_contains.is_empty()
    }
}

/// "Document `document` (1-based, as students see it) ranks `max` or better."
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RankGoal {
    pub document: usize,
    pub max: usize,
}

/// Inclusive bounds; at least one is set.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Bounds {
    pub min: Option<f64>,
    pub max: Option<f64>,
}

impl Bounds {
    /// Whether `v` is within the bounds; NaN never is.
    pub fn contains(&self, v: f64) -> bool {
        !v.is_nan() && self.min.is_none_or(|m| v >= m) && self.max.is_none_or(|m| v <= m)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Agreement {
    Same,
    Different,
}

/// A multiple-choice question.
#[derive(Debug, Clone, PartialEq)]
pub struct Quiz {
    pub id: String,
    pub question: String,
    pub choices: Vec<Choice>,
    /// 1-based line of the ```quiz fence in the lesson file.
    pub line: usize,
}

impl Quiz {
    /// Indices of the correct choices.
    pub fn correct(&self) -> Vec<usize> {
        self.choices
            .iter()
            .enumerate()
            .filter(|(_, c)| c.correct)
            .map(|(i, _)| i)
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub text: String,
    pub correct: bool,
    /// Why this choice is right or wrong, shown once picked.
    pub explain: String,
}
