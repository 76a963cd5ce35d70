//! `hftutor --course DIR --watch`, run as a teacher would: the binary in a real pseudo-terminal
//! (util-linux `script`), the lesson file edited, broken and fixed while the tutor shows it.

use std::io::{Read, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Kills the tutor if the test fails half-way, so no stray process outlives it.
struct KillOnDrop(std::process::Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn wait_for(screen: &Arc<Mutex<Vec<u8>>>, from: usize, needle: &str) -> usize {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        {
            let out = screen.lock().expect("screen");
            let text = String::from_utf8_lossy(&out[from.min(out.len())..]).to_string();
            if let Some(at) = text.find(needle) {
                return from + at + needle.len();
            }
            if Instant::now() > deadline {
                panic!("no {needle:?} on the screen after 30 s; it shows:\n{text}");
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
}

#[test]
fn watch_reloads_on_save_shows_errors_and_recovers() {
    if Command::new("script").arg("--version").output().is_err() {
        panic!("this test needs util-linux `script` for a pseudo-terminal");
    }
    let bin = env!("CARGO_BIN_EXE_hftutor");
    let home = tempfile::tempdir().unwrap();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("course");
    let made = Command::new(bin)
        .args(["new", "course"])
        .arg(&dir)
        .env("HFTUTOR_HOME", home.path())
        .output()
        .unwrap();
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let lesson = dir.join("01-first-lesson.md");
    let original = std::fs::read_to_string(&lesson).unwrap();

    let command = format!(
        "stty cols 100 rows 30; exec {bin} --course {} --watch",
        dir.display()
    );
    let mut child = KillOnDrop(
        Command::new("script")
            .args(["-qfec", &command, "/dev/null"])
            .env("HFTUTOR_HOME", home.path())
            .env("TERM", "xterm-256color")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("script runs"),
    );
    let screen = Arc::new(Mutex::new(Vec::new()));
    let mut stdout = child.0.stdout.take().unwrap();
    let sink = screen.clone();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().unwrap().extend_from_slice(&buf[..n]);
        }
    });

    // Ratatui moves the cursor over unchanged blanks: look for single words.
    let at = wait_for(&screen, 0, "something");
    // Let the watcher settle before the first edit.
    std::thread::sleep(Duration::from_millis(500));

    // 1. An edit shows up without restarting.
    write(&lesson, &original.replace("something to", "zebracorn to"));
    let at = wait_for(&screen, at, "zebracorn");

    // 2. A broken file: the error is shown, with its place, and the tutor keeps running.
    write(
        &lesson,
        &original.replace("task: sentence-similarity", "task: sentence-simlarity"),
    );
    let at = wait_for(&screen, at, "sentence-simlarity");

    // 3. Fixed again: the lesson comes back.
    write(&lesson, &original.replace("something to", "okapi to"));
    let _ = wait_for(&screen, at, "okapi");

    // 4. q quits and the terminal is restored (alternate screen left).
    child.0.stdin.as_mut().unwrap().write_all(b"q").unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let status = loop {
        if let Some(s) = child.0.try_wait().unwrap() {
            break s;
        }
        assert!(Instant::now() < deadline, "the tutor did not quit on q");
        std::thread::sleep(Duration::from_millis(100));
    };
    let _ = reader.join();
    assert!(status.success(), "exit status {status}");
    let out = screen.lock().unwrap();
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.contains("\x1b[?1049l"),
        "the alternate screen was left on quitting"
    );
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap();
}
