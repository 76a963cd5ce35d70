//! The JSON Schema of `hftutor schema` against real course YAML: it accepts every block, front
//! matter and course.yaml of the shipped course and the valid fixtures, and rejects misspelt keys.

use std::path::Path;

use hftutor::author::schema::{json_schema, SchemaKind};
use serde_json::Value;

fn validator(kind: Option<SchemaKind>) -> jsonschema::Validator {
    jsonschema::validator_for(&json_schema(kind)).expect("a valid JSON Schema")
}

fn yaml(text: &str) -> Value {
    serde_yaml::from_str(text).unwrap_or_else(|e| panic!("{e}:\n{text}"))
}

/// The YAML of every ```exercise / ```quiz block and the front matter of a lesson file.
fn pieces(text: &str) -> Vec<(SchemaKind, String)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    if lines.next() == Some("---") {
        let front: Vec<&str> = lines.by_ref().take_while(|l| *l != "---").collect();
        out.push((SchemaKind::FrontMatter, front.join("\n")));
    }
    let mut open: Option<(SchemaKind, Vec<&str>)> = None;
    for line in lines {
        match &mut open {
            None => {
                let kind = match line.trim() {
                    "```exercise" => Some(SchemaKind::Exercise),
                    "```quiz" => Some(SchemaKind::Quiz),
                    _ => None,
                };
                open = kind.map(|k| (k, Vec::new()));
            }
            Some((kind, body)) => {
                if line.trim() == "```" {
                    out.push((*kind, body.join("\n")));
                    open = None;
                } else {
                    body.push(line);
                }
            }
        }
    }
    out
}

fn courses() -> Vec<std::path::PathBuf> {
    let mut dirs = vec![Path::new("lessons").to_path_buf()];
    for d in std::fs::read_dir("tests/fixtures/valid")
        .expect("fixtures")
        .flatten()
    {
        dirs.push(d.path());
    }
    dirs
}

#[test]
fn the_schema_accepts_every_shipped_and_valid_file() {
    let mut seen = [0usize; 4];
    for dir in courses() {
        let course = std::fs::read_to_string(dir.join("course.yaml")).expect("course.yaml");
        seen[SchemaKind::Course as usize] += 1;
        let v = validator(Some(SchemaKind::Course));
        let errors: Vec<String> = v
            .iter_errors(&yaml(&course))
            .map(|e| e.to_string())
            .collect();
        assert!(
            errors.is_empty(),
            "{}/course.yaml: {errors:?}",
            dir.display()
        );
        assert!(validator(None).is_valid(&yaml(&course)));
        for f in std::fs::read_dir(&dir).expect("dir").flatten() {
            let name = f.file_name().to_string_lossy().to_string();
            if !name.ends_with(".md") || name == "README.md" {
                continue;
            }
            let text = std::fs::read_to_string(f.path()).expect("lesson");
            for (kind, body) in pieces(&text) {
                seen[kind as usize] += 1;
                let v = validator(Some(kind));
                let instance = yaml(&body);
                let errors: Vec<String> = v.iter_errors(&instance).map(|e| e.to_string()).collect();
                assert!(
                    errors.is_empty(),
                    "{}: {kind:?} {errors:?}\n{body}",
                    f.path().display()
                );
            }
        }
    }
    assert!(seen.iter().all(|n| *n >= 2), "blocks seen: {seen:?}");
}

#[test]
fn the_schema_rejects_misspelt_keys_and_wrong_types() {
    let ex = validator(Some(SchemaKind::Exercise));
    let good = "id: a\ntask: sentence-similarity\ngoal: g\ninputs: [A, B]\ncheck:\n  similarity: {min: 0.5}\nhints: h\nsolution:\n  - [x, y]\ncounterexample: [[x, x]]\n";
    assert!(ex.is_valid(&yaml(good)));
    assert!(!ex.is_valid(&yaml(&good.replace("hints:", "hint:"))));
    assert!(!ex.is_valid(&yaml(&good.replace("similarity:", "similarty:"))));
    assert!(!ex.is_valid(&yaml(&good.replace("{min: 0.5}", "{minimum: 0.5}"))));
    assert!(!ex.is_valid(&yaml(&good.replace("{min: 0.5}", "{min: high}"))));
    let quiz = validator(Some(SchemaKind::Quiz));
    assert!(!quiz.is_valid(&yaml("id: q\nquestion: Q\nchoises: []\n")));
    assert!(!quiz.is_valid(&yaml(
        "id: q\nquestion: Q\nchoices:\n  - text: a\n    explian: b\n"
    )));
    let course = validator(Some(SchemaKind::Course));
    assert!(!course.is_valid(&yaml("title: T\nlesons: [a]\n")));
    assert!(!course.is_valid(&yaml("title: T\nmodels:\n  tokenize: {id: a, fiel: b}\n")));
    assert!(course.is_valid(&yaml("title: T\nmodels:\n  tokenize: {id: a, file: b}\n")));
}
