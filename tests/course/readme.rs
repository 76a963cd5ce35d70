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

#[test]
fn readme_code_exercise_example_is_valid() {
    let readme = std::fs::read_to_string("lessons/README.md").expect("read README");
    let exercise = between(&readme, "```yaml\nid: real-code\n", "```\n");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("course.yaml"),
        "title: T\nlessons: [l]\nmodels:\n  text-classification: sentence-transformers/all-MiniLM-L6-v2\n",
    )
    .expect("write");
    let lesson = format!(
        "---\nid: l\ntitle: L\nsummary: S\n---\n\n## Step\n\n```exercise\nid: real-code\n{exercise}```\n"
    );
    std::fs::write(dir.path().join("l.md"), lesson).expect("write");
    let errors: Vec<String> = check_course(Some(dir.path()), &hftutor::attempt::Rules)
        .iter()
        .filter(|p| !p.warning)
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
}
