//! The search corpus the course ships (assets/search/documents.txt, compiled in): what
//! semantic-search ranks and what lessons may name by number.

const DOCUMENTS: &str = include_str!("../../assets/search/documents.txt");

/// The shipped documents, in file order (document 1 is the first).
pub fn documents() -> Vec<&'static str> {
    DOCUMENTS
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}
