//! Did-you-mean suggestions for misspelt names (keys, tasks, checks, params, lesson files).

/// The known name closest to `word`, if it is close enough to be what the writer meant.
pub fn closest<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word_lower = word.to_lowercase();
    let mut best: Option<(&str, f64)> = None;
    for candidate in known {
        let score = similarity(&word_lower, &candidate.to_lowercase());
        if score >= 0.75 && best.is_none_or(|(_, s)| score > s) {
            best = Some((candidate, score));
        }
    }
    best.map(|(c, _)| c)
}

/// ` (did you mean "x"?)`, or nothing when no known name is close.
pub fn suggestion<'a>(word: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    match closest(word, known) {
        Some(c) => format!(" (did you mean \"{c}\"?)"),
        None => String::new(),
    }
}

fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    // Same word with `_`/`-`/space mixed up ("top-k" for "top_k").
    let squash = |s: &str| {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .collect::<String>()
    };
    if squash(a) == squash(b) {
        return 0.99;
    }
    let jw = strsim::jaro_winkler(a, b);
    let lev = strsim::levenshtein(a, b);
    // One or two edits on a word of a few letters is a typo, whatever Jaro-Winkler says.
    let short_typo = match a.chars().count().max(b.chars().count()) {
        0..=3 => lev <= 1,
        4..=6 => lev <= 2,
        _ => lev <= 3,
    };
    if short_typo {
        jw.max(0.8)
    } else {
        jw.min(0.85) - 0.1 * lev as f64 / 4.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_typos() {
        let keys = ["label", "param", "default"];
        assert_eq!(closest("lable", keys), Some("label"));
        assert_eq!(closest("Label", keys), Some("label"));
        assert_eq!(closest("defualt", keys), Some("default"));
        assert_eq!(closest("colour", keys), None);
        assert_eq!(closest("top-k", ["top_k", "top_p"]), Some("top_k"));
        assert_eq!(
            closest("similarty", ["similarity", "shared_words"]),
            Some("similarity")
        );
        assert_eq!(
            closest("text-generaton", ["text-generation", "tokenize"]),
            Some("text-generation")
        );
        assert_eq!(closest("x", ["id", "task"]), None);
    }
}
