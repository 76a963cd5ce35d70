//! The loader never panics, whatever the files hold: every prefix of real lesson files, random
//! byte damage, odd YAML. It may only report problems.

use std::path::Path;

use hftutor::course::check_course;

const COURSE: &str = "title: T\nlessons: [lesson]\nmodels:\n  sentence-similarity: m\n  text-generation: {id: g, file: g.gguf}\n  tokenize: m\n  feature-extraction: m\n";

fn check_lesson(dir: &Path, text: &[u8]) {
    std::fs::write(dir.join("lesson.md"), text).expect("write");
    let _ = check_course(Some(dir), &hftutor::attempt::Rules);
}

fn sources() -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for path in [
        "lessons/03-meaning-as-numbers.md",
        "lessons/06-text-generation.md",
        "tests/fixtures/valid/every-feature/02-generation.md",
    ] {
        out.push(std::fs::read(path).expect("read"));
    }
    out
}

#[test]
fn every_prefix_of_a_lesson_is_handled() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("course.yaml"), COURSE).expect("write");
    for text in sources() {
        // Every 7th cut keeps the test quick while hitting every kind of place.
        for cut in (0..text.len()).step_by(7) {
            check_lesson(dir.path(), &text[..cut]);
        }
    }
}

#[test]
fn damaged_bytes_are_handled() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("course.yaml"), COURSE).expect("write");
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    let noise = [
        b':', b'-', b'[', b'{', b'\t', b'`', b'#', b'\n', b'"', b'\'', 0xff, b'&', b'*', b'!',
        b'|', b'>',
    ];
    for text in sources() {
        for _ in 0..150 {
            let mut t = text.clone();
            for _ in 0..3 {
                let i = (next() as usize) % t.len();
                t[i] = noise[(next() as usize) % noise.len()];
            }
            check_lesson(dir.path(), &t);
        }
    }
}

#[test]
fn odd_yaml_is_handled() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("course.yaml"), COURSE).expect("write");
    let blocks = [
        "*alias",
        "&a [*a]",
        "id: a\nsolution: &x [*x]",
        "!!binary aGk=",
        "id: a\ncheck: {similarity: {min: .nan}}",
        "id: a\ncheck: {similarity: {min: .inf, max: -.inf}}",
        "id: a\nruns: 99999999999999999999999",
        "? [a, b]\n: c",
        "id: [1, {2: 3}]",
        &"[".repeat(500),
        &format!("id: a\ngoal: {}", "x".repeat(100_000)),
        "---\n---\n---",
        "id: a\n...\nmore: 1",
        "inputs: [{label: A, param: temperature, default: .nan}]\ntask: text-generation",
    ];
    for b in blocks {
        let text = format!("---\nid: l\ntitle: L\nsummary: S\n---\n\n## S\n\n```exercise\n{b}\n```\n\n```quiz\n{b}\n```\n");
        check_lesson(dir.path(), text.as_bytes());
    }
    for front in [
        "---\n[\n---\n",
        "---\n: :\n---\n",
        "\u{feff}---\r\nid: a\r\n---\r\n## x\r\n",
        "---",
    ] {
        check_lesson(dir.path(), front.as_bytes());
    }
    for course in [
        "",
        "lessons: 5",
        "lessons: [[a]]",
        "models: [a]",
        "models: {text-generation: [a]}",
        "title: [",
        "\u{0}",
    ] {
        std::fs::write(dir.path().join("course.yaml"), course).expect("write");
        let _ = check_course(Some(dir.path()), &hftutor::attempt::Rules);
    }
}
