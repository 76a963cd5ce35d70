//! Words of a text as the checks count them: lowercase runs of letters and digits (apostrophes
//! inside a word kept: "don't"), punctuation ignored.

/// The words of `text`, in order, lowercased.
pub fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for c in text.chars() {
        let c = if c == '’' { '\'' } else { c };
        if c.is_alphanumeric() || (c == '\'' && !current.is_empty()) {
            current.extend(c.to_lowercase());
        } else if !current.is_empty() {
            out.push(
                std::mem::take(&mut current)
                    .trim_end_matches('\'')
                    .to_string(),
            );
        }
    }
    if !current.is_empty() {
        out.push(current.trim_end_matches('\'').to_string());
    }
    out.retain(|w| !w.is_empty());
    out
}

/// Whether `text` mentions `entry`, case ignored. An entry of plain words ("he", "no one",
/// "Paris.") matches whole words only, as a run of words in that order: "he" is not found in
/// "the", and the full stop of "Paris." doesn't count. An entry with other signs ("[UNK]",
/// "<|im_end|>", "?") matches anywhere, as written.
pub fn mentions(text: &str, entry: &str) -> bool {
    if entry.trim().is_empty() {
        return false;
    }
    let core = entry
        .trim()
        .trim_matches(|c: char| matches!(c, '.' | ',' | '!' | '?' | ';' | ':' | '"'));
    let plain = !core.is_empty()
        && core
            .chars()
            .all(|c| c.is_alphanumeric() || c.is_whitespace() || c == '\'' || c == '’');
    if !plain {
        return text.to_lowercase().contains(&entry.to_lowercase());
    }
    let wanted = words(core);
    let have = words(text);
    !wanted.is_empty() && have.windows(wanted.len()).any(|w| w == wanted.as_slice())
}

/// Byte ranges of the words of `text` (same rule as [`words`], for mapping tokens to words).
pub fn word_spans(text: &str) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        let inside = c.is_alphanumeric() || ((c == '\'' || c == '’') && start.is_some());
        match (inside, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, text.len()));
    }
    spans
}

/// Distinct words used by more than one of `texts`, in order of first use.
pub fn shared(texts: &[String]) -> Vec<String> {
    let sets: Vec<Vec<String>> = texts.iter().map(|t| words(t)).collect();
    let mut out: Vec<String> = Vec::new();
    for (i, set) in sets.iter().enumerate() {
        for w in set {
            if out.contains(w) {
                continue;
            }
            if sets
                .iter()
                .enumerate()
                .any(|(j, other)| j != i && other.contains(w))
            {
                out.push(w.clone());
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_words() {
        assert_eq!(words("I don't like it!"), vec!["i", "don't", "like", "it"]);
        assert_eq!(words("  Hello, WORLD…  "), vec!["hello", "world"]);
        assert_eq!(words("'quoted'"), vec!["quoted"]);
        assert_eq!(words(""), Vec::<String>::new());
        assert_eq!(word_spans("hi, you"), vec![(0, 2), (4, 7)]);
        let texts = vec!["The cat sat.".to_string(), "A cat? The end".to_string()];
        assert_eq!(shared(&texts), vec!["the", "cat"]);
    }

    #[test]
    fn mentions_whole_words_and_phrases() {
        assert!(!mentions("The cat sat.", "he"));
        assert!(mentions("Then he left.", "He"));
        assert!(mentions("I love Paris", "Paris."));
        assert!(mentions("Paris. Lovely.", "paris"));
        assert!(!mentions("Parisian food", "Paris"));
        assert!(mentions("Well, no one came.", "no one"));
        assert!(!mentions("nobody came", "no one"));
        assert!(mentions("a [UNK] b", "[UNK]"));
        assert!(mentions("chat <|im_end|>", "<|im_end|>"));
        assert!(mentions("Really?", "?"));
        assert!(mentions("She doesn't care", "doesn't"));
        assert!(!mentions("anything", ""));
    }
}
