//! The task registry: every pipeline task hftutor knows, by the names transformers gives them, with
//! what each takes and gives (`TaskSpec`). Adding a task starts here.

use std::fmt;

/// A pipeline task. Names follow transformers' `pipeline(task)` strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Task {
    /// One pooled, L2-normalised embedding per input (sentence-transformers style).
    FeatureExtraction,
    /// Cosine similarity of the first input with each of the others.
    SentenceSimilarity,
    /// Continue a prompt (or answer as a chat assistant) with a causal language model.
    TextGeneration,
    /// Show the tokens and ids a model's tokenizer makes of a text.
    Tokenize,
    /// A label and its probability per text (sentiment: POSITIVE / NEGATIVE), from a small
    /// classification head on the model's embeddings.
    TextClassification,
    /// Score candidate labels (the first input, comma-separated) for each other input, by
    /// embedding similarity with "This text is about {label}.".
    ZeroShotClassification,
    /// Rank the shipped documents by how close their meaning is to a query.
    SemanticSearch,
    /// Train a classification head on the student's examples, then test it on a held-out set.
    TrainClassifier,
    /// Guess the word behind the mask token with a masked-language model (BERT, DistilBERT).
    FillMask,
    /// Label the words of a text with entity types (people, places, …) with a BERT token head.
    TokenClassification,
    /// Find the answer to a question in a context text with a BERT / DistilBERT span head.
    QuestionAnswering,
    /// Shorten a text with an encoder–decoder model (T5).
    Summarization,
    /// Translate a text with an encoder–decoder model (Marian, T5).
    Translation,
    /// Write down what is said in a 16 kHz wav file (Whisper).
    AutomaticSpeechRecognition,
    /// Say what a picture shows, as labels with probabilities (ViT, ResNet).
    ImageClassification,
}

/// What a task takes as input, beyond its settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Input {
    /// One or more texts, each run on its own.
    Texts,
    /// A text compared with each of the others (the first against the rest).
    FirstAgainstOthers,
    /// Candidate labels (the first input, comma-separated), then the texts to label.
    LabelsThenTexts,
    /// Questions, answered in a context text (the `context` setting).
    QuestionsInContext,
    /// For each label of the shipped held-out set, its training examples (`;`-separated).
    ExamplesPerLabel,
    /// Paths of wav files.
    AudioFiles,
    /// Paths of picture files.
    ImageFiles,
}

/// Which `PipelineOutput` a task gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputKind {
    Embeddings,
    Similarities,
    Generations,
    Tokens,
    Labels,
    ZeroShot,
    Ranking,
    Trained,
    FillMask,
    Entities,
    Answers,
    Transcriptions,
    Seq2Seq,
}

/// Everything the crate knows about a task, in one place: its names, what it takes and gives,
/// and the settings a lesson may give it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TaskSpec {
    pub task: Task,
    /// Every name it answers to, canonical first (as written in lesson files and on the command
    /// line).
    pub names: &'static [&'static str],
    /// Its name in transformers' `pipeline(…)`, when transformers has it.
    pub transformers: Option<&'static str>,
    pub input: Input,
    pub output: OutputKind,
    /// The exercise `params:` keys (and `param:` fields) that do something for it.
    pub settings: &'static [&'static str],
    /// The `check:` conditions that judge its output, beyond `ANY_TASK_CHECKS`.
    pub checks: &'static [&'static str],
}

/// The `check:` conditions that fit every task (they look at the inputs, not the output).
pub const ANY_TASK_CHECKS: &[&str] = &[
    "input_not_contains",
    "shared_words",
    "same_words",
    "distinct_inputs",
];

/// Checks on a text in the output (the generated text, the tokens, the guess, the entities, the
/// answer, the transcript).
const TEXT: [&str; 3] = ["contains", "not_contains", "regex"];
/// Checks on labels with scores.
const LABELS: [&str; 2] = ["label", "score"];

