//! Running out of memory aborts the process, with no unwinding and no `Drop`. The binary's
//! allocator (shell/out_of_memory.rs) gives the terminal back first: here it runs on a real
//! pseudo-terminal, put in raw mode as the tutor does, and is handed an allocation no machine has.

use std::alloc::{GlobalAlloc, Layout};
use std::io::Read;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use hftutor::shell::out_of_memory::{arm, Restoring};

fn cooked(fd: i32) -> bool {
    // SAFETY: termios is plain data; tcgetattr fills it.
    let mut t: libc::termios = unsafe { std::mem::zeroed() };
    assert_eq!(unsafe { libc::tcgetattr(fd, &mut t) }, 0);
    t.c_lflag & libc::ICANON != 0 && t.c_lflag & libc::ECHO != 0
}

#[test]
fn a_failed_allocation_restores_the_terminal_before_the_abort() {
    let (mut master, mut slave) = (0, 0);
    // SAFETY: openpty writes the two descriptors.
    let r = unsafe {
        libc::openpty(
            &mut master,
            &mut slave,
            std::ptr::null_mut(),
            std::ptr::null(),
            std::ptr::null(),
        )
    };
    assert_eq!(r, 0, "openpty");
    // SAFETY: fresh descriptors we own.
    let (master, slave) = unsafe { (OwnedFd::from_raw_fd(master), OwnedFd::from_raw_fd(slave)) };
    assert!(cooked(slave.as_raw_fd()));

    // As the tutor starts: save the settings, then raw mode and the alternate screen.
    arm(slave.as_raw_fd(), slave.as_raw_fd());
    // SAFETY: as above.
    unsafe {
        let mut t: libc::termios = std::mem::zeroed();
        libc::tcgetattr(slave.as_raw_fd(), &mut t);
        libc::cfmakeraw(&mut t);
        libc::tcsetattr(slave.as_raw_fd(), libc::TCSANOW, &t);
    }
    assert!(!cooked(slave.as_raw_fd()), "raw, as the tutor runs");

    let huge = Layout::from_size_align(isize::MAX as usize / 2, 8).expect("layout");
    // SAFETY: a plain allocation request; the null result is checked and nothing is freed.
    let p = unsafe { Restoring.alloc(huge) };
    assert!(p.is_null(), "no machine has that much memory");

    assert!(cooked(slave.as_raw_fd()), "the terminal settings are back");
    drop(slave);
    let mut written = Vec::new();
    let _ = std::fs::File::from(master).read_to_end(&mut written);
    let written = String::from_utf8_lossy(&written);
    for sequence in ["\x1b[?1049l", "\x1b[?25h", "\x1b[?1000l", "\x1b[?2004l"] {
        assert!(written.contains(sequence), "{sequence:?} in {written:?}");
    }

    // A small allocation still works, and writes nothing.
    let small = Layout::from_size_align(64, 8).expect("layout");
    // SAFETY: allocated and freed with the same layout.
    unsafe {
        let p = Restoring.alloc(small);
        assert!(!p.is_null());
        Restoring.dealloc(p, small);
    }
}
