//! Replays the kept fuzz seeds (tests/fuzz/regressions/<target>/) through the same entry points
//! the cargo-fuzz targets use (hftutor::fuzzing): hand-written edge cases and every crash the
//! fuzzers found, so none comes back. A panic here is a regression.

use std::path::PathBuf;

fn seeds(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fuzz/regressions")
        .join(target);
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let path = e.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            (path.display().to_string(), bytes)
        })
        .collect();
    out.sort();
    assert!(out.len() >= 5, "{target}: too few seeds kept");
    out
}

fn replay(target: &str, run: fn(&[u8])) {
    for (name, bytes) in seeds(target) {
        let result = std::panic::catch_unwind(|| run(&bytes));
        assert!(result.is_ok(), "{name} panics in {target}");
    }
}

#[test]
fn lesson_file_seeds_replay() {
    replay("lesson_file", hftutor::fuzzing::lesson_file);
}

#[test]
fn student_input_seeds_replay() {
    replay("student_input", hftutor::fuzzing::student_input);
}

#[test]
fn pipeline_text_seeds_replay() {
    replay("pipeline_text", hftutor::fuzzing::pipeline_text);
}

#[test]
fn media_file_seeds_replay() {
    replay("media_file", hftutor::fuzzing::media_file);
}

#[test]
fn model_config_seeds_replay() {
    replay("model_config", hftutor::fuzzing::model_config);
}

/// The lesson_file entry point reaches the validator: a broken lesson gives problems, a valid
/// one none (so the fuzzer explores the real parser, not an early return).
#[test]
fn lesson_file_reaches_the_validator() {
    let broken = std::collections::BTreeMap::from([
        (
            "course.yaml".to_string(),
            "title: T\nlessons: [lesson]\n".to_string(),
        ),
        (
            "lesson.md".to_string(),
            "---\nid: lesson\n---\n## S\n```exercise\ntask: nope\n```\n".to_string(),
        ),
    ]);
    let (course, problems) = hftutor::course::load_files(broken, &hftutor::attempt::Rules);
    assert!(course.is_none());
    assert!(
        problems
            .iter()
            .any(|p| p.to_string().contains("lesson.md:")),
        "{problems:?}"
    );
}
