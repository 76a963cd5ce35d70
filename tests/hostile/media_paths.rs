//! A course's files are its own (issue 13, probe 9): an exercise may not name an absolute path,
//! `~/…` or climb out with `..` as a default, a solution or a counterexample (`check` says where),
//! and a folder link out of the course is refused when the file is opened. A student may still
//! type a path of their own.

use crate::common::*;

const MODELS_VIT: &str = "  image-classification: google/vit-base-patch16-224\n";

fn picture_lesson(default: &str, solution: &str) -> String {
    lesson(
        "",
        &format!(
            "Look.\n\n```exercise\nid: pic\ntask: image-classification\ngoal: Classify it.\ninputs:\n  - label: Picture\n    default: {default}\ncheck:\n  score: {{min: 0}}\nfeedback:\n  pass: Yes.\n  fail: No.\nhints:\n  - Try.\nsolution:\n  - {solution}\ncounterexample:\n  - media/none.png\n```"
        ),
    )
}

#[test]
fn check_refuses_files_outside_the_course_at_their_line() {
    for (default, solution) in [
        ("/etc/passwd", "media/a.png"),
        ("media/a.png", "~/secret.png"),
        ("media/../../outside.png", "media/a.png"),
    ] {
        let dir = course(MODELS_VIT, &picture_lesson(default, solution));
        let home = tempfile::tempdir().expect("tempdir");
        let out = hftutor(&["check", dir.path().to_str().expect("utf-8")], home.path());
        let said = text(&out);
        assert_eq!(out.status.code(), Some(1), "{said}");
        let bad = if default.starts_with("media/a") {
            solution
        } else {
            default
        };
        let line = said
            .lines()
            .find(|l| l.contains("is outside the course folder"))
            .unwrap_or_else(|| panic!("no error for {bad}: {said}"));
        assert!(line.contains(bad), "{line}");
        // file:line:col, at the value's own line.
        let at = line.split(':').nth(1).expect("line number");
        let lesson_text = picture_lesson(default, solution);
        let expected = lesson_text
            .lines()
            .position(|l| l.contains(bad))
            .expect("in the lesson")
            + 1;
        assert_eq!(at, expected.to_string(), "{line}");
    }
}

#[test]
fn files_inside_the_course_pass_check() {
    let dir = course(MODELS_VIT, &picture_lesson("media/a.png", "media/b.png"));
    let home = tempfile::tempdir().expect("tempdir");
    let out = hftutor(&["check", dir.path().to_str().expect("utf-8")], home.path());
    let said = text(&out);
    assert!(!said.contains("outside the course folder"), "{said}");
}
