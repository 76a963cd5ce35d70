//! The code cell in the exercise panel: editing keys (Enter breaks the line and keeps the
//! indent, Tab indents, Up/Down move by lines, Ctrl-U never wipes the whole cell, pastes keep
//! their lines), F5 sends the cell to the worker, and snapshots of the editor and the output
//! pane (printed text, the last value, a traceback, the verdict) at 80×24 and 60×20.

use crate::fixture;

use fixture::*;
use hftutor::course::{
    Block, Check, CodeCheck, Exercise, Feedback, InputField, Kind, Lesson, Step,
};
use hftutor::domain::{LabelScore, ModelRef, PipelineOutput, Task};
use hftutor::progress::Progress;
use hftutor::python::{Call, CellRun};
use hftutor::shell::{Action, App, Effect, Focus};
use hftutor::worker::WorkerEvent;
use insta::assert_snapshot;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

const STARTER: &str = "from transformers import pipeline\n\nclassifier = pipeline(\"sentiment-analysis\")\nclassifier(\"I love this!\")";

fn cell_exercise(starter: &str) -> Exercise {
    Exercise {
        id: "real-code".into(),
        kind: Kind::Code,
        task: Task::TextClassification,
        model: None,
        goal: "Change the sentence so that the model says NEGATIVE.".into(),
        inputs: vec![InputField {
            label: "Code".into(),
            param: None,
            default: starter.into(),
        }],
        params: Default::default(),
        runs: 1,
        check: Check {
            label: vec!["NEGATIVE".into()],
            code: CodeCheck {
                printed: vec!["NEGATIVE".into()],
                ..CodeCheck::default()
            },
            ..Check::default()
        },
        feedback: Feedback {
            pass: Some("That is real transformers code.".into()),
            fail: Some("Change the text inside classifier(\"…\").".into()),
        },
        hints: vec!["Only the text between the quotes needs to change.".into()],
        solutions: vec![],
        counterexamples: vec![],
        answers_at: Default::default(),
        line: 1,
    }
}

/// The test course with a fourth lesson holding one code cell.
fn app(starter: &str, width: u16, height: u16) -> App {
    let mut course = course();
    course.models.insert(
        Task::TextClassification,
        ModelRef::new("sentence-transformers/all-MiniLM-L6-v2"),
    );
    course.lessons.push(Lesson {
        download: None,
        id: "code".into(),
        title: "The real code".into(),
        summary: String::new(),
        concepts: Vec::new(),
        file: "code.md".into(),
        steps: vec![Step {
            title: "Write the real code".into(),
            blocks: vec![
                Block::Markdown("This is the code you would type in Colab.".into()),
                Block::Exercise(cell_exercise(starter)),
            ],
        }],
    });
    let mut app = App::new(course, Progress::default(), None);
    app.update(Action::Resize(width, height));
    app.update(Action::OpenLesson(3));
    app
}

fn code(app: &App) -> String {
    app.exercise_ui(3, "real-code")
        .map(|u| u.values[0].clone())
        .unwrap_or_default()
}

fn cursor(app: &App) -> usize {
    app.exercise_ui(3, "real-code").map_or(0, |u| u.cursor)
}

fn cell_submitted(effects: &[Effect]) -> Option<&hftutor::python::CellJob> {
    effects.iter().find_map(|e| match e {
        Effect::SubmitCell(c) => Some(&**c),
        _ => None,
    })
}

#[test]
fn enter_tab_and_arrows_edit_code_and_f5_runs_it() {
    let mut app = app("", 80, 24);
    app.on_key(key(KeyCode::Char('i')));
    type_text(&mut app, "for w in [1, 2]:");
    app.on_key(key(KeyCode::Enter));
    type_text(&mut app, "print(w)");
    assert_eq!(code(&app), "for w in [1, 2]:\n    print(w)");
    app.on_key(key(KeyCode::Enter));
    app.on_key(key(KeyCode::Backspace));
    app.on_key(key(KeyCode::Backspace));
    app.on_key(key(KeyCode::Backspace));
    app.on_key(key(KeyCode::Backspace));
    type_text(&mut app, "x = 1");
    assert_eq!(code(&app), "for w in [1, 2]:\n    print(w)\nx = 1");
    // Up keeps the column; Home and End go to the line's ends, not the cell's.
    app.on_key(key(KeyCode::Up));
    app.on_key(key(KeyCode::Home));
    app.on_key(key(KeyCode::Tab));
    assert_eq!(code(&app), "for w in [1, 2]:\n        print(w)\nx = 1");
    app.on_key(key(KeyCode::End));
    app.on_key(key(KeyCode::Down));
    assert_eq!(cursor(&app), code(&app).chars().count());
    // Ctrl-U deletes back to the line's start only.
    app.on_key(ctrl('u'));
    assert_eq!(code(&app), "for w in [1, 2]:\n        print(w)\n");
    // A paste keeps its lines; escape codes go.
    app.update(Action::Paste("y = 2\r\nprint(y)\x1b[2J".into()));
    assert_eq!(
        code(&app),
        "for w in [1, 2]:\n        print(w)\ny = 2\nprint(y)[2J"
    );
    // F5 runs while typing; the cell goes to the worker as it is.
    let effects = app.on_key(key(KeyCode::F(5)));
    let job = cell_submitted(&effects).expect("F5 submits the cell");
    assert_eq!(job.source.code, code(&app));
    assert_eq!(job.source.file_name, "real-code.py");
    assert_eq!(
        job.course
            .get(&Task::TextClassification)
            .map(|m| m.id.as_str()),
        Some("sentence-transformers/all-MiniLM-L6-v2")
    );
}