const GENERATION_SETTINGS: &[&str] = &[
    "max_new_tokens",
    "temperature",
    "top_k",
    "top_p",
    "seed",
    "chat",
    "system",
];
const SEQ2SEQ_SETTINGS: &[&str] = &["max_new_tokens", "num_beams"];

/// The registry: one entry per task, in `Task::ALL` order.
pub const TASKS: [TaskSpec; 15] = [
    TaskSpec {
        task: Task::FeatureExtraction,
        names: &["feature-extraction", "embeddings"],
        transformers: Some("feature-extraction"),
        input: Input::Texts,
        output: OutputKind::Embeddings,
        settings: &[],
        checks: &["similarity", "similarity_gap"],
    },
    TaskSpec {
        task: Task::SentenceSimilarity,
        names: &["sentence-similarity", "similarity"],
        transformers: None,
        input: Input::FirstAgainstOthers,
        output: OutputKind::Similarities,
        settings: &[],
        checks: &["similarity", "similarity_gap"],
    },
    TaskSpec {
        task: Task::TextGeneration,
        names: &["text-generation", "generation"],
        transformers: Some("text-generation"),
        input: Input::Texts,
        output: OutputKind::Generations,
        settings: GENERATION_SETTINGS,
        checks: &[TEXT[0], TEXT[1], TEXT[2], "words", "tokens", "runs_agree"],
    },
    TaskSpec {
        task: Task::Tokenize,
        names: &["tokenize", "tokenizer", "tokens"],
        transformers: None,
        input: Input::Texts,
        output: OutputKind::Tokens,
        settings: &[],
        checks: &[TEXT[0], TEXT[1], TEXT[2], "tokens", "pieces_in_a_word"],
    },
    TaskSpec {
        task: Task::TextClassification,
        names: &["text-classification", "sentiment-analysis"],
        transformers: Some("text-classification"),
        input: Input::Texts,
        output: OutputKind::Labels,
        settings: &[],
        checks: &LABELS,
    },
    TaskSpec {
        task: Task::ZeroShotClassification,
        names: &["zero-shot-classification", "zero-shot"],
        transformers: Some("zero-shot-classification"),
        input: Input::LabelsThenTexts,
        output: OutputKind::ZeroShot,
        settings: &["multi_label", "hypothesis_template"],
        checks: &LABELS,
    },
    TaskSpec {
        task: Task::SemanticSearch,
        names: &["semantic-search", "search"],
        transformers: None,
        input: Input::Texts,
        output: OutputKind::Ranking,
        settings: &[],
        checks: &["rank"],
    },
    TaskSpec {
        task: Task::TrainClassifier,
        names: &["train-classifier", "teach"],
        transformers: None,
        input: Input::ExamplesPerLabel,
        output: OutputKind::Trained,
        settings: &[],
        checks: &["accuracy"],
    },
    TaskSpec {
        task: Task::FillMask,
        names: &["fill-mask"],
        transformers: Some("fill-mask"),
        input: Input::Texts,
        output: OutputKind::FillMask,
        settings: &["targets"],
        checks: &[TEXT[0], TEXT[1], TEXT[2], LABELS[0], LABELS[1]],
    },
    TaskSpec {
        task: Task::TokenClassification,
        names: &["token-classification", "ner"],
        transformers: Some("token-classification"),
        input: Input::Texts,
        output: OutputKind::Entities,
        settings: &["aggregation_strategy"],
        checks: &[TEXT[0], TEXT[1], TEXT[2], "entities"],
    },
    TaskSpec {
        task: Task::QuestionAnswering,
        names: &["question-answering", "qa"],
        transformers: Some("question-answering"),
        input: Input::QuestionsInContext,
        output: OutputKind::Answers,
        settings: &["context"],
        checks: &[TEXT[0], TEXT[1], TEXT[2], "words", LABELS[0], LABELS[1]],
    },
    TaskSpec {
        task: Task::Summarization,
        names: &["summarization", "summarize"],
        transformers: Some("summarization"),
        input: Input::Texts,
        output: OutputKind::Seq2Seq,
        settings: SEQ2SEQ_SETTINGS,
        checks: &[TEXT[0], TEXT[1], TEXT[2], "words"],
    },
    TaskSpec {
        task: Task::Translation,
        names: &["translation", "translate"],
        transformers: Some("translation"),
        input: Input::Texts,
        output: OutputKind::Seq2Seq,
        settings: SEQ2SEQ_SETTINGS,
        checks: &[TEXT[0], TEXT[1], TEXT[2], "words"],
    },
    TaskSpec {
        task: Task::AutomaticSpeechRecognition,
        names: &["automatic-speech-recognition", "asr", "speech-recognition"],
        transformers: Some("automatic-speech-recognition"),
        input: Input::AudioFiles,
        output: OutputKind::Transcriptions,
        settings: &["max_new_tokens", "num_beams", "language"],
        checks: &[TEXT[0], TEXT[1], TEXT[2], "words"],
    },
    TaskSpec {
        task: Task::ImageClassification,
        names: &["image-classification", "image"],
        transformers: Some("image-classification"),
        input: Input::ImageFiles,
        output: OutputKind::Labels,
        settings: &[],
        checks: &LABELS,
    },
];

