//! `train-classifier`: the student's own examples train a classification head live (inference/train),
//! which is then tested on a held-out set it never saw (assets/teach/sport-vs-food.tsv). Text
//! input i holds the examples of the set's i-th label, separated by `;` or new lines.

use crate::domain::Mistake;
use crate::domain::PipelineOutput;
use crate::domain::RunParams;
use crate::domain::Stream;
use crate::domain::Task;
use crate::domain::TaskInput;
use crate::domain::TrainReport;
use crate::inference::tasks::embeddings::Embedder;
use crate::inference::train::{self, parse_examples, TrainError, TrainOptions};
use crate::inference::Pipeline;
use crate::inference::PipelineError;

const HELDOUT: &str = include_str!("../../../assets/teach/sport-vs-food.tsv");
/// Fewer examples than this per label, and there is nothing to learn from.
pub const MIN_EXAMPLES: usize = 4;

/// The held-out labels in order of first appearance, and each sentence with its label's index.
pub type Heldout = (Vec<String>, Vec<(usize, String)>);

/// Reads the shipped held-out set.
pub fn heldout() -> Result<Heldout, TrainError> {
    let examples = parse_examples(HELDOUT)?;
    let mut labels: Vec<String> = Vec::new();
    let mut rows = Vec::new();
    for e in examples {
        let i = match labels.iter().position(|l| *l == e.label) {
            Some(i) => i,
            None => {
                labels.push(e.label.clone());
                labels.len() - 1
            }
        };
        rows.push((i, e.text));
    }
    Ok((labels, rows))
}

/// Splits one field into examples.
pub fn split_examples(field: &str) -> Vec<String> {
    field
        .split([';', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Fewer words than this, and an example is a word, not a sentence to learn from.
pub const MIN_WORDS: usize = 3;

/// Each example a sentence of a few words, no two the same.
fn check_examples(examples: &[String], label: &str) -> Result<(), PipelineError> {
    if let Some(short) = examples
        .iter()
        .find(|e| e.split_whitespace().count() < MIN_WORDS)
    {
        return Err(PipelineError::BadInput(format!(
            "\"{short}\" is too short: write {label} sentences of {MIN_WORDS} words or more"
        )));
    }
    for (i, e) in examples.iter().enumerate() {
        if examples[..i].iter().any(|x| x.eq_ignore_ascii_case(e)) {
            return Err(PipelineError::BadInput(format!(
                "\"{e}\" is there twice: every {label} example should be different"
            )));
        }
    }
    Ok(())
}

pub struct TeachPipeline {
    embedder: Embedder,
    labels: Vec<String>,
    test_targets: Vec<usize>,
    test_texts: Vec<String>,
    test_vectors: Vec<Vec<f32>>,
}

impl TeachPipeline {
    pub fn new(embedder: Embedder) -> Result<TeachPipeline, PipelineError> {
        let (labels, rows) = heldout()?;
        let test_texts: Vec<String> = rows.iter().map(|(_, t)| t.clone()).collect();
        let test_vectors = embedder.embed(&test_texts)?.vectors;
        Ok(TeachPipeline {
            embedder,
            labels,
            test_targets: rows.iter().map(|(i, _)| *i).collect(),
            test_texts,
            test_vectors,
        })
    }
}

impl Pipeline for TeachPipeline {
    fn task(&self) -> Task {
        Task::TrainClassifier
    }

    fn run_input(
        &mut self,
        input: &TaskInput,
        _params: &RunParams,
        _runs: usize,
        _stream: &mut dyn FnMut(Stream) -> bool,
    ) -> Result<PipelineOutput, PipelineError> {
        let inputs = input.texts();
        if inputs.len() != self.labels.len() {
            return Err(PipelineError::BadInput(format!(
                "give one field of examples per label ({}), not {}",
                self.labels.join(", "),
                inputs.len()
            )));
        }
        let mut texts = Vec::new();
        let mut targets = Vec::new();
        let mut examples = Vec::new();
        for (i, field) in inputs.iter().enumerate() {
            let mine = split_examples(field);
            if mine.len() < MIN_EXAMPLES {
                return Err(PipelineError::BadInput(format!(
                    "write at least {MIN_EXAMPLES} {} examples, separated by ; (you have {})",
                    self.labels[i],
                    mine.len()
                )));
            }
            check_examples(&mine, &self.labels[i])?;
            examples.push(mine.len());
            targets.extend(std::iter::repeat_n(i, mine.len()));
            texts.extend(mine);
        }
        let vectors = self.embedder.embed(&texts)?.vectors;
        let head = train::train(
            &vectors,
            &targets,
            self.labels.clone(),
            &TrainOptions::default(),
        )?;
        let mut mistakes = Vec::new();
        for ((text, v), &t) in self
            .test_texts
            .iter()
            .zip(&self.test_vectors)
            .zip(&self.test_targets)
        {
            let got = head.best(v).unwrap_or(t);
            if got != t {
                mistakes.push(Mistake {
                    text: text.clone(),
                    expected: self.labels[t].clone(),
                    predicted: self.labels[got].clone(),
                });
            }
        }
        let total = self.test_texts.len();
        let correct = total - mistakes.len();
        Ok(PipelineOutput::Trained(TrainReport {
            labels: self.labels.clone(),
            examples,
            correct,
            total,
            accuracy: correct as f32 / total.max(1) as f32,
            mistakes,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn heldout_is_balanced_sport_and_food() {
        let (labels, rows) = heldout().unwrap();
        assert_eq!(labels, ["sport", "food"]);
        assert_eq!(rows.len(), 30);
        assert_eq!(rows.iter().filter(|(i, _)| *i == 0).count(), 15);
    }

    #[test]
    fn examples_split_on_semicolons_and_lines() {
        assert_eq!(
            split_examples("a goal; a race ;\nsoup;;"),
            ["a goal", "a race", "soup"]
        );
    }
}