#[test]
fn an_empty_cell_is_not_sent() {
    let mut app = app("   \n", 80, 24);
    let effects = app.on_key(key(KeyCode::F(5)));
    assert!(cell_submitted(&effects).is_none());
    assert!(render(&app, 80, 24).contains("The cell is empty"));
}

#[test]
fn ctrl_enter_runs_where_the_terminal_reports_it() {
    let mut app = app(STARTER, 80, 24);
    app.on_key(key(KeyCode::Char('i')));
    let effects = app.on_key(KeyEvent::new(KeyCode::Enter, KeyModifiers::CONTROL));
    assert!(cell_submitted(&effects).is_some());
}

#[test]
fn code_editor_before_a_run_80x24() {
    let mut app = app(STARTER, 80, 24);
    app.on_key(key(KeyCode::Char('i')));
    app.on_key(key(KeyCode::Up));
    assert_snapshot!(render(&app, 80, 24));
}

fn ran(app: &mut App, run: CellRun) {
    let effects = app.on_key(key(KeyCode::F(5)));
    assert!(cell_submitted(&effects).is_some());
    app.update(Action::Submitted(1));
    app.update(Action::Worker(WorkerEvent::Started { job: 1 }));
    app.update(Action::Worker(WorkerEvent::CellFinished {
        job: 1,
        result: Ok(Box::new(run)),
        elapsed: std::time::Duration::from_millis(42),
    }));
}

fn negative_call() -> Call {
    Call {
        task: Task::TextClassification,
        model: ModelRef::new("sentence-transformers/all-MiniLM-L6-v2"),
        keywords: vec![],
        texts: vec!["I hate Mondays.".into()],
        output: PipelineOutput::Labels(vec![vec![
            LabelScore {
                label: "NEGATIVE".into(),
                score: 0.9821,
            },
            LabelScore {
                label: "POSITIVE".into(),
                score: 0.0179,
            },
        ]]),
    }
}

#[test]
fn output_pane_and_verdict_after_a_run_80x24() {
    let mut app = app(&STARTER.replace("I love this!", "I hate Mondays."), 80, 24);
    ran(
        &mut app,
        CellRun {
            stdout: String::new(),
            last_value: Some("[{'label': 'NEGATIVE', 'score': 0.9821}]".into()),
            error: None,
            notes: vec!["hftutor: transformers would load distilbert/distilbert-base-uncased-finetuned-sst-2-english; this course runs sentence-transformers/all-MiniLM-L6-v2".into()],
            calls: vec![negative_call()],
            apps: vec![],
        },
    );
    let screen = render(&app, 80, 24);
    assert!(screen.contains("Passed"), "{screen}");
    assert_snapshot!(screen);
}

/// A launched gradio app shows as a Space would: its fields with the first example, and the
/// label's bars; the call its fn made is the one judged.
#[test]
fn a_launched_gradio_app_shows_its_form_80x24() {
    use hftutor::python::{Component, LaunchedApp, Shown};
    let mut app = app(&STARTER.replace("I love this!", "I hate Mondays."), 80, 24);
    let component = |kind: &str, label: Option<&str>| Component {
        kind: kind.into(),
        label: label.map(String::from),
        value: None,
    };
    ran(
        &mut app,
        CellRun {
            notes: vec!["hftutor: launch() shows the app here; on a Space, the same code serves it at a web address".into()],
            calls: vec![negative_call()],
            apps: vec![LaunchedApp {
                title: Some("Mood \x1b]0;t\x07".into()),
                description: None,
                inputs: vec![component("textbox", None)],
                outputs: vec![component("label", Some("Sentiment"))],
                example: Some(vec!["I hate Mondays.".into()]),
                results: vec![Shown::Scores(vec![
                    ("NEGATIVE".into(), 0.9821),
                    ("POSITIVE".into(), 0.0179),
                ])],
                from_form: false,
                calls: 0..1,
            }],
            ..CellRun::default()
        },
    );
    let screen = render(&app, 80, 24);
    assert!(screen.contains("▶ NEGATIVE"), "{screen}");
    assert!(screen.contains("Textbox: I hate Mondays."), "{screen}");
    assert!(screen.contains("app \"Mood ^[]0;t^G\""), "{screen}");
    assert_snapshot!(screen);
}

