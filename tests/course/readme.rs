//! The complete example in lessons/README.md (the teachers' guide) is a valid course.

use hftutor::course::check_course;

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let a = text
        .find(start)
        .map(|i| i + start.len())
        .expect("start marker in README");
    let b = text[a..]
        .find(end)
        .map(|i| a + i)
        .expect("end marker in README");
    &text[a..b]
}

#[test]
fn readme_example_course_is_valid() {
    let readme = std::fs::read_to_string("lessons/README.md").expect("read README");
    let course = between(&readme, "```yaml\n# course.yaml\n", "```\n");
    let lesson = format!(
        "---\nid: first-steps{}",
        between(&readme, "````markdown\n---\nid: first-steps", "````\n")
    );
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("course.yaml"), course).expect("write");
    std::fs::write(dir.path().join("01-first-steps.md"), lesson).expect("write");
    let shown: Vec<String> = check_course(Some(dir.path()), &hftutor::attempt::Rules)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(shown.is_empty(), "{}", shown.join("\n"));
}
