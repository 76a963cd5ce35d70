//! The binary's commands, run as a student or teacher would: exit codes and output.

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

#[test]
fn check_passes_on_the_built_in_course() {
    let home = tempfile::tempdir().unwrap();
    let out = hftutor(&["check"], home.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("no errors"), "{}", text(&out));
}

#[test]
fn check_fails_with_file_line_col_on_a_broken_course() {
    let home = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("course.yaml"),
        "title: Broken\nlessons: [one]\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("one.md"),
        "---\nid: one\ntitle: One\nsummary: s\n---\n\n## Step\n\n```quiz\nid: q\nquestion: Which?\nchoises: []\n```\n",
    )
    .unwrap();
    let out = hftutor(&["check", dir.path().to_str().unwrap()], home.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let all = text(&out);
    // The misspelt key is reported at its line in the lesson file, with a suggestion.
    assert!(all.contains("one.md:12:"), "{all}");
    assert!(all.contains("choices"), "{all}");
}

#[test]
fn unknown_task_names_the_known_ones() {
    let home = tempfile::tempdir().unwrap();
    let out = hftutor(&["pipeline", "sentiment", "hello"], home.path());
    assert_eq!(out.status.code(), Some(1));
    let all = text(&out);
    assert!(all.contains("unknown task \"sentiment\""), "{all}");
    assert!(all.contains("sentence-similarity"), "{all}");
    // A misspelt name gets the closest one (issue 17).
    let out = hftutor(&["pipeline", "sentimnet-analysis", "hello"], home.path());
    let all = text(&out);
    assert!(
        all.contains("unknown task \"sentimnet-analysis\" (did you mean \"sentiment-analysis\"?)"),
        "{all}"
    );
}

/// Issue 17: ids longer than 12 characters pushed the columns out of line.
#[test]
fn progress_columns_line_up_with_long_ids() {
    let home = tempfile::tempdir().unwrap();
    let out = hftutor(&["progress"], home.path());
    let all = text(&out);
    let starts: Vec<usize> = all
        .lines()
        .filter_map(|l| l.find(" exercises ").map(|i| l[..i].chars().count()))
        .collect();
    assert!(starts.len() > 10, "{all}");
    assert!(starts.iter().all(|&s| s == starts[0]), "{starts:?}\n{all}");
    assert!(
        all.contains("meaning-as-numbers "),
        "a long id, whole: {all}"
    );
}

#[test]
fn progress_and_reset_work_on_a_fresh_home() {
    let home = tempfile::tempdir().unwrap();
    let out = hftutor(&["progress"], home.path());
    assert!(out.status.success(), "{}", text(&out));
    assert!(text(&out).contains("not started"), "{}", text(&out));
    let out = hftutor(&["reset", "no-such-lesson"], home.path());
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("no lesson \"no-such-lesson\""),
        "{}",
        text(&out)
    );
    let out = hftutor(&["reset"], home.path());
    assert!(out.status.success(), "{}", text(&out));
}

#[test]
fn python_prints_as_cpython_and_exits_1_with_the_traceback() {
    let home = tempfile::tempdir().unwrap();
    let code = "print('before')\nx = {'a': 1}\nprint(x['b'])\n";
    let out = hftutor(&["python", "-c", code], home.path());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "before\n");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("File \"<string>\", line 3, in <module>"),
        "{err}"
    );
    assert!(err.ends_with("KeyError: 'b'\n"), "{err}");

    let file = home.path().join("ok.py");
    std::fs::write(
        &file,
        "total = sum(n * n for n in range(4))\nprint(f'{total=}')\n",
    )
    .unwrap();
    let out = hftutor(&["python", file.to_str().unwrap()], home.path());
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "total=14\n");
}

#[test]
fn python_output_cannot_drive_the_terminal() {
    let home = tempfile::tempdir().unwrap();
    let out = hftutor(
        &["python", "-c", "print('\\x1b]52;c;aGVsbG8=\\x07')"],
        home.path(),
    );
    assert!(out.status.success(), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!stdout.contains('\u{1b}'), "{stdout:?}");
    assert!(stdout.contains("^[]52"), "{stdout:?}");
}

/// Issue 17: `pipeline --help` cut the task list with "…"; it names every task of the registry.
#[test]
fn pipeline_help_names_every_task() {
    let home = tempfile::tempdir().unwrap();
    let out = hftutor(&["pipeline", "--help"], home.path());
    let help = text(&out);
    for task in hftutor::domain::Task::ALL {
        assert!(
            help.contains(task.name()),
            "{} missing from: {help}",
            task.name()
        );
    }
    assert!(!help.contains("token-classification, …"), "{help}");
}
