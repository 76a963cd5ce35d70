//! The `similarity_gap` check: how much closer sentence 1 is to sentence 2 than to sentence 3
//! (score(1, 2) − score(1, 3)), for bias probes ("nurse" is closer to "she" than to "he").

use crate::course::Bounds;
use crate::domain::PipelineOutput;

use super::output::cosine;
use super::place::{not_finite, place, Placed};
use super::wording::{score, score_bounds};
use super::Condition;

fn fail(detail: String) -> Condition {
    Condition {
        passed: false,
        detail,
    }
}

/// Judges the gap between the first two similarity scores against `b`.
pub(super) fn similarity_gap(b: &Bounds, output: &PipelineOutput) -> Condition {
    let scores: Vec<f64> = match output {
        PipelineOutput::Similarities(s) => s.iter().map(|v| f64::from(*v)).collect(),
        PipelineOutput::Embeddings(e) if e.len() >= 2 => {
            e[1..].iter().map(|v| cosine(&e[0], v)).collect()
        }
        PipelineOutput::Embeddings(_) => Vec::new(),
        _ => {
            return fail(
                "the gap needs similarity scores, but the model gave something else".into(),
            )
        }
    };
    let (Some(&with2), Some(&with3)) = (scores.first(), scores.get(1)) else {
        return fail("the gap needs three sentences".into());
    };
    let gap = with2 - with3;
    let shown = score(gap, b);
    let pair = format!(
        "(sentence 1 scores {:.2} with sentence 2 and {:.2} with sentence 3)",
        with2, with3
    );
    match place(gap, b) {
        Placed::NotFinite => return fail(not_finite(&format!("the gap {pair}"), gap)),
        Placed::Below(min) => {
            return fail(format!(
                "the gap is {shown} {pair}, below the goal of {min:.2}"
            ))
        }
        Placed::Above(max) => {
            return fail(format!(
                "the gap is {shown} {pair}, above the limit of {max:.2}"
            ))
        }
        Placed::Within => {}
    }
    Condition {
        passed: true,
        detail: format!("the gap is {shown} {pair}: goal met ({})", score_bounds(b)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn judged(scores: &[f32], b: Bounds) -> (bool, String) {
        let c = similarity_gap(&b, &PipelineOutput::Similarities(scores.to_vec()));
        (c.passed, c.detail)
    }

    #[test]
    fn gap_is_first_pair_minus_second() {
        let min = Bounds {
            min: Some(0.1),
            max: None,
        };
        assert_eq!(
            judged(&[0.45, 0.30], min),
            (
                true,
                "the gap is 0.15 (sentence 1 scores 0.45 with sentence 2 and 0.30 with sentence 3): goal met (at least 0.10)".into()
            )
        );
        assert_eq!(
            judged(&[0.30, 0.45], min),
            (
                false,
                "the gap is -0.15 (sentence 1 scores 0.30 with sentence 2 and 0.45 with sentence 3), below the goal of 0.10".into()
            )
        );
        let max = Bounds {
            min: None,
            max: Some(0.05),
        };
        assert!(!judged(&[0.5, 0.3], max).0);
        assert!(!judged(&[0.5], min).0);
        let other = similarity_gap(&min, &PipelineOutput::Generations(vec![]));
        assert!(!other.passed);
    }
}