/// `f` types in the launched app's field; Enter runs the cell again with what was typed as the
/// form (launch() runs fn on it instead of the example); Esc leaves, and `i` edits the code again.
#[test]
fn the_apps_fields_can_be_filled_and_run() {
    use hftutor::python::{Component, LaunchedApp, Shown};
    let mut app = app(STARTER, 80, 24);
    let launched = |example: &str| LaunchedApp {
        title: None,
        description: None,
        inputs: vec![Component {
            kind: "textbox".into(),
            label: Some("Text".into()),
            value: None,
        }],
        outputs: vec![Component {
            kind: "label".into(),
            label: None,
            value: None,
        }],
        example: Some(vec![example.to_string()]),
        results: vec![Shown::Scores(vec![("POSITIVE".into(), 0.9)])],
        from_form: false,
        calls: 0..0,
    };
    ran(
        &mut app,
        CellRun {
            apps: vec![launched("What a lovely day!")],
            ..CellRun::default()
        },
    );
    let ui = |app: &App| app.exercise_ui(3, "real-code").expect("panel").clone();
    assert_eq!(ui(&app).values[1], "What a lovely day!");
    assert!(render(&app, 80, 24).contains("f: type your own input"));

    app.on_key(key(KeyCode::Char('f')));
    assert_eq!((app.focus(), ui(&app).field), (Focus::Typing, 1));
    app.on_key(ctrl('u'));
    for c in "I hate it".chars() {
        app.on_key(key(KeyCode::Char(c)));
    }
    // Typing there changed the app's field, not the code.
    assert_eq!(ui(&app).values[1], "I hate it");
    assert_eq!(ui(&app).values[0], STARTER);
    let screen = render(&app, 80, 24);
    assert!(screen.contains("› Text: I hate it"), "{screen}");
    let effects = app.on_key(key(KeyCode::Enter));
    let job = cell_submitted(&effects).expect("Enter runs the app");
    assert_eq!(job.form.as_deref(), Some(&["I hate it".to_string()][..]));
    assert_eq!(job.source.code, STARTER);
    app.update(Action::Submitted(2));
    app.update(Action::Worker(WorkerEvent::CellFinished {
        job: 2,
        result: Ok(Box::new(CellRun {
            apps: vec![LaunchedApp {
                from_form: true,
                ..launched("I hate it")
            }],
            ..CellRun::default()
        })),
        elapsed: std::time::Duration::from_millis(42),
    }));
    // Still in the field, holding what was typed, to try another.
    assert_eq!((app.focus(), ui(&app).field), (Focus::Typing, 1));
    assert_eq!(ui(&app).values[1], "I hate it");

    app.on_key(key(KeyCode::Esc));
    assert_eq!(app.focus(), Focus::Lesson);
    app.on_key(key(KeyCode::Char('i')));
    assert_eq!(ui(&app).field, 0, "i edits the code");
    // F5 from the code runs it as it is: the example, not the form.
    let effects = app.on_key(key(KeyCode::F(5)));
    assert_eq!(cell_submitted(&effects).expect("F5 runs").form, None);
}

#[test]
fn a_traceback_fails_the_cell_60x20() {
    let typo = STARTER.replace("classifier(\"I love", "clasifier(\"I love");
    let mut app = app(&typo, 60, 20);
    ran(
        &mut app,
        CellRun {
            stdout: String::new(),
            last_value: None,
            error: Some("Traceback (most recent call last):\n  File \"real-code.py\", line 4, in <module>\nNameError: name 'clasifier' is not defined. Did you mean: 'classifier'?\n".into()),
            notes: vec![],
            calls: vec![],
            apps: vec![],
        },
    );
    let screen = render(&app, 60, 20);
    assert!(screen.contains("NameError"), "{screen}");
    assert_snapshot!(screen);
}

#[test]
fn escape_codes_in_a_starter_or_an_output_never_reach_the_terminal() {
    let mut app = app("print('\x1b]52;c;aGk=\x07hi')", 80, 24);
    ran(
        &mut app,
        CellRun {
            stdout: "\x1b]0;owned\x07hi\n".into(),
            // The traceback's last line is quoted in the verdict too.
            error: Some(
                "Traceback (most recent call last):\nValueError: \x1b]52;c;aGk=\x07\n".into(),
            ),
            ..CellRun::default()
        },
    );
    let screen = render(&app, 80, 24);
    assert!(!screen.contains('\x1b'), "{screen:?}");
    assert!(!screen.contains('\x07'), "{screen:?}");
}

#[test]
fn long_code_scrolls_with_the_cursor_in_a_small_terminal() {
    let long: String = (1..=14).map(|i| format!("x{i} = {i}\n")).collect();
    let mut app = app(long.trim_end(), 60, 20);
    let screen = render(&app, 60, 20);
    assert!(screen.contains(" 1 │ x1 = 1"), "{screen}");
    assert!(screen.contains("lines below"), "{screen}");
    assert!(!screen.contains("x14 = 14"), "{screen}");
    // Typing puts the cursor at the end: the last lines show, the first are above.
    app.on_key(key(KeyCode::Char('i')));
    let screen = render(&app, 60, 20);
    assert!(screen.contains("x14 = 14"), "{screen}");
    assert!(screen.contains("lines above"), "{screen}");
    assert!(!screen.contains(" 1 │ x1 = 1"), "{screen}");
}
