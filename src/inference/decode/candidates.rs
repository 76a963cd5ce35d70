//! The next-token candidates generation reports: the few most likely tokens after temperature,
//! picked from the logits in one pass (the full softmax is only summed, never sorted).

use candle_core::Tensor;
use tokenizers::Tokenizer;

use crate::domain::Candidate;
use crate::inference::PipelineError;

/// The candidates of one step, from the logits the sampler sees: probabilities after
/// `temperature` (greedy, i.e. 0 or below, shows temperature 1), most likely first.
pub fn report(
    logits: &Tensor,
    temperature: f64,
    tokenizer: &Tokenizer,
) -> Result<Vec<Candidate>, PipelineError> {
    let shown = if temperature > 0.0 { temperature } else { 1.0 };
    let top = top_candidates(&logits.to_vec1::<f32>()?, shown, CANDIDATES);
    Ok(top
        .into_iter()
        .map(|(id, probability)| Candidate {
            id,
            text: token_text(tokenizer, id),
            probability,
        })
        .collect())
}

/// One token as text (special tokens by name).
fn token_text(tokenizer: &Tokenizer, id: u32) -> String {
    match tokenizer.decode(&[id], false) {
        Ok(t) if !t.is_empty() => t,
        _ => tokenizer.id_to_token(id).unwrap_or_default(),
    }
}

/// How many next-token candidates each step reports.
pub const CANDIDATES: usize = 5;

/// The `k` most likely tokens of `logits` after `temperature`, with their probabilities (softmax
/// over the whole vocabulary), most likely first.
pub fn top_candidates(logits: &[f32], temperature: f64, k: usize) -> Vec<(u32, f32)> {
    let t = if temperature > 0.0 && temperature.is_finite() {
        temperature as f32
    } else {
        1.0
    };
    let max = logits
        .iter()
        .copied()
        .filter(|x| x.is_finite())
        .fold(f32::NEG_INFINITY, f32::max);
    if !max.is_finite() {
        return Vec::new();
    }
    let weight = |x: f32| {
        if x.is_finite() {
            ((x - max) / t).exp()
        } else {
            0.0
        }
    };
    let total: f32 = logits.iter().map(|&x| weight(x)).sum();
    let mut top: Vec<(u32, f32)> = Vec::with_capacity(k + 1);
    for (i, &x) in logits.iter().enumerate() {
        if !x.is_finite() || (top.len() == k && top.last().is_some_and(|&(_, l)| x <= l)) {
            continue;
        }
        let at = top.partition_point(|&(_, l)| l >= x);
        top.insert(at, (i as u32, x));
        top.truncate(k);
    }
    top.into_iter()
        .map(|(id, x)| (id, weight(x) / total))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_candidates_are_the_softmax_peaks() {
        let logits = [1.0, 3.0, f32::NEG_INFINITY, 2.0, 0.0];
        let top = top_candidates(&logits, 1.0, 3);
        let ids: Vec<u32> = top.iter().map(|c| c.0).collect();
        assert_eq!(ids, [1, 3, 0]);
        let total: f32 = [1.0f32, 3.0, 2.0, 0.0].iter().map(|x| x.exp()).sum();
        assert!((top[0].1 - 3.0f32.exp() / total).abs() < 1e-6);
        // A high temperature flattens, a low one sharpens.
        assert!(top_candidates(&logits, 5.0, 1)[0].1 < top[0].1);
        assert!(top_candidates(&logits, 0.2, 1)[0].1 > 0.99);
        assert!(top_candidates(&[f32::NAN], 1.0, 3).is_empty());
        assert_eq!(top_candidates(&logits, 1.0, 10).len(), 4);
    }
}
