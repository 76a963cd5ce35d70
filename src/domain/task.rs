//! The pipeline tasks hftutor knows, by the names transformers gives them.

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

    /// The canonical name, as written in lesson files and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Task::FeatureExtraction => "feature-extraction",
            Task::SentenceSimilarity => "sentence-similarity",
            Task::TextGeneration => "text-generation",
            Task::Tokenize => "tokenize",
            Task::TextClassification => "text-classification",
            Task::ZeroShotClassification => "zero-shot-classification",
            Task::SemanticSearch => "semantic-search",
            Task::TrainClassifier => "train-classifier",
            Task::FillMask => "fill-mask",
            Task::TokenClassification => "token-classification",
            Task::QuestionAnswering => "question-answering",
            Task::Summarization => "summarization",
            Task::Translation => "translation",
            Task::AutomaticSpeechRecognition => "automatic-speech-recognition",
            Task::ImageClassification => "image-classification",
        }
    }

    /// Every name a task answers to (canonical first).
    pub fn names(self) -> &'static [&'static str] {
        match self {
            Task::FeatureExtraction => &["feature-extraction", "embeddings"],
            Task::SentenceSimilarity => &["sentence-similarity", "similarity"],
            Task::TextGeneration => &["text-generation", "generation"],
            Task::Tokenize => &["tokenize", "tokenizer", "tokens"],
            Task::TextClassification => &["text-classification", "sentiment-analysis"],
            Task::ZeroShotClassification => &["zero-shot-classification", "zero-shot"],
            Task::SemanticSearch => &["semantic-search", "search"],
            Task::TrainClassifier => &["train-classifier", "teach"],
            Task::FillMask => &["fill-mask"],
            Task::TokenClassification => &["token-classification", "ner"],
            Task::QuestionAnswering => &["question-answering", "qa"],
            Task::Summarization => &["summarization", "summarize"],
            Task::Translation => &["translation", "translate"],
            Task::AutomaticSpeechRecognition => {
                &["automatic-speech-recognition", "asr", "speech-recognition"]
            }
            Task::ImageClassification => &["image-classification", "image"],
        }
    }

    /// Parses a task name or alias.
    pub fn parse(name: &str) -> Option<Task> {
        Task::ALL
            .iter()
            .copied()
            .find(|t| t.names().contains(&name.trim()))
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
}
