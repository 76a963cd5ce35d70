//! The tutor run as a student would (the binary in a real pseudo-terminal via util-linux
//! `script`), ended from outside by SIGTERM or SIGHUP (what a closed SSH session sends): it
//! leaves the alternate screen, exits cleanly and keeps the student's progress.

use std::io::{Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const ENTER_ALT: &str = "\x1b[?1049h";
const LEAVE_ALT: &str = "\x1b[?1049l";

fn wait_for(screen: &Arc<Mutex<Vec<u8>>>, needle: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let text = String::from_utf8_lossy(&screen.lock().expect("screen")).to_string();
        if text.contains(needle) {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "no {needle:?} after 30 s:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The pid of `parent`'s child process, from /proc.
fn child_of(parent: u32) -> u32 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        for entry in std::fs::read_dir("/proc").expect("/proc").flatten() {
            let Ok(pid) = entry.file_name().to_string_lossy().parse::<u32>() else {
                continue;
            };
            let Ok(stat) = std::fs::read_to_string(entry.path().join("stat")) else {
                continue;
            };
            // pid (comm) state ppid …: comm may hold spaces, so read after the last ')'.
            let ppid = stat
                .rsplit_once(')')
                .and_then(|(_, rest)| rest.split_whitespace().nth(1))
                .and_then(|p| p.parse::<u32>().ok());
            if ppid == Some(parent) {
                return pid;
            }
        }
        assert!(Instant::now() < deadline, "script started no child");
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn wait_exit(child: &mut Child) -> std::process::ExitStatus {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(s) = child.try_wait().expect("try_wait") {
            return s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("the tutor did not exit after the signal");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// How the tutor is ended: a signal sent to it, or its terminal closed under it.
enum Ending {
    Signal(&'static str),
    TerminalClosed,
}

fn ended_by(signal: &'static str) {
    end(Ending::Signal(signal));
}

fn end(how: Ending) {
    assert!(
        Command::new("script").arg("--version").output().is_ok(),
        "this test needs util-linux `script` for a pseudo-terminal"
    );
    let bin = env!("CARGO_BIN_EXE_hftutor");
    let home = tempfile::tempdir().expect("tempdir");
    let root = tempfile::tempdir().expect("tempdir");
    let dir = root.path().join("course");
    let made = Command::new(bin)
        .args(["new", "course"])
        .arg(&dir)
        .env("HFTUTOR_HOME", home.path())
        .output()
        .expect("hftutor new");
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );

    let command = format!(
        "stty cols 100 rows 30; exec {bin} --course {}",
        dir.display()
    );
    let mut child = Command::new("script")
        .args(["-qfec", &command, "/dev/null"])
        .env("HFTUTOR_HOME", home.path())
        .env("TERM", "xterm-256color")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("script runs");
    let screen = Arc::new(Mutex::new(Vec::new()));
    let mut stdout = child.stdout.take().expect("stdout");
    let sink = screen.clone();
    let reader = std::thread::spawn(move || {
        let mut buf = [0u8; 4096];
        while let Ok(n) = stdout.read(&mut buf) {
            if n == 0 {
                break;
            }
            sink.lock().expect("screen").extend_from_slice(&buf[..n]);
        }
    });
    wait_for(&screen, "something");
    // Junk first (a bracketed paste with invalid UTF-8 and escapes, raw invalid bytes): the
    // tutor must survive it. Then a step forward: progress to keep.
    let stdin = child.stdin.as_mut().expect("stdin");
    stdin
        .write_all(b"\x1b[200~caf\xe9 \xff\xfe\x00\x1b[31mred\x1b[201~\xff\xc3(")
        .expect("paste junk");
    std::thread::sleep(Duration::from_millis(300));
    stdin.write_all(b"n").expect("type n");
    std::thread::sleep(Duration::from_millis(500));

    let tutor = child_of(child.id());
    let signal = match how {
        Ending::Signal(signal) => signal,
        Ending::TerminalClosed => {
            // `script` holds the terminal's other end: killing it closes the terminal, as a
            // dropped SSH session or a closed window does.
            let _ = child.kill();
            let _ = child.wait();
            let _ = reader.join();
            let deadline = Instant::now() + Duration::from_secs(20);
            while std::path::Path::new(&format!("/proc/{tutor}")).exists()
                && !std::fs::read_to_string(format!("/proc/{tutor}/stat"))
                    .is_ok_and(|s| s.rsplit_once(')').is_some_and(|(_, r)| r.starts_with(" Z")))
            {
                if Instant::now() > deadline {
                    // Don't leave it spinning behind the failed test.
                    let _ = Command::new("kill")
                        .args(["-9", &tutor.to_string()])
                        .status();
                    panic!("the tutor kept running after its terminal closed");
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            assert_saved(home.path());
            return;
        }
    };
    let sent = Command::new("kill")
        .args([&format!("-{signal}"), &tutor.to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
    let status = wait_exit(&mut child);
    let _ = reader.join();
    assert!(status.success(), "after SIG{signal}: exit status {status}");
    let out = String::from_utf8_lossy(&screen.lock().expect("screen")).to_string();
    let entered = out
        .rfind(ENTER_ALT)
        .expect("the tutor used the alternate screen");
    assert!(
        out[entered..].contains(LEAVE_ALT),
        "after SIG{signal} the alternate screen was not left"
    );
    // Mouse capture and bracketed paste are switched off too.
    assert!(
        out[entered..].contains("\x1b[?2004l"),
        "bracketed paste left on"
    );

    assert_saved(home.path());
}

/// The step the student moved to was saved.
fn assert_saved(home: &std::path::Path) {
    let saved: Vec<_> = std::fs::read_dir(home.join("progress"))
        .expect("a progress folder")
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".json"))
        .collect();
    assert_eq!(saved.len(), 1, "progress saved");
    let text = std::fs::read_to_string(saved[0].path()).expect("read progress");
    assert!(text.contains("\"steps_seen\": 2"), "{text}");
}

#[test]
fn sigterm_restores_the_terminal_and_keeps_progress() {
    ended_by("TERM");
}

#[test]
fn sighup_restores_the_terminal_and_keeps_progress() {
    ended_by("HUP");
}

/// The terminal closes under the tutor (a dropped SSH session, a closed window): it leaves,
/// keeping progress, instead of spinning on a terminal that is gone.
#[test]
fn a_closed_terminal_ends_the_tutor_and_keeps_progress() {
    end(Ending::TerminalClosed);
}
