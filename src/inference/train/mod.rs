//! Training a classification head on sentence embeddings: a single linear layer plus softmax
//! (multinomial logistic regression), trained with candle-nn. Lesson 1's sentiment head was made
//! this way by `hftutor train`, and lesson 8 trains one live on the student's own examples.

mod data;
mod head;

pub use data::{parse_examples, Example};
pub use head::{softmax, Head};

use candle_core::{DType, Device, Tensor, Var};
use candle_nn::{AdamW, Optimizer, ParamsAdamW};

/// What is wrong with labelled examples, a saved head, or training one.
#[derive(Debug, thiserror::Error)]
pub enum TrainError {
    #[error("line {0}: write the label, a tab, then the sentence")]
    NoSeparator(usize),
    #[error("line {0}: the label or the sentence is empty")]
    EmptyField(usize),
    #[error("not a classifier head: {0}")]
    NotAHead(#[source] serde_json::Error),
    #[error(
        "a classifier head needs 2 or more labels, with one weight row and one bias each (it has {labels} labels, {rows} rows, {biases} biases)"
    )]
    HeadShape {
        labels: usize,
        rows: usize,
        biases: usize,
    },
    #[error("the head's weight rows don't all have the same length")]
    RaggedHead,
    #[error("there are no examples to learn from")]
    NoExamples,
    #[error("a classifier needs at least two labels")]
    OneLabel,
    #[error("example label {target} is not one of the {labels} labels")]
    UnknownTarget { target: usize, labels: usize },
    #[error("the examples' vectors don't all have the same length")]
    RaggedVectors,
    #[error("training failed: {0}")]
    Failed(#[source] candle_core::Error),
}

/// The sentiment head shipped with hftutor (trained on assets/sentiment/train.tsv).
pub const SENTIMENT_HEAD: &str = include_str!("../../../assets/sentiment/head.json");

/// The sentiment head shipped with hftutor, over all-MiniLM-L6-v2 embeddings.
pub fn sentiment_head() -> Result<Head, TrainError> {
    Head::from_json(SENTIMENT_HEAD)
}

/// How to train: full-batch AdamW from zero weights, so the same data gives the same head.
#[derive(Debug, Clone, PartialEq)]
pub struct TrainOptions {
    pub epochs: usize,
    pub learning_rate: f64,
    /// L2 pull towards zero: keeps a head trained on 8 examples from overfitting wildly.
    pub weight_decay: f64,
}

impl Default for TrainOptions {
    fn default() -> Self {
        TrainOptions {
            epochs: 300,
            learning_rate: 0.05,
            weight_decay: 0.3,
        }
    }
}

/// Trains a head mapping `vectors[i]` to `labels[targets[i]]`.
pub fn train(
    vectors: &[Vec<f32>],
    targets: &[usize],
    labels: Vec<String>,
    options: &TrainOptions,
) -> Result<Head, TrainError> {
    let n = vectors.len();
    if n == 0 || n != targets.len() {
        return Err(TrainError::NoExamples);
    }
    if labels.len() < 2 {
        return Err(TrainError::OneLabel);
    }
    if let Some(&t) = targets.iter().find(|&&t| t >= labels.len()) {
        return Err(TrainError::UnknownTarget {
            target: t,
            labels: labels.len(),
        });
    }
    let dim = vectors[0].len();
    if vectors.iter().any(|v| v.len() != dim) || dim == 0 {
        return Err(TrainError::RaggedVectors);
    }
    fit(vectors, targets, labels, dim, options).map_err(TrainError::Failed)
}

fn fit(
    vectors: &[Vec<f32>],
    targets: &[usize],
    labels: Vec<String>,
    dim: usize,
    options: &TrainOptions,
) -> candle_core::Result<Head> {
    let dev = Device::Cpu;
    let k = labels.len();
    let flat: Vec<f32> = vectors.iter().flatten().copied().collect();
    let xs = Tensor::from_vec(flat, (vectors.len(), dim), &dev)?;
    let ys: Vec<u32> = targets.iter().map(|&t| t as u32).collect();
    let ys = Tensor::from_vec(ys, vectors.len(), &dev)?;
    let weight = Var::zeros((k, dim), DType::F32, &dev)?;
    let bias = Var::zeros(k, DType::F32, &dev)?;
    let mut opt = AdamW::new(
        vec![weight.clone(), bias.clone()],
        ParamsAdamW {
            lr: options.learning_rate,
            weight_decay: options.weight_decay,
            ..ParamsAdamW::default()
        },
    )?;
    for _ in 0..options.epochs {
        let logits = xs
            .matmul(&weight.as_tensor().t()?)?
            .broadcast_add(bias.as_tensor())?;
        let loss = candle_nn::loss::cross_entropy(&logits, &ys)?;
        opt.backward_step(&loss)?;
    }
    Ok(Head {
        labels,
        weight: weight.as_tensor().to_vec2::<f32>()?,
        bias: bias.as_tensor().to_vec1::<f32>()?,
    })
}

/// How many of `vectors` the head labels as `targets` says.
pub fn correct(head: &Head, vectors: &[Vec<f32>], targets: &[usize]) -> usize {
    vectors
        .iter()
        .zip(targets)
        .filter(|(v, &t)| head.best(v) == Some(t))
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn learns_a_separable_toy_problem_and_is_repeatable() {
        let vectors = vec![
            vec![1.0, 0.1, 0.0],
            vec![0.9, 0.0, 0.2],
            vec![0.0, 1.0, 0.1],
            vec![0.1, 0.8, 0.0],
        ];
        let targets = [0, 0, 1, 1];
        let labels = vec!["a".to_string(), "b".to_string()];
        let head = train(&vectors, &targets, labels.clone(), &TrainOptions::default()).unwrap();
        assert_eq!(correct(&head, &vectors, &targets), 4);
        let again = train(&vectors, &targets, labels, &TrainOptions::default()).unwrap();
        assert_eq!(head, again);
        let scores = head.scores(&[1.0, 0.0, 0.0]);
        assert!(scores[0] > 0.9, "{scores:?}");
        assert!((scores.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }

    #[test]
    fn refuses_one_label_and_mismatched_vectors() {
        let one = train(
            &[vec![1.0]],
            &[0],
            vec!["a".into()],
            &TrainOptions::default(),
        );
        assert_eq!(
            one.map_err(|e| e.to_string()).unwrap_err(),
            "a classifier needs at least two labels"
        );
        let ragged = train(
            &[vec![1.0], vec![1.0, 2.0]],
            &[0, 1],
            vec!["a".into(), "b".into()],
            &TrainOptions::default(),
        );
        assert!(ragged.unwrap_err().to_string().contains("same length"));
    }

    #[test]
    fn the_shipped_sentiment_head_reads() {
        let head = sentiment_head().unwrap();
        assert_eq!(head.labels, ["NEGATIVE", "POSITIVE"]);
        assert_eq!(head.weight.len(), 2);
        assert_eq!(head.weight[0].len(), 384);
    }
}
