//! A trained classification head: one weight row and one bias per label, applied to a sentence
//! embedding and turned into probabilities with softmax. Saved as small JSON.

use serde::{Deserialize, Serialize};

use super::TrainError;

/// Logits = weight · embedding + bias; probabilities = softmax(logits).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Head {
    pub labels: Vec<String>,
    /// One row per label, each as long as the embedding.
    pub weight: Vec<Vec<f32>>,
    pub bias: Vec<f32>,
}

impl Head {
    /// Reads a head saved by [`Head::to_json`], checking its shape.
    pub fn from_json(text: &str) -> Result<Head, TrainError> {
        let head: Head = serde_json::from_str(text).map_err(TrainError::NotAHead)?;
        let k = head.labels.len();
        let dim = head.weight.first().map_or(0, Vec::len);
        if k < 2 || head.weight.len() != k || head.bias.len() != k {
            return Err(TrainError::HeadShape {
                labels: k,
                rows: head.weight.len(),
                biases: head.bias.len(),
            });
        }
        if dim == 0 || head.weight.iter().any(|r| r.len() != dim) {
            return Err(TrainError::RaggedHead);
        }
        Ok(head)
    }

    /// Compact JSON, weights rounded to 6 significant digits.
    pub fn to_json(&self) -> String {
        let round = |x: f32| (f64::from(x) * 1e6).round() / 1e6;
        let weight: Vec<Vec<f64>> = self
            .weight
            .iter()
            .map(|r| r.iter().map(|&x| round(x)).collect())
            .collect();
        let bias: Vec<f64> = self.bias.iter().map(|&x| round(x)).collect();
        serde_json::json!({ "labels": self.labels, "weight": weight, "bias": bias }).to_string()
    }

    /// The embedding length the head expects.
    pub fn dim(&self) -> usize {
        self.weight.first().map_or(0, Vec::len)
    }

    /// Probabilities per label, in the order of `labels`.
    pub fn scores(&self, embedding: &[f32]) -> Vec<f32> {
        let logits: Vec<f32> = self
            .weight
            .iter()
            .zip(&self.bias)
            .map(|(row, b)| row.iter().zip(embedding).map(|(w, x)| w * x).sum::<f32>() + b)
            .collect();
        softmax(&logits)
    }

    /// The index of the likeliest label.
    pub fn best(&self, embedding: &[f32]) -> Option<usize> {
        let scores = self.scores(embedding);
        (0..scores.len()).max_by(|&a, &b| scores[a].total_cmp(&scores[b]))
    }
}

/// Softmax, stable for large values.
pub fn softmax(xs: &[f32]) -> Vec<f32> {
    let max = xs.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let exps: Vec<f32> = xs.iter().map(|x| (x - max).exp()).collect();
    let sum: f32 = exps.iter().sum();
    exps.iter().map(|e| e / sum).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_bad_shapes() {
        let head = Head {
            labels: vec!["no".into(), "yes".into()],
            weight: vec![vec![1.0, -1.0], vec![-1.0, 1.0]],
            bias: vec![0.0, 0.5],
        };
        assert_eq!(Head::from_json(&head.to_json()).unwrap(), head);
        assert_eq!(head.best(&[0.0, 2.0]), Some(1));
        let bad = r#"{"labels":["a","b"],"weight":[[1.0]],"bias":[0,0]}"#;
        assert!(Head::from_json(bad)
            .unwrap_err()
            .to_string()
            .contains("1 rows"));
        assert!(Head::from_json("[]")
            .unwrap_err()
            .to_string()
            .starts_with("not a classifier head"));
    }

    #[test]
    fn softmax_sums_to_one() {
        let p = softmax(&[1000.0, 1000.0]);
        assert_eq!(p, vec![0.5, 0.5]);
    }
}
