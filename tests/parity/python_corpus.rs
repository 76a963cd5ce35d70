//! The code cell against real CPython: every snippet in tests/fixtures/python/snippets/ runs in
//! hftutor's sandbox, and what it prints must be what CPython + transformers 4.57 printed on the
//! same weights (recorded by tests/fixtures/python/record.py; `tokenizer` with transformers 5).
//! Text must be equal; numbers with a decimal point may differ by less than one unit of their
//! last printed digit, or by up to 1e-4 (candle and torch sum in other orders). Tracebacks are compared without their caret lines (monty marks
//! ranges where CPython 3.11 draws `~` and `^` shapes).

use std::path::{Path, PathBuf};

use hftutor::hub::Provision;
use hftutor::python::{self, local::LocalModels, Limits, Source};

const SNIPPETS: &str = "tests/fixtures/python/snippets";

fn snippets() -> Vec<PathBuf> {
    let mut all: Vec<PathBuf> = std::fs::read_dir(SNIPPETS)
        .expect("snippets folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "py"))
        .collect();
    all.sort();
    all
}

/// Splits text into (non-number text, number) pieces: a number is `-?digits.digits` (with an
/// exponent), so integers (token ids, offsets) stay text and must be equal.
fn pieces(text: &str) -> Vec<(String, Option<(f64, usize)>)> {
    let re = regex::Regex::new(r"-?\d+\.\d+(?:e[+-]?\d+)?").expect("regex");
    let mut out = Vec::new();
    let mut last = 0;
    for m in re.find_iter(text) {
        out.push((text[last..m.start()].to_string(), None));
        let s = m.as_str();
        let decimals = s
            .split('.')
            .nth(1)
            .map_or(0, |d| d.split('e').next().map_or(0, str::len));
        out.push((String::new(), s.parse().ok().map(|v| (v, decimals))));
        last = m.end();
    }
    out.push((text[last..].to_string(), None));
    out
}

/// Why `ours` differs from CPython's `theirs`, if it does.
fn differs(ours: &str, theirs: &str) -> Option<String> {
    let (a, b) = (pieces(ours), pieces(theirs));
    if a.len() != b.len() {
        return Some("a different number of numbers".into());
    }
    for ((ta, na), (tb, nb)) in a.iter().zip(&b) {
        if ta != tb {
            return Some(format!("text {ta:?} where CPython printed {tb:?}"));
        }
        if let (Some((x, _)), Some((y, d))) = (na, nb) {
            // Less than one unit of the last printed digit, or up to 1e-4 (candle and torch
            // sum in other orders: a 4th decimal may flip), with room for the decimal parse
            // (0.0776 − 0.0775 is 1.0000000000000286e-4 in binary).
            let diff = (x - y).abs();
            if diff >= 10f64.powi(-(*d as i32)) && diff > 1e-4 * (1.0 + 1e-9) {
                return Some(format!("{x} where CPython printed {y}"));
            }
        }
    }
    None
}

fn without_carets(traceback: &str) -> String {
    traceback
        .lines()
        .filter(|l| !l.trim().chars().all(|c| c == '^' || c == '~') || l.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn read(p: &Path) -> Option<String> {
    std::fs::read_to_string(p).ok()
}

#[test]
fn the_sandbox_prints_what_cpython_printed() {
    let course = hftutor::course::load_embedded(&hftutor::attempt::Rules).expect("course");
    let mut models = LocalModels::new(course.models.clone(), Provision::from_env());
    let mut failures = Vec::new();
    let all = snippets();
    assert!(all.len() >= 14, "the corpus has its snippets");
    for path in all {
        let code = std::fs::read_to_string(&path).expect("snippet");
        let name = path.display().to_string();
        let cell = python::run(
            &Source {
                code,
                file_name: name.clone(),
            },
            &mut models,
            Limits::default(),
        );
        let expected =
            read(&path.with_extension("stdout")).expect("a recorded .stdout for every snippet");
        if let Some(why) = differs(&cell.stdout, &expected) {
            failures.push(format!(
                "{name}: stdout: {why}\n--- ours\n{}--- CPython\n{expected}",
                cell.stdout
            ));
        }
        match (read(&path.with_extension("stderr")), &cell.error) {
            (None, None) => {}
            (Some(theirs), Some(ours)) => {
                let (t, o) = (without_carets(&theirs), without_carets(ours));
                if t != o {
                    failures.push(format!(
                        "{name}: traceback\n--- ours\n{o}\n--- CPython\n{t}"
                    ));
                }
            }
            (theirs, ours) => failures.push(format!(
                "{name}: CPython raised {theirs:?}, we raised {ours:?}"
            )),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn the_comparison_catches_a_wrong_number_and_wrong_text() {
    assert_eq!(differs("score 0.8263010978", "score 0.8263010382"), None);
    assert!(differs("score 0.83", "score 0.82").is_some());
    assert!(differs("NEGATIVE 0.5", "POSITIVE 0.5").is_some());
    assert!(differs("token 71", "token 72").is_some());
}
