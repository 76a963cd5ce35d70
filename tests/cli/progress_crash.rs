//! Progress survives crashes and company: kill -9 in the middle of saves (a child process saving
//! a big file in a loop, killed at varied moments, many times), a full disk / a write the kernel
//! refuses, and two tutors saving the same course interleaved.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hftutor::progress::{Progress, ProgressStore};

const CHILD_ENV: &str = "HFTUTOR_TEST_PROGRESS_CHILD";
const LESSONS: usize = 150;

/// Big progress (about 1 MB of JSON) whose `current_lesson` names the save.
fn big_progress(n: u64) -> Progress {
    let mut p = Progress {
        current_lesson: Some(format!("save-{n}")),
        ..Progress::default()
    };
    for l in 0..LESSONS {
        let lp = p.lesson_mut(&format!("lesson-{l:03}"));
        lp.steps_seen = 3;
        for e in 0..4 {
            let ep = lp.exercises.entry(format!("ex-{e}")).or_default();
            ep.attempts = 1;
            ep.last_input = vec![format!("{n} {}", "words ".repeat(250))];
        }
    }
    p
}

/// The file is always a whole save: valid JSON, every lesson there, named by a save.
fn assert_whole(path: &Path, round: usize) {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("round {round}: progress file unreadable: {e}"));
    let p: Progress = serde_json::from_str(&text)
        .unwrap_or_else(|e| panic!("round {round}: progress file is not whole JSON: {e}"));
    assert_eq!(p.lessons.len(), LESSONS, "round {round}");
    assert!(
        p.current_lesson
            .as_deref()
            .is_some_and(|c| c.starts_with("save-")),
        "round {round}: {:?}",
        p.current_lesson
    );
}

/// Not a test on its own: the child the crash test runs (and kills). Saves forever.
#[test]
fn child_saver() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let ready = Path::new(&path).with_extension("ready");
    let store = ProgressStore::at(path);
    let mut n = 0u64;
    loop {
        n += 1;
        store.save(&big_progress(n)).expect("child save");
        if n == 1 {
            // Tell the parent that saves are under way, so its kill lands among them.
            std::fs::write(&ready, b"ready").expect("ready marker");
        }
    }
}

/// The full name of a test of this file, as the test binary knows it (`progress_crash::NAME`).
fn test_name(name: &str) -> String {
    let module = module_path!().split_once("::").map_or("", |(_, m)| m);
    format!("{module}::{name}")
}

fn spawn_child(path: &Path) -> std::process::Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args([
            "--exact",
            &test_name("child_saver"),
            "--nocapture",
            "--test-threads=1",
        ])
        .env(CHILD_ENV, path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the saving child")
}

#[test]
fn kill_9_during_saves_leaves_a_whole_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("course.json");
    let store = ProgressStore::at(&path);
    store.save(&big_progress(0)).expect("first save");
    // One save's length here (the JSON is read, merged and written: a debug build on a busy
    // machine takes far longer than a quiet one), so the kills can be spread over whole saves.
    let timed = Instant::now();
    store.save(&big_progress(0)).expect("timed save");
    let cycle = timed.elapsed().max(Duration::from_millis(5));
    let mut mid_save = 0;
    // At least 40 rounds, and on until 3 kills have landed mid-write (each round hits the
    // write window only a few percent of the time; 400 rounds make a miss vanishingly rare).
    let mut rounds = 0;
    for round in 0..400 {
        if round >= 40 && mid_save >= 3 {
            break;
        }
        rounds += 1;
        let ready = path.with_extension("ready");
        let _ = std::fs::remove_file(&ready);
        let mut child = spawn_child(&path);
        // Wait until the child is saving (its start-up time varies a lot between machines),
        // then kill at a different moment each round, spread over one and a half saves.
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        while !ready.exists() {
            assert!(
                std::time::Instant::now() < deadline,
                "the saving child never started"
            );
            std::thread::sleep(Duration::from_millis(2));
        }
        std::thread::sleep(cycle.mul_f64(((round * 37) % 100) as f64 / 66.0));
        child.kill().expect("kill -9");
        child.wait().expect("reap");
        let temps = std::fs::read_dir(dir.path())
            .expect("list")
            .filter_map(|e| e.ok())
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp-"))
            .count();
        if temps > 0 {
            mid_save += 1;
        }
        assert_whole(&path, round);
    }
    eprintln!("killed in the middle of writing a save {mid_save} times out of {rounds}");
    assert!(
        mid_save > 0,
        "no kill landed mid-save: the test proves nothing"
    );
    // The next save cleans up what the killed saves left.
    store
        .save(&big_progress(1))
        .expect("save after the crashes");
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .filter(|n| n.contains(".tmp-"))
        .collect();
    assert!(left.is_empty(), "stale temp files kept: {left:?}");
}

fn small_progress() -> Progress {
    let mut p = Progress {
        current_lesson: Some("old".into()),
        ..Progress::default()
    };
    p.lesson_mut("a").steps_seen = 1;
    p
}

