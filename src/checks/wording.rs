//! How numbers, bounds and lists read in verdict lines ("at least 0.60", "none", "from 2 to 5").

use crate::course::Bounds;

/// Lists of this many words or more are judged in one verdict line, not one line per word.
pub const MANY: usize = 3;

/// A score with two decimals, or more when two decimals would hide why it missed `bound`.
pub fn score(v: f64, bounds: &Bounds) -> String {
    let two = format!("{v:.2}");
    let clashes = [bounds.min, bounds.max]
        .into_iter()
        .flatten()
        .any(|b| format!("{b:.2}") == two && b != v);
    if clashes {
        format!("{v:.4}")
    } else {
        two
    }
}

/// A count: a whole number when it is one.
pub fn count(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// "at least 0.60", "at most 0.50", "between 0.20 and 0.50".
pub fn score_bounds(b: &Bounds) -> String {
    match (b.min, b.max) {
        (Some(lo), Some(hi)) => format!("between {lo:.2} and {hi:.2}"),
        (Some(lo), None) => format!("at least {lo:.2}"),
        (None, Some(hi)) => format!("at most {hi:.2}"),
        (None, None) => "anything".to_string(),
    }
}

/// "exactly 1", "none", "at least 4", "at most 10", "from 2 to 5".
pub fn count_bounds(b: &Bounds) -> String {
    match (b.min, b.max) {
        (Some(lo), Some(hi)) if lo == hi => format!("exactly {}", count(lo)),
        (None, Some(hi)) | (Some(_), Some(hi)) if hi == 0.0 => "none".to_string(),
        (Some(lo), Some(hi)) => format!("from {} to {}", count(lo), count(hi)),
        (Some(lo), None) => format!("at least {}", count(lo)),
        (None, Some(hi)) => format!("at most {}", count(hi)),
        (None, None) => "any number".to_string(),
    }
}

/// `n word` / `n words`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// `"a", "b", "c"`.
pub fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("\"{s}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_well() {
        let min = Bounds {
            min: Some(0.6),
            max: None,
        };
        assert_eq!(score(0.42, &min), "0.42");
        assert_eq!(score(0.5996, &min), "0.5996");
        assert_eq!(score_bounds(&min), "at least 0.60");
        assert_eq!(
            count_bounds(&Bounds {
                min: None,
                max: Some(0.0)
            }),
            "none"
        );
        assert_eq!(
            count_bounds(&Bounds {
                min: Some(1.0),
                max: Some(1.0)
            }),
            "exactly 1"
        );
        assert_eq!(
            count_bounds(&Bounds {
                min: Some(2.0),
                max: Some(5.0)
            }),
            "from 2 to 5"
        );
        assert_eq!(plural(1, "word"), "1 word");
        assert_eq!(plural(3, "word"), "3 words");
    }
}
