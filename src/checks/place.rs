//! Where a score falls against a `check:`'s bounds, with NaN and infinities a fail of their own:
//! `v < min` is false for NaN, so a broken model (NaN scores) used to pass `score: {min: …}`.
//! Every check on a float (scores, similarity, the gap, accuracy) asks this first.

use crate::course::Bounds;

/// A score against bounds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum Placed {
    Within,
    Below(f64),
    Above(f64),
    /// NaN or ±infinity: never a pass, whatever the bounds.
    NotFinite,
}

pub(super) fn place(v: f64, b: &Bounds) -> Placed {
    if !v.is_finite() {
        return Placed::NotFinite;
    }
    match (b.min, b.max) {
        (Some(min), _) if v < min => Placed::Below(min),
        (_, Some(max)) if v > max => Placed::Above(max),
        _ => Placed::Within,
    }
}

/// The verdict line for a score that is not a number: `what` names it ("the score of POSITIVE").
pub(super) fn not_finite(what: &str, v: f64) -> String {
    let shown = if v.is_nan() {
        "not a number (NaN)".to_string()
    } else {
        format!("{v}")
    };
    format!(
        "{what} is {shown}: the model gave no real number, so this can't pass \
         (its weights may be broken: try `hftutor models pull` again)"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_and_infinities_are_never_within() {
        let b = Bounds {
            min: Some(0.5),
            max: None,
        };
        let any = Bounds {
            min: None,
            max: None,
        };
        for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
            assert_eq!(place(v, &b), Placed::NotFinite);
            assert_eq!(place(v, &any), Placed::NotFinite);
        }
        assert_eq!(place(0.4, &b), Placed::Below(0.5));
        assert_eq!(place(0.5, &b), Placed::Within);
    }
}
