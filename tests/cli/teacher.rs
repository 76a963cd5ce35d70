//! The teachers' commands, run through the binary: `new course`, `new lesson`,
//! `check --format json` and `schema`.

use std::path::Path;
use std::process::{Command, Output};

fn hftutor(args: &[&str], home: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hftutor"))
        .args(args)
        .env("HFTUTOR_HOME", home)
        .output()
        .expect("the hftutor binary runs")
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

#[test]
fn a_new_course_and_lessons_pass_check_at_once() {
    let home = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("robots");
    let out = hftutor(
        &["new", "course", s(&dir), "--title", "Robots: 101"],
        home.path(),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(dir.join("course.yaml").is_file());
    assert!(dir.join("01-first-lesson.md").is_file());

    let out = hftutor(&["check", s(&dir)], home.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("no errors, 0 warning(s)"),
        "{}",
        text(&out)
    );

    // A comment of the teacher's, to be kept by the edit.
    let yaml = dir.join("course.yaml");
    let before = std::fs::read_to_string(&yaml).unwrap();
    std::fs::write(
        &yaml,
        before.replace("lessons:\n", "lessons:   # my order\n"),
    )
    .unwrap();
    let out = hftutor(
        &["--course", s(&dir), "new", "lesson", "robot-eyes"],
        home.path(),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert!(dir.join("02-robot-eyes.md").is_file(), "{}", text(&out));
    let after = std::fs::read_to_string(&yaml).unwrap();
    assert!(
        after.contains("lessons:   # my order\n  - 01-first-lesson\n  - 02-robot-eyes\n"),
        "{after}"
    );
    assert!(after.contains("# The model each task uses"), "{after}");

    let out = hftutor(&["check", s(&dir)], home.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("no errors, 0 warning(s)"),
        "{}",
        text(&out)
    );
    let lesson = std::fs::read_to_string(dir.join("02-robot-eyes.md")).unwrap();
    for kind in [
        "```exercise",
        "```quiz",
        "## Recap",
        "hints:",
        "solution:",
        "counterexample:",
        "explain:",
    ] {
        assert!(lesson.contains(kind), "{kind} missing from:\n{lesson}");
    }
}

#[test]
fn new_refuses_to_overwrite_and_bad_ids() {
    let home = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("c");
    assert!(hftutor(&["new", "course", s(&dir)], home.path())
        .status
        .success());
    let yaml_before = std::fs::read_to_string(dir.join("course.yaml")).unwrap();

    let out = hftutor(&["new", "course", s(&dir)], home.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("already exists: hftutor never overwrites a file"),
        "{}",
        text(&out)
    );

    let out = hftutor(
        &["--course", s(&dir), "new", "lesson", "Robot Eyes"],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("id \"Robot Eyes\" may use only lowercase letters, digits, - and _, starting with a letter or digit (e.g. \"robot-eyes\")"),
        "{}",
        text(&out)
    );

    let out = hftutor(
        &["--course", s(&dir), "new", "lesson", "first-lesson"],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("lesson id \"first-lesson\" is already used by 01-first-lesson.md"),
        "{}",
        text(&out)
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("course.yaml")).unwrap(),
        yaml_before
    );

    let empty = root.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = hftutor(
        &["--course", s(&empty), "new", "lesson", "one"],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("there is no course.yaml in"),
        "{}",
        text(&out)
    );
}

#[test]
fn a_new_lesson_names_its_model_when_the_course_has_none_for_its_task() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("course.yaml"),
        "title: Bare\nlessons: [] # none yet\n",
    )
    .unwrap();
    let out = hftutor(
        &["--course", s(dir.path()), "new", "lesson", "one"],
        home.path(),
    );
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("course.yaml")).unwrap(),
        "title: Bare\nlessons: [one] # none yet\n"
    );
    let out = hftutor(&["check", s(dir.path())], home.path());
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn check_json_lists_every_problem_for_editors() {
    let home = tempfile::tempdir().unwrap();
    let dir = "tests/fixtures/invalid/feedback-hints-missing";
    let out = hftutor(&["check", dir, "--format", "json"], home.path());
    assert!(out.status.success(), "warnings only: {}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let expected = serde_json::json!([
        {"file": format!("{dir}/lesson.md"), "line": 11, "col": 1, "severity": "warning",
         "message": "exercise \"pairs\" has no hints: add 1 to 3, mildest first"},
        {"file": format!("{dir}/lesson.md"), "line": 17, "col": 1, "severity": "warning",
         "message": "feedback has no fail message"},
    ]);
    assert_eq!(v, expected);

    let out = hftutor(
        &[
            "check",
            "tests/fixtures/invalid/unknown-check",
            "--format",
            "json",
        ],
        home.path(),
    );
    assert_eq!(out.status.code(), Some(1));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    let first = &v[0];
    assert_eq!(first["severity"], "error");
    assert!(first["line"].as_u64().is_some_and(|l| l > 1), "{v}");

    let out = hftutor(&["check", "--format", "json"], home.path());
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("stdout is JSON");
    assert_eq!(v, serde_json::json!([]));
}

#[test]
fn schema_prints_json_schemas() {
    let home = tempfile::tempdir().unwrap();
    for block in ["course", "front-matter", "exercise", "quiz"] {
        let out = hftutor(&["schema", "--block", block], home.path());
        assert!(out.status.success(), "{}", text(&out));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
        assert_eq!(v["additionalProperties"], false, "{block}: {v}");
    }
    let out = hftutor(&["schema"], home.path());
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["anyOf"].as_array().map(Vec::len), Some(4), "{v}");

    let out = hftutor(&["schema", "--block", "exercize"], home.path());
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
}

#[test]
fn a_new_lesson_is_solvable_on_the_real_model() {
    let home = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("c");
    assert!(hftutor(&["new", "course", s(&dir)], home.path())
        .status
        .success());
    let out = hftutor(&["--course", s(&dir), "solve"], home.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("1/1 exercises solvable"),
        "{}",
        text(&out)
    );
}
