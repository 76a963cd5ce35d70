//! The crate's rooms as ARCHITECTURE.md draws them, checked on the source: no import cycle between
//! top-level modules of `src/`, `domain/` depending on nothing else in the crate (nor on candle,
//! ratatui, tokio or files), and no library function returning `Result<_, String>`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("read src") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// The top-level module a file of `src/` belongs to (`src/shell/view/x.rs` → `shell`).
fn room_of(file: &Path) -> String {
    let rel = file.strip_prefix(src()).expect("under src");
    let first = rel.components().next().expect("a component");
    first
        .as_os_str()
        .to_string_lossy()
        .trim_end_matches(".rs")
        .to_string()
}

/// The code of a file without comments and without its `#[cfg(test)]` module.
fn code(file: &Path) -> String {
    let text = std::fs::read_to_string(file).expect("read");
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => &text[..],
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) if !l[..i].contains('"') => &l[..i],
            _ => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Which top-level modules each one uses (`crate::x` paths).
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let room = room_of(f);
        if matches!(room.as_str(), "lib" | "main") {
            continue;
        }
        let text = code(f);
        let uses = graph.entry(room.clone()).or_default();
        for (i, _) in text.match_indices("crate::") {
            let name: String = text[i + 7..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !name.is_empty() && name != room {
                uses.insert(name);
            }
        }
    }
    graph
}

#[test]
fn no_cycle_between_top_level_modules() {
    let graph = graph();
    assert!(graph.len() >= 10, "the rooms were found: {graph:?}");
    // Depth-first search for a path back to where it started.
    fn back(
        graph: &BTreeMap<String, BTreeSet<String>>,
        start: &str,
        at: &str,
        path: &mut Vec<String>,
        seen: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        for next in graph.get(at).into_iter().flatten() {
            if next == start {
                let mut cycle = path.clone();
                cycle.push(next.clone());
                return Some(cycle);
            }
            if seen.insert(next.clone()) {
                path.push(next.clone());
                if let Some(c) = back(graph, start, next, path, seen) {
                    return Some(c);
                }
                path.pop();
            }
        }
        None
    }
    let cycles: Vec<String> = graph
        .keys()
        .filter_map(|m| {
            back(&graph, m, m, &mut vec![m.clone()], &mut BTreeSet::new()).map(|c| c.join(" → "))
        })
        .collect();
    assert!(cycles.is_empty(), "import cycles:\n{}", cycles.join("\n"));
}

#[test]
fn domain_depends_on_nothing_else() {
    let graph = graph();
    let uses = graph.get("domain").expect("a domain room");
    assert!(uses.is_empty(), "domain uses {uses:?}");
    let mut files = Vec::new();
    rust_files(&src().join("domain"), &mut files);
    for f in files {
        let text = code(&f);
        for banned in ["candle", "ratatui", "tokio", "std::fs", "File::"] {
            assert!(!text.contains(banned), "{} uses {banned}", f.display());
        }
    }
}

#[test]
fn no_library_function_returns_a_string_error() {
    let mut files = Vec::new();
    rust_files(&src(), &mut files);
    let mut found = Vec::new();
    for f in files {
        // One line per signature: newlines and runs of spaces folded.
        let text = code(&f).split_whitespace().collect::<Vec<_>>().join(" ");
        for (i, _) in text.match_indices("-> Result<") {
            // The Result's own arguments, up to its closing `>`.
            let rest = &text[i + 10..];
            let mut depth = 1;
            let end = rest
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '<' => depth += 1,
                        '>' => depth -= 1,
                        _ => {}
                    }
                    depth == 0
                })
                .map_or(rest.len(), |(j, _)| j);
            let args = &rest[..end];
            if args.trim_end().ends_with(", String") {
                found.push(format!("{}: -> Result<{args}>", f.display()));
            }
        }
    }
    assert!(found.is_empty(), "{}", found.join("\n"));
}
