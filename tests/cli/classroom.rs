//! The classroom, through the binary: each student exports their progress
//! (`hftutor progress --export`), the teacher reports over the files (`hftutor class report`).
//! Every student has their own HFTUTOR_HOME.

use std::path::Path;
use std::process::{Command, Output};

use hftutor::progress::{ExerciseProgress, Progress, ProgressStore, QuizProgress};

fn hftutor(args: &[&str], home: &Path, user: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hftutor"))
        .args(args)
        .env("HFTUTOR_HOME", home)
        .env("USER", user)
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

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 temp path")
}

/// Saves progress on the scaffolded course ("Robots") in `home`, as the tutor would.
fn save(home: &Path, passed: bool, attempts: u32, hints: u32, quiz_picks: Vec<usize>) {
    let mut p = Progress::default();
    let lesson = p.lesson_mut("first-lesson");
    lesson.steps_seen = 4;
    lesson.exercises.insert(
        "close-pair".into(),
        ExerciseProgress {
            passed,
            attempts,
            hints_used: hints,
            last_input: vec![],
        },
    );
    if !quiz_picks.is_empty() {
        lesson.quizzes.insert(
            "what-is-compared".into(),
            QuizProgress {
                correct: quiz_picks.last() == Some(&1),
                picked: quiz_picks,
            },
        );
    }
    let store = ProgressStore::at(home.join("progress").join("robots.json"));
    store.save(&p).expect("save progress");
}

#[test]
fn students_export_and_the_teacher_gets_a_class_report() {
    let root = tempfile::tempdir().unwrap();
    let course = root.path().join("robots");
    hftutor::author::scaffold::new_course(&course, "Robots").expect("scaffold");

    let ada = root.path().join("ada");
    let bob = root.path().join("bob");
    let cy = root.path().join("cy");
    save(&ada, true, 2, 0, vec![1]);
    save(&bob, false, 5, 2, vec![0, 1]);
    // cy hasn't started.

    let out_dir = root.path().join("class");
    std::fs::create_dir(&out_dir).unwrap();
    let mut files = Vec::new();
    for (home, user, name) in [
        (&ada, "ada", None),
        (&bob, "bob_l", Some("Bob")),
        (&cy, "cy", None),
    ] {
        let file = out_dir.join(format!("{user}.json"));
        let mut args = vec!["--course", s(&course), "progress", "--export", s(&file)];
        if let Some(n) = name {
            args.extend(["--student", n]);
        }
        let out = hftutor(&args, home, user);
        assert!(out.status.success(), "{}", text(&out));
        files.push(file);
    }

    let ada_json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&files[0]).unwrap()).unwrap();
    assert_eq!(
        ada_json,
        serde_json::json!({
            "format": "hftutor-progress/1",
            "student": "ada",
            "course": "Robots",
            "lessons": [{
                "id": "first-lesson",
                "title": "First lesson",
                "done": true,
                "exercises": [{"id": "close-pair", "done": true, "attempts": 2, "hints_used": 0}],
                "quizzes": [{"id": "what-is-compared", "correct": true, "tries": 1}],
            }],
        })
    );
    let bob_json = std::fs::read_to_string(&files[1]).unwrap();
    assert!(bob_json.contains("\"student\": \"Bob\""), "{bob_json}");

    let names: Vec<&str> = files.iter().map(|f| s(f)).collect();
    let mut args = vec!["class", "report"];
    args.extend(&names);
    let out = hftutor(&args, root.path(), "teacher");
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "Robots: 3 students\n\
         lesson        item              kind      done  mean attempts  hints used\n\
         first-lesson                    lesson     1/3              -           -\n\
         first-lesson  close-pair        exercise   1/3            3.5           2\n\
         first-lesson  what-is-compared  quiz       2/3            1.5           -\n"
    );

    args.push("--csv");
    let out = hftutor(&args, root.path(), "teacher");
    assert!(out.status.success(), "{}", text(&out));
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "lesson,item,kind,done,students,mean_attempts,hints_used\n\
         first-lesson,,lesson,1,3,,\n\
         first-lesson,close-pair,exercise,1,3,3.50,2\n\
         first-lesson,what-is-compared,quiz,2,3,1.50,\n"
    );
}

#[test]
fn a_report_refuses_other_files_and_mixed_courses() {
    let root = tempfile::tempdir().unwrap();
    let bad = root.path().join("notes.json");
    std::fs::write(&bad, "{\"hello\": 1}").unwrap();
    let out = hftutor(&["class", "report", s(&bad)], root.path(), "t");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out)
            .contains("notes.json: this is not a progress file from `hftutor progress --export`"),
        "{}",
        text(&out)
    );

    // The built-in course and a scaffolded one.
    let home = root.path().join("home");
    let one = root.path().join("one.json");
    let out = hftutor(&["progress", "--export", s(&one)], &home, "ada");
    assert!(out.status.success(), "{}", text(&out));
    let course = root.path().join("robots");
    hftutor::author::scaffold::new_course(&course, "Robots").expect("scaffold");
    let two = root.path().join("two.json");
    let out = hftutor(
        &["--course", s(&course), "progress", "--export", s(&two)],
        &home,
        "ada",
    );
    assert!(out.status.success(), "{}", text(&out));
    let out = hftutor(&["class", "report", s(&one), s(&two)], root.path(), "t");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out).contains("these files are from different courses"),
        "{}",
        text(&out)
    );
}
