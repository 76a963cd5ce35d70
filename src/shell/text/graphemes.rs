//! Grapheme clusters in the input fields: the cursor is a char index, but it moves and deletes
//! by whole user-perceived characters (👍🏽, 🇫🇷, an `e` with a combining accent), so a student
//! never splits one in half.

use unicode_segmentation::UnicodeSegmentation;

/// Each cluster with the char index it starts at.
pub(crate) fn clusters(s: &str) -> impl Iterator<Item = (usize, &str)> {
    s.graphemes(true).scan(0, |chars, g| {
        let at = *chars;
        *chars += g.chars().count();
        Some((at, g))
    })
}

/// Char indices where clusters start, plus the end (`s.chars().count()`).
fn boundaries(s: &str) -> Vec<usize> {
    let mut out = Vec::new();
    let mut chars = 0;
    for g in s.graphemes(true) {
        out.push(chars);
        chars += g.chars().count();
    }
    out.push(chars);
    out
}

/// The cluster boundary before char index `at` (0 at the start).
pub(crate) fn prev(s: &str, at: usize) -> usize {
    boundaries(s)
        .into_iter()
        .take_while(|&b| b < at)
        .last()
        .unwrap_or(0)
}

/// The cluster boundary after char index `at` (the end at the end).
pub(crate) fn next(s: &str, at: usize) -> usize {
    let all = boundaries(s);
    let end = all.last().copied().unwrap_or(0);
    all.into_iter().find(|&b| b > at).unwrap_or(end)
}

/// The cluster starting at char index `at` ("" at the end).
pub(crate) fn cluster_at(s: &str, at: usize) -> &str {
    let from = byte_at(s, at);
    s[from..].graphemes(true).next().unwrap_or("")
}

/// The byte offset of the `chars`-th char (or the end).
pub(crate) fn byte_at(s: &str, chars: usize) -> usize {
    s.char_indices().nth(chars).map_or(s.len(), |(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clusters_are_whole() {
        // a, 👍🏽 (2 chars), 🇫🇷 (2 chars), e + combining acute (2 chars), b
        let s = "a👍🏽🇫🇷e\u{301}b";
        assert_eq!(boundaries(s), [0, 1, 3, 5, 7, 8]);
        assert_eq!(prev(s, 3), 1);
        assert_eq!(prev(s, 2), 1, "from inside a cluster, back to its start");
        assert_eq!(prev(s, 0), 0);
        assert_eq!(next(s, 1), 3);
        assert_eq!(next(s, 2), 3);
        assert_eq!(next(s, 8), 8);
        assert_eq!(cluster_at(s, 3), "🇫🇷");
        assert_eq!(cluster_at(s, 8), "");
        assert_eq!(prev("", 0), 0);
        assert_eq!(next("", 0), 0);
    }
}