impl Task {
    pub const ALL: &'static [Task] = &[
        Task::FeatureExtraction,
        Task::SentenceSimilarity,
        Task::TextGeneration,
        Task::Tokenize,
        Task::TextClassification,
        Task::ZeroShotClassification,
        Task::SemanticSearch,
        Task::TrainClassifier,
        Task::FillMask,
        Task::TokenClassification,
        Task::QuestionAnswering,
        Task::Summarization,
        Task::Translation,
        Task::AutomaticSpeechRecognition,
        Task::ImageClassification,
    ];

    /// The task's entry in the registry.
    pub fn spec(self) -> &'static TaskSpec {
        // TASKS is in Task::ALL order, which is the enum's order (a test checks both).
        &TASKS[self as usize]
    }

    /// The canonical name, as written in lesson files and on the command line.
    pub fn name(self) -> &'static str {
        self.spec().names[0]
    }

    /// Every name a task answers to (canonical first).
    pub fn names(self) -> &'static [&'static str] {
        self.spec().names
    }

    /// Parses a task name or alias.
    pub fn parse(name: &str) -> Option<Task> {
        Task::ALL
            .iter()
            .copied()
            .find(|t| t.names().contains(&name.trim()))
    }

    /// Whether a lesson setting (`params:` key or `param:` field) does something for this task.
    pub fn takes(self, setting: &str) -> bool {
        self.spec().settings.contains(&setting)
    }

    /// Whether a `check:` condition can judge this task's output (or its inputs).
    pub fn judged_by(self, check: &str) -> bool {
        ANY_TASK_CHECKS.contains(&check) || self.spec().checks.contains(&check)
    }

    /// Whether the output has a label with a score (so a student's prediction can be compared).
    pub fn gives_labels(self) -> bool {
        self.spec().checks.contains(&"label")
    }

    /// The model kind the task runs on: embedding tasks share one loaded model.
    pub fn needs_generator(self) -> bool {
        matches!(self, Task::TextGeneration)
    }
}

impl fmt::Display for Task {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &t in Task::ALL {
            assert_eq!(Task::parse(t.name()), Some(t));
        }
        assert_eq!(Task::parse("embeddings"), Some(Task::FeatureExtraction));
        assert_eq!(Task::parse("sentiment"), None);
    }

    #[test]
    fn the_registry_is_in_enum_order() {
        assert_eq!(TASKS.len(), Task::ALL.len());
        for (i, &t) in Task::ALL.iter().enumerate() {
            assert_eq!(t as usize, i, "{t:?}");
            assert_eq!(TASKS[i].task, t, "{t:?}");
        }
    }
}