/// A write the kernel refuses part-way (file size limit, EFBIG): the old file stays as it was.
#[test]
fn refused_write_keeps_the_old_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("course.json");
    ProgressStore::at(&path)
        .save(&small_progress())
        .expect("save");
    let before = std::fs::read(&path).expect("read");
    // The child saves ~1 MB under a 16 KB file-size limit (SIGXFSZ ignored, so the write fails).
    let bin = std::env::current_exe().expect("test binary");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "trap '' XFSZ; ulimit -f 32; exec '{}' --exact {} --nocapture",
            bin.display(),
            test_name("child_saver_once")
        ))
        .env(CHILD_ENV, &path)
        .stderr(Stdio::null())
        .output()
        .expect("run the child");
    let status = out.status;
    assert!(
        status.success(),
        "the child should report the error, not die: {status}"
    );
    // The child test really ran (a name that matches nothing passes with 0 tests).
    let said = String::from_utf8_lossy(&out.stdout);
    assert!(said.contains("1 passed"), "the child didn't run: {said}");
    assert_eq!(std::fs::read(&path).expect("read"), before);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .expect("list")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    assert!(names.iter().all(|n| !n.contains(".tmp-")), "{names:?}");
}

/// Not a test on its own: one save expected to fail with the write error in the message.
#[test]
fn child_saver_once() {
    let Some(path) = std::env::var_os(CHILD_ENV) else {
        return;
    };
    let err = ProgressStore::at(&path)
        .save(&big_progress(1))
        .expect_err("a save over the size limit succeeded");
    let msg = err.to_string();
    assert!(msg.starts_with("cannot write progress to"), "{msg}");
    assert!(msg.contains("too large"), "{msg}");
}

/// A real full disk: a 64 KB tmpfs (needs root to mount; skipped with a note otherwise).
#[test]
fn disk_full_keeps_the_old_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(dir.path())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !mounted {
        eprintln!("SKIPPED: cannot mount a tmpfs here (not root?); the EFBIG test covers the path");
        return;
    }
    let result = std::panic::catch_unwind(|| {
        let path = dir.path().join("course.json");
        let store = ProgressStore::at(&path);
        store.save(&small_progress()).expect("save");
        let before = std::fs::read(&path).expect("read");
        let err = store
            .save(&big_progress(1))
            .expect_err("saved 1 MB on 64 KB");
        assert!(err.to_string().contains("No space left"), "{err}");
        assert_eq!(std::fs::read(&path).expect("read"), before);
        let (back, warning) = store.load().expect("load");
        assert_eq!(back, small_progress());
        assert!(warning.is_none());
    });
    let _ = Command::new("umount").arg(dir.path()).status();
    if let Err(e) = result {
        std::panic::resume_unwind(e);
    }
}

fn pass(p: &mut Progress, lesson: &str, exercise: &str) {
    let ep = p
        .lesson_mut(lesson)
        .exercises
        .entry(exercise.into())
        .or_default();
    ep.passed = true;
    ep.attempts += 1;
}

/// Two tutors open on one course, each knowing only its own session: every pass survives.
#[test]
fn two_tutors_saving_interleaved_lose_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("course.json");
    let (a, b) = (ProgressStore::at(&path), ProgressStore::at(&path));
    let (mut pa, mut pb) = (Progress::default(), Progress::default());
    pass(&mut pa, "l1", "x");
    a.save(&pa).expect("a");
    pass(&mut pb, "l1", "y");
    pb.current_lesson = Some("l2".into());
    b.save(&pb).expect("b");
    pass(&mut pa, "l2", "z");
    pa.current_lesson = Some("l3".into());
    a.save(&pa).expect("a again");
    let (got, _) = a.load().expect("load");
    let l1 = got.lesson("l1").expect("l1");
    assert!(
        l1.exercises["x"].passed && l1.exercises["y"].passed,
        "{got:?}"
    );
    assert!(got.lesson("l2").expect("l2").exercises["z"].passed);
    assert_eq!(
        got.current_lesson.as_deref(),
        Some("l3"),
        "the last saver's place wins"
    );

    // The same, racing: two threads (separate opens of the lock file) saving 50 passes each.
    let started = Instant::now();
    let racers: Vec<_> = ["a", "b"]
        .into_iter()
        .map(|who| {
            let store = ProgressStore::at(&path);
            std::thread::spawn(move || {
                let mut p = Progress::default();
                for i in 0..50 {
                    pass(&mut p, "race", &format!("{who}-{i}"));
                    store.save(&p).expect("racing save");
                }
            })
        })
        .collect();
    for r in racers {
        r.join().expect("racer");
    }
    let (got, _) = a.load().expect("load");
    let race = got.lesson("race").expect("race lesson");
    assert_eq!(
        race.exercises.len(),
        100,
        "lost passes: {:?}",
        race.exercises.keys()
    );
    assert!(race.exercises.values().all(|e| e.passed));
    assert!(got.lesson("l1").is_some(), "earlier lessons kept");
    eprintln!("100 racing saves in {:?}", started.elapsed());
}
