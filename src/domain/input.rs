//! What a task runs on, typed: texts (or file paths, for speech and pictures), texts with their
//! candidate labels (zero-shot, transformers' `candidate_labels`), or questions about a context
//! (question-answering's `question` and `context`). Lesson fields and the command line send a
//! plain list of inputs; `TaskInput::from_inputs` says how each task reads it.

use super::{RunParams, Task};

/// A task's input.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskInput {
    /// Texts, or file paths for the speech and picture tasks, each run on its own.
    Texts(Vec<String>),
    /// zero-shot-classification: each text scored against the same candidate labels.
    Labeled {
        labels: Vec<String>,
        texts: Vec<String>,
    },
    /// question-answering: each question answered from the same context.
    Questions {
        questions: Vec<String>,
        context: String,
    },
}

/// A list of inputs a task can't read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("type the labels first, then a text to classify")]
    NoLabels,
}

impl TaskInput {
    /// Reads a plain list of inputs as `task` takes it: for zero-shot-classification the first
    /// input holds the candidate labels (comma-, semicolon- or line-separated) and the rest are the
    /// texts; for question-answering the inputs are questions about `params.context`.
    pub fn from_inputs(
        task: Task,
        inputs: &[String],
        params: &RunParams,
    ) -> Result<TaskInput, InputError> {
        Ok(match task {
            Task::ZeroShotClassification => {
                let (first, texts) = inputs.split_first().ok_or(InputError::NoLabels)?;
                TaskInput::Labeled {
                    labels: split_labels(first),
                    texts: texts.to_vec(),
                }
            }
            Task::QuestionAnswering => TaskInput::Questions {
                questions: inputs.to_vec(),
                context: params.context.clone(),
            },
            _ => TaskInput::Texts(inputs.to_vec()),
        })
    }

    /// The plain list of inputs `from_inputs` reads back into this (zero-shot's labels first,
    /// joined with commas): what a lesson's fields would have held.
    pub fn as_inputs(&self) -> Vec<String> {
        match self {
            TaskInput::Texts(t) => t.clone(),
            TaskInput::Labeled { labels, texts } => std::iter::once(labels.join(", "))
                .chain(texts.iter().cloned())
                .collect(),
            TaskInput::Questions { questions, .. } => questions.clone(),
        }
    }

    /// The texts, the texts to label, or the questions: what each result is about.
    pub fn texts(&self) -> &[String] {
        match self {
            TaskInput::Texts(t) => t,
            TaskInput::Labeled { texts, .. } => texts,
            TaskInput::Questions { questions, .. } => questions,
        }
    }
}

/// "sport, politics; food" as labels: trimmed, empty ones dropped, a repeat (in any case) kept once.
pub fn split_labels(text: &str) -> Vec<String> {
    let mut labels: Vec<String> = Vec::new();
    for l in text
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|l| !l.is_empty())
    {
        if !labels.iter().any(|x| x.eq_ignore_ascii_case(l)) {
            labels.push(l.to_string());
        }
    }
    labels
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_shot_reads_its_labels_first_and_qa_its_context() {
        let inputs = vec!["sport, Music ,,sport".to_string(), "A goal!".to_string()];
        assert_eq!(
            TaskInput::from_inputs(Task::ZeroShotClassification, &inputs, &RunParams::default()),
            Ok(TaskInput::Labeled {
                labels: vec!["sport".into(), "Music".into()],
                texts: vec!["A goal!".into()],
            })
        );
        assert_eq!(
            TaskInput::from_inputs(Task::ZeroShotClassification, &[], &RunParams::default()),
            Err(InputError::NoLabels)
        );
        let params = RunParams {
            context: "Paris is in France.".into(),
            ..RunParams::default()
        };
        let qa = TaskInput::from_inputs(Task::QuestionAnswering, &inputs[1..], &params).unwrap();
        assert_eq!(
            qa,
            TaskInput::Questions {
                questions: vec!["A goal!".into()],
                context: "Paris is in France.".into()
            }
        );
        assert_eq!(qa.texts(), &["A goal!".to_string()]);
    }
}
