//! Job control on a real pseudo-terminal: `kill -TSTP` (or Ctrl-Z) gives the terminal back in
//! cooked mode on the main screen before the tutor stops, and `fg` (SIGCONT) takes it again.
//! Without it, a stopped tutor left the student's shell in raw mode.

use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A child on the slave side of a pty; everything it writes is collected from the master.
struct OnPty {
    master: OwnedFd,
    child: std::process::Child,
    output: Arc<Mutex<Vec<u8>>>,
}

impl OnPty {
    fn spawn(home: &std::path::Path) -> OnPty {
        let (mut master, mut slave) = (0, 0);
        let size = libc::winsize {
            ws_row: 24,
            ws_col: 80,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // SAFETY: openpty writes the two descriptors; the rest may be null.
        let r = unsafe {
            libc::openpty(
                &mut master,
                &mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                &size,
            )
        };
        assert_eq!(r, 0, "openpty");
        // SAFETY: both are fresh descriptors we own.
        let (master, slave) =
            unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
        let stdio = |fd: &OwnedFd| Stdio::from(fd.try_clone().expect("dup"));
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_hftutor"));
        cmd.env("HFTUTOR_HOME", home)
            .env("HF_HOME", home.join("hf"))
            .env("HF_HUB_OFFLINE", "1")
            .env("HFTUTOR_GRAPHICS", "off")
            .env("TERM", "xterm-256color")
            .stdin(stdio(&slave))
            .stdout(stdio(&slave))
            .stderr(stdio(&slave));
        // SAFETY: only async-signal-safe calls between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("hftutor starts on the pty");
        drop(slave);
        let output = Arc::new(Mutex::new(Vec::new()));
        let reader = master.try_clone().expect("dup");
        let sink = output.clone();
        std::thread::spawn(move || {
            let mut file = std::fs::File::from(reader);
            let mut buf = [0u8; 4096];
            while let Ok(n) = file.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().expect("lock").extend_from_slice(&buf[..n]);
            }
        });
        OnPty {
            master,
            child,
            output,
        }
    }

    /// Waits until the output holds `needle` `times` times.
    fn wait_for(&self, needle: &str, times: usize) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = String::from_utf8_lossy(&self.output.lock().expect("lock")).into_owned();
            if text.matches(needle).count() >= times {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "no {needle:?} ×{times} in {:?}",
                &text[text.len().saturating_sub(400)..]
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Whether the terminal is in canonical (cooked) mode with echo, as a shell wants it.
    fn cooked(&self) -> bool {
        // SAFETY: termios is plain data; tcgetattr fills it.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        let r = unsafe { libc::tcgetattr(self.master.as_raw_fd(), &mut t) };
        assert_eq!(r, 0, "tcgetattr");
        t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0
    }

    fn signal(&self, sig: libc::c_int) {
        // SAFETY: a signal to our own child.
        assert_eq!(unsafe { libc::kill(self.child.id() as i32, sig) }, 0);
    }

    /// Waits until the child is stopped (WUNTRACED).
    fn wait_stopped(&self) {
        let mut status = 0;
        // SAFETY: waitpid on our own child.
        let r = unsafe { libc::waitpid(self.child.id() as i32, &mut status, libc::WUNTRACED) };
        assert_eq!(r, self.child.id() as i32, "waitpid");
        assert!(
            libc::WIFSTOPPED(status),
            "the tutor stopped (status {status:#x})"
        );
    }

    fn type_keys(&self, bytes: &[u8]) {
        // SAFETY: writing a buffer we own to the master.
        let n = unsafe { libc::write(self.master.as_raw_fd(), bytes.as_ptr().cast(), bytes.len()) };
        assert_eq!(n, bytes.len() as isize);
    }
}

const ALT_SCREEN_ON: &str = "\x1b[?1049h";
const ALT_SCREEN_OFF: &str = "\x1b[?1049l";

fn stop_and_continue(stop: impl Fn(&OnPty)) {
    let home = tempfile::tempdir().expect("tempdir");
    let mut tutor = OnPty::spawn(home.path());
    tutor.wait_for(ALT_SCREEN_ON, 1);
    tutor.wait_for("Lessons", 1);
    assert!(!tutor.cooked(), "the tutor runs in raw mode");

    stop(&tutor);
    tutor.wait_stopped();
    tutor.wait_for(ALT_SCREEN_OFF, 1);
    assert!(
        tutor.cooked(),
        "stopped, the tutor left the terminal cooked"
    );

    tutor.signal(libc::SIGCONT);
    tutor.wait_for(ALT_SCREEN_ON, 2);
    let deadline = Instant::now() + Duration::from_secs(10);
    while tutor.cooked() {
        assert!(
            Instant::now() < deadline,
            "continued, the tutor is raw again"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // It still answers keys, and leaves the terminal as it found it.
    tutor.type_keys(b"q");
    let status = tutor.child.wait().expect("wait");
    assert!(status.success(), "{status:?}");
    assert!(tutor.cooked(), "after q, the terminal is cooked");
}

#[test]
fn sigtstp_gives_the_terminal_back_and_sigcont_takes_it_again() {
    stop_and_continue(|t| t.signal(libc::SIGTSTP));
}

#[test]
fn ctrl_z_suspends_like_any_terminal_program() {
    stop_and_continue(|t| t.type_keys(b"\x1a"));
}
