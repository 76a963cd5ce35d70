//! Nesting bombs: 10,000 `>` in a 10 KB lesson made the tutor use 2 GB (100,000 got it killed),
//! and a deep YAML flow list took minutes before it was refused. Both are now errors of
//! `hftutor check`, at `file:line:col`, found in one pass before any parser runs, and the tutor
//! refuses the course before drawing it.

use std::time::{Duration, Instant};

use crate::common::*;

/// `check DIR` and the tutor's start-up on a course: both must fail with `said` at `place`.
fn refused(dir: &tempfile::TempDir, place: &str, said: &str) {
    let home = tempfile::tempdir().expect("home");
    let d = dir.path().to_str().expect("path");
    for args in [vec!["check", d], vec!["--course", d]] {
        let started = Instant::now();
        let out = hftutor(&args, home.path());
        let took = started.elapsed();
        let all = text(&out);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {all}");
        let line = all
            .lines()
            .find(|l| l.contains(said))
            .unwrap_or_else(|| panic!("{args:?}: no \"{said}\" in {all}"));
        assert!(
            line.starts_with(&format!("{d}/{place}: ")),
            "{args:?}: at {place}: {line}"
        );
        eprintln!("{args:?} {place}: {:.3} s", took.as_secs_f64());
        assert!(took < Duration::from_secs(2), "{args:?}: took {took:?}");
    }
}

const MD: &str = "Markdown nested";
const YAML: &str = "YAML nested more than 32 levels deep here";

#[test]
fn ten_and_a_hundred_thousand_block_quotes_are_an_error() {
    for n in [10_000, 100_000] {
        let dir = course("", &lesson("", &format!("{} deep", ">".repeat(n))));
        // The body's first line is line 7; the paragraph is line 9; the 17th `>` is too many.
        refused(&dir, "intro.md:9:17", MD);
        assert!(
            text(&hftutor(
                &["check", dir.path().to_str().expect("path")],
                tempfile::tempdir().expect("home").path()
            ))
            .contains(&format!("nested {n} levels deep")),
            "the depth is said"
        );
    }
}

#[test]
fn stairs_of_nested_lists_are_an_error() {
    let stairs: String = (0..700)
        .map(|i| format!("{}- step\n", "  ".repeat(i)))
        .collect();
    let dir = course("", &lesson("", &stairs));
    refused(&dir, "intro.md:25:33", MD);
}

#[test]
fn a_deep_yaml_flow_list_is_refused_early_wherever_it_is() {
    let deep = "[".repeat(100_000);
    // Front matter (line 5), an exercise block (its `params:` line), course.yaml (line 5).
    let front = course("", &lesson(&format!("concepts: {deep}\n"), "Some words."));
    refused(&front, "intro.md:5:43", YAML);
    let block = format!("```exercise\nid: e\nparams: {deep}\n```");
    let in_block = course("", &lesson("", &block));
    refused(&in_block, "intro.md:11:41", YAML);
    let in_course = course(
        &format!("extra: {}\n", "{a: ".repeat(25_000)),
        &lesson("", "Hi."),
    );
    refused(&in_course, "course.yaml:5:136", YAML);
}
