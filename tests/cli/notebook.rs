//! `hftutor notebook LESSON DIR`: a notebook that is valid nbformat 4.4 (against the schema
//! Jupyter's own `nbformat` package ships), with the student's last code run as a code cell and
//! as a `.py` file; a second export never writes over the first.

use std::process::Command;

fn hftutor(home: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_hftutor"));
    c.env("HFTUTOR_HOME", home.join("data"));
    c
}

#[test]
fn a_lesson_goes_home_as_a_valid_notebook_and_py_files() {
    let home = tempfile::tempdir().expect("temp dir");
    let out = home.path().join("out");
    let run = hftutor(home.path())
        .args(["notebook", "first-pipeline"])
        .arg(&out)
        .output()
        .expect("run hftutor");
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let text = std::fs::read_to_string(out.join("first-pipeline.ipynb")).expect("notebook");
    let nb: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string("tests/fixtures/notebook/nbformat.v4.4.schema.json")
            .expect("schema"),
    )
    .expect("schema JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid schema");
    let errors: Vec<String> = validator.iter_errors(&nb).map(|e| e.to_string()).collect();
    assert!(errors.is_empty(), "{errors:#?}");

    let cells = nb["cells"].as_array().expect("cells");
    let code: Vec<String> = cells
        .iter()
        .filter(|c| c["cell_type"] == "code")
        .map(|c| {
            c["source"]
                .as_array()
                .map(|l| l.iter().filter_map(|x| x.as_str()).collect())
                .unwrap_or_default()
        })
        .collect();
    // The pip line, then the lesson's cell (no run yet: its starter).
    assert_eq!(code.len(), 2, "{code:#?}");
    assert!(
        code[1].contains("classifier = pipeline(\"sentiment-analysis\")"),
        "{}",
        code[1]
    );
    let py = std::fs::read_to_string(out.join("first-pipeline/real-code.py")).expect(".py");
    assert_eq!(py.trim_end(), code[1].trim_end());
    assert!(text.contains("## Write the real code"));

    // After a run in the tutor, the student's own code goes home.
    let course = hftutor::course::load_embedded(&hftutor::attempt::Rules).expect("course");
    let store = hftutor::progress::ProgressStore::at(home.path().join("data/progress").join(
        format!("{}.json", hftutor::progress::course_key(&course.title)),
    ));
    let mut progress = hftutor::progress::Progress::default();
    hftutor::attempt::record_input(
        &mut progress,
        "first-pipeline",
        "real-code",
        vec!["print('my own code')\n".into()],
    );
    store.save(&progress).expect("save progress");
    let mine = hftutor(home.path())
        .args(["notebook", "first-pipeline"])
        .arg(home.path().join("mine"))
        .output()
        .expect("run hftutor");
    assert!(
        mine.status.success(),
        "{}",
        String::from_utf8_lossy(&mine.stderr)
    );
    assert_eq!(
        std::fs::read_to_string(home.path().join("mine/first-pipeline/real-code.py")).expect(".py"),
        "print('my own code')\n"
    );

    // Again: new names, the first files untouched.
    std::fs::write(out.join("first-pipeline/real-code.py"), "# my edits\n").expect("edit");
    let again = hftutor(home.path())
        .args(["notebook", "first-pipeline"])
        .arg(&out)
        .output()
        .expect("run hftutor");
    assert!(again.status.success());
    assert_eq!(
        std::fs::read_to_string(out.join("first-pipeline/real-code.py")).expect("kept"),
        "# my edits\n"
    );
    assert!(out.join("first-pipeline-2.ipynb").exists());
    assert!(out.join("first-pipeline/real-code-2.py").exists());
}

#[test]
fn a_lesson_without_code_says_so() {
    let home = tempfile::tempdir().expect("temp dir");
    let run = hftutor(home.path())
        .args(["notebook", "classic-sentiment"])
        .arg(home.path().join("out"))
        .output()
        .expect("run hftutor");
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("has no code exercise"), "{err}");
}
