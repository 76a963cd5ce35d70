//! The shell's `x` key: it asks for a Space of the active exercise (with what the student typed),
//! the run loop's `write_space` writes a valid new folder (never over an old one, falling back to
//! hftutor's data folder), and the status line says where it went.

use crate::fixture;

use std::path::Path;
use std::process::Command;

use fixture::*;
use hftutor::course::Block;
use hftutor::domain::ModelRef;
use hftutor::domain::Task;
use hftutor::progress::Progress;
use hftutor::shell::state::export::{write_space, SpaceJob, SpaceWritten};
use hftutor::shell::{strings, Action, App, Effect, Focus, StatusKind};
use ratatui::crossterm::event::KeyCode;

/// The job of the `x` key on the embeddings lesson, after typing a second sentence.
fn export_job() -> SpaceJob {
    let mut app = app_at(1, 80, 24);
    app.on_key(key(KeyCode::Char('i')));
    app.on_key(key(KeyCode::Tab));
    type_text(&mut app, "This class is wonderful.");
    app.on_key(key(KeyCode::Esc));
    assert_eq!(app.focus(), Focus::Lesson);
    let effects = app.on_key(key(KeyCode::Char('x')));
    match effects.as_slice() {
        [Effect::ExportSpace(job)] => job.clone(),
        other => panic!("expected one ExportSpace effect, got {other:?}"),
    }
}

#[test]
fn x_asks_for_a_space_of_the_exercise_with_the_students_inputs() {
    let job = export_job();
    assert_eq!(job.name, "embeddings-pair");
    assert!(job
        .space
        .app_py
        .contains("    [\"I love this course.\", \"This class is wonderful.\"],"));
    assert!(job.space.app_py.contains(
        "pipeline(\"feature-extraction\", model=\"sentence-transformers/all-MiniLM-L6-v2\")"
    ));
    assert!(job
        .space
        .readme
        .starts_with("---\ntitle: \"Meaning as numbers · pair\"\n"));
}

#[test]
fn x_while_typing_is_just_a_letter() {
    let mut app = app_at(1, 80, 24);
    app.on_key(key(KeyCode::Char('i')));
    app.on_key(key(KeyCode::Tab));
    let effects = app.on_key(key(KeyCode::Char('x')));
    assert!(effects.is_empty());
    let ui = app.exercise_ui(1, "pair").expect("panel");
    assert_eq!(ui.values[1], "x");
}

#[test]
fn x_refuses_where_there_is_no_exercise_or_no_app() {
    let mut app = app_at(0, 80, 24);
    assert!(app.on_key(key(KeyCode::Char('x'))).is_empty());
    let status = app.status().expect("a status");
    assert_eq!(status.text, strings::EXPORT_NO_EXERCISE);

    let mut course = course();
    course
        .models
        .insert(Task::SemanticSearch, ModelRef::new(MINILM));
    for step in &mut course.lessons[1].steps {
        for block in &mut step.blocks {
            if let Block::Exercise(e) = block {
                e.task = Task::SemanticSearch;
            }
        }
    }
    let mut app = App::new(course, Progress::default(), None);
    app.update(Action::Resize(80, 24));
    app.update(Action::OpenLesson(1));
    assert!(app.on_key(key(KeyCode::Char('x'))).is_empty());
    let status = app.status().expect("a status");
    assert_eq!(status.kind, StatusKind::Warning);
    assert_eq!(
        status.text,
        "This exercise can't become a Space yet: hftutor has no app for the task semantic-search."
    );
}

fn compiles(app_py: &Path) -> bool {
    Command::new("python3")
        .args(["-m", "py_compile"])
        .arg(app_py)
        .status()
        .expect("python3 runs")
        .success()
}

#[test]
fn the_effect_writes_a_new_folder_each_time() {
    let job = export_job();
    let cwd = tempfile::tempdir().expect("temp dir");
    let home = tempfile::tempdir().expect("temp dir");
    let first = write_space(&job, cwd.path(), home.path());
    assert_eq!(
        first,
        Action::SpaceExported(Ok(SpaceWritten {
            dir: "spaces/embeddings-pair".into(),
            renamed: false
        }))
    );
    let dir = cwd.path().join("spaces/embeddings-pair");
    assert_eq!(
        std::fs::read_to_string(dir.join("app.py")).expect("app.py"),
        job.space.app_py
    );
    assert!(dir.join("requirements.txt").is_file());
    assert!(std::fs::read_to_string(dir.join("README.md"))
        .expect("README.md")
        .contains("sdk: gradio\n"));
    assert!(compiles(&dir.join("app.py")));

    // The student edited the first folder: a second export leaves it alone.
    std::fs::write(dir.join("app.py"), "# mine\n").expect("edit");
    let second = write_space(&job, cwd.path(), home.path());
    assert_eq!(
        second,
        Action::SpaceExported(Ok(SpaceWritten {
            dir: "spaces/embeddings-pair-2".into(),
            renamed: true
        }))
    );
    assert_eq!(
        std::fs::read_to_string(dir.join("app.py")).expect("app.py"),
        "# mine\n"
    );
    assert!(cwd.path().join("spaces/embeddings-pair-2/app.py").is_file());
}

#[test]
fn an_unwritable_folder_falls_back_to_the_data_folder() {
    let job = export_job();
    let tmp = tempfile::tempdir().expect("temp dir");
    // A file where the folder should be: nothing can be made under it.
    let cwd = tmp.path().join("not-a-folder");
    std::fs::write(&cwd, "").expect("file");
    let home = tmp.path().join("home");
    let action = write_space(&job, &cwd, &home);
    let want = home.join("spaces/embeddings-pair");
    assert_eq!(
        action,
        Action::SpaceExported(Ok(SpaceWritten {
            dir: want.clone(),
            renamed: false
        }))
    );
    assert!(compiles(&want.join("app.py")));

    // Both unwritable: the first error is shown.
    let action = write_space(&job, &cwd, &cwd);
    let Action::SpaceExported(Err(message)) = action else {
        panic!("expected an error, got {action:?}");
    };
    let message = message.to_string();
    assert!(message.contains("not-a-folder/spaces"), "{message}");
}

#[test]
fn the_status_line_says_where_the_space_went() {
    let mut app = app_at(1, 100, 30);
    app.update(Action::SpaceExported(Ok(SpaceWritten {
        dir: "spaces/embeddings-pair-2".into(),
        renamed: true,
    })));
    let status = app.status().expect("a status");
    assert_eq!(status.kind, StatusKind::Info);
    assert_eq!(
        status.text,
        "Space saved in spaces/embeddings-pair-2/ (a new folder: your older one is kept as it was)."
    );
    let screen = render(&app, 100, 30);
    assert!(
        screen.contains("Space saved in spaces/embeddings-pair-2/"),
        "{screen}"
    );

    app.update(Action::SpaceExported(Err(
        hftutor::space::ExportError::Write {
            path: "spaces".into(),
            message: "disk full".into(),
        },
    )));
    let status = app.status().expect("a status");
    assert_eq!(status.kind, StatusKind::Error);
    assert_eq!(status.text, "Could not save the Space: spaces: disk full");
}
