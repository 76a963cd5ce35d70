//! `hftutor export-space`: every exportable exercise of the built-in course becomes a Space folder
//! whose app.py compiles (python3 -m py_compile) and whose README header is YAML with the Space's
//! keys; unknown names get a message that lists what exists.

use std::process::Command;

use hftutor::course;
use hftutor::domain::Task;
use hftutor::space::{self as export_space, ExportError};

fn header(readme: &str) -> serde_yaml::Value {
    let rest = readme.strip_prefix("---\n").expect("starts with ---");
    let end = rest.find("\n---\n").expect("header ends with ---");
    serde_yaml::from_str(&rest[..end]).expect("the header is YAML")
}

#[test]
fn every_exportable_exercise_makes_a_valid_space() {
    let course =
        course::load_embedded(&hftutor::attempt::Rules).expect("the built-in course loads");
    let tmp = tempfile::tempdir().expect("temp dir");
    let mut exported = 0;
    for lesson in &course.lessons {
        for exercise in lesson.exercises() {
            let name = format!("{}/{}", lesson.id, exercise.id);
            let (l, e) = export_space::find(&course, &name).expect("found");
            let space = match export_space::space(&course, l, e) {
                Ok(s) => s,
                Err(ExportError::Unsupported(_)) => {
                    assert!(
                        matches!(e.task, Task::SemanticSearch | Task::TrainClassifier),
                        "{name}: {:?} should export",
                        e.task
                    );
                    continue;
                }
                Err(other) => panic!("{name}: {other}"),
            };
            let dir = tmp.path().join(name.replace('/', "__"));
            let written = export_space::write(&dir, &space).expect("written");
            assert_eq!(written.len(), 3);
            let status = Command::new("python3")
                .args(["-m", "py_compile"])
                .arg(dir.join("app.py"))
                .status()
                .expect("python3 runs");
            assert!(status.success(), "{name}: app.py does not compile");
            let h = header(&space.readme);
            assert_eq!(h["sdk"], "gradio", "{name}");
            assert_eq!(h["app_file"], "app.py", "{name}");
            assert!(h["title"].as_str().is_some_and(|t| !t.is_empty()));
            assert!(h["short_description"]
                .as_str()
                .is_some_and(|t| t.chars().count() <= 60));
            assert!(space.requirements.lines().any(|l| l == "transformers"));
            assert!(space.app_py.contains("from transformers import pipeline"));
            // Examples are the solutions, but for file tasks (the course's media files are not
            // copied into the Space).
            let file_task = hftutor::course::media::takes_files(e.task);
            assert_eq!(
                space.app_py.contains("gr.Audio(") || space.app_py.contains("gr.Image("),
                file_task,
                "{name}"
            );
            for solution in e.solutions.iter().filter(|_| !file_task) {
                if let Some(first) = solution.first() {
                    let literal = serde_json::to_string(first).expect("json");
                    assert!(space.app_py.contains(&literal), "{name}: example {literal}");
                }
            }
            exported += 1;
        }
    }
    assert!(exported >= 3, "only {exported} exercises exported");
}

#[test]
fn similarity_and_generation_spaces_use_their_models() {
    let course =
        course::load_embedded(&hftutor::attempt::Rules).expect("the built-in course loads");
    let (l, e) = export_space::find(&course, "meaning-as-numbers/close-pair").expect("found");
    let space = export_space::space(&course, l, e).expect("space");
    assert!(space.app_py.contains(
        "pipeline(\"feature-extraction\", model=\"sentence-transformers/all-MiniLM-L6-v2\")"
    ));
    assert!(space
        .app_py
        .contains("[\"I love this course.\", \"This class is wonderful.\"],"));

    let lesson = course
        .lessons
        .iter()
        .find(|l| l.exercises().any(|e| e.task == Task::TextGeneration))
        .expect("a generation lesson");
    let e = lesson
        .exercises()
        .find(|e| e.task == Task::TextGeneration)
        .expect("a generation exercise");
    let space = export_space::space(&course, lesson, e).expect("space");
    assert!(
        space
            .app_py
            .contains("model=\"HuggingFaceTB/SmolLM2-135M-Instruct\""),
        "the GGUF copy maps to the transformers checkpoint"
    );
}

#[test]
fn unknown_names_say_what_exists() {
    let course =
        course::load_embedded(&hftutor::attempt::Rules).expect("the built-in course loads");
    assert_eq!(
        export_space::find(&course, "close-pair").map(|_| ()),
        Err(ExportError::BadName("close-pair".into()))
    );
    let err = export_space::find(&course, "meaning-as-numbers/nope")
        .map(|_| ())
        .expect_err("no such exercise");
    assert!(
        err.to_string().starts_with(
            "lesson “meaning-as-numbers” has no exercise “nope”; its exercises are: close-pair, "
        ),
        "{err}"
    );
    let err = export_space::find(&course, "nope/x")
        .map(|_| ())
        .expect_err("no such lesson");
    let message = err.to_string();
    assert!(
        message.starts_with("no lesson “nope”; the lessons are: welcome, ")
            && message.contains(", meaning-as-numbers, "),
        "{message}"
    );
}

#[test]
fn the_command_writes_the_folder() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().join("space");
    let out = Command::new(env!("CARGO_BIN_EXE_hftutor"))
        .args(["export-space", "meaning-as-numbers/close-pair"])
        .arg(&dir)
        .output()
        .expect("hftutor runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for f in ["app.py", "requirements.txt", "README.md"] {
        assert!(dir.join(f).is_file(), "{f}");
    }
    let out = Command::new(env!("CARGO_BIN_EXE_hftutor"))
        .args(["export-space", "meaning-as-numbers"])
        .arg(&dir)
        .output()
        .expect("hftutor runs");
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: “meaning-as-numbers” is not LESSON/EXERCISE, e.g. meaning-as-numbers/close-pair\n"
    );
}
