//! The terminal survives running out of memory. When an allocation fails, Rust prints "memory
//! allocation of N bytes failed" and aborts: no unwinding, no panic hook, no `Drop`, so a tutor
//! would leave the terminal raw, on the alternate screen, with mouse reporting on. [`Restoring`]
//! is the binary's global allocator: the system allocator, plus one check on a null result. While
//! the tutor holds the terminal ([`arm`]), that null first writes the sequences that give the
//! screen back and restores the terminal settings saved before raw mode, then lets the abort go
//! on. Nothing on that path allocates. (The other way, a model worker in a child process, would
//! cost a process and copies of every result; this costs one branch per allocation.)

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicI32, Ordering};
use std::sync::OnceLock;

/// The system allocator that restores the terminal before an out-of-memory abort.
pub struct Restoring;

// SAFETY: every call is System's; the extra work runs only when System returned null.
unsafe impl GlobalAlloc for Restoring {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if p.is_null() {
            give_back_terminal();
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if p.is_null() {
            give_back_terminal();
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if p.is_null() {
            give_back_terminal();
        }
        p
    }
}

/// Mouse reporting, bracketed paste and the alternate screen off, the cursor shown: what the
/// tutor's normal exit does.
const LEAVE: &[u8] =
    b"\x1b[?1000l\x1b[?1002l\x1b[?1003l\x1b[?1006l\x1b[?1015l\x1b[?2004l\x1b[?25h\x1b[?1049l";

static ARMED: AtomicBool = AtomicBool::new(false);
static OUT_FD: AtomicI32 = AtomicI32::new(1);
static TERM_FD: AtomicI32 = AtomicI32::new(-1);
#[cfg(unix)]
static SAVED: OnceLock<libc::termios> = OnceLock::new();
#[cfg(not(unix))]
static SAVED: OnceLock<()> = OnceLock::new();

/// Called before the tutor takes the terminal: saves the settings of `term_fd` (the terminal
/// whose modes raw mode changes) and writes the restoring sequences to `out_fd` if memory runs
/// out until [`disarm`].
pub fn arm(term_fd: i32, out_fd: i32) {
    #[cfg(unix)]
    {
        // SAFETY: termios is plain data; tcgetattr fills it or fails.
        let mut t: libc::termios = unsafe { std::mem::zeroed() };
        if unsafe { libc::tcgetattr(term_fd, &mut t) } == 0 {
            let _ = SAVED.set(t);
            TERM_FD.store(term_fd, Ordering::SeqCst);
        }
    }
    OUT_FD.store(out_fd, Ordering::SeqCst);
    ARMED.store(true, Ordering::SeqCst);
}

/// The tutor gave the terminal back itself.
pub fn disarm() {
    ARMED.store(false, Ordering::SeqCst);
}

/// The terminal the process's stdin is, else none (-1): the one crossterm puts in raw mode.
pub fn stdin_terminal() -> i32 {
    #[cfg(unix)]
    {
        // SAFETY: isatty only reads the descriptor's kind.
        if unsafe { libc::isatty(libc::STDIN_FILENO) } == 1 {
            return libc::STDIN_FILENO;
        }
    }
    -1
}

/// Writes [`LEAVE`] and restores the saved settings, once; allocation-free.
fn give_back_terminal() {
    if !ARMED.swap(false, Ordering::SeqCst) {
        return;
    }
    #[cfg(unix)]
    {
        let out = OUT_FD.load(Ordering::SeqCst);
        // SAFETY: write and tcsetattr on descriptors we were given; both are async-signal-safe
        // and allocate nothing.
        unsafe {
            let _ = libc::write(out, LEAVE.as_ptr().cast(), LEAVE.len());
            let term = TERM_FD.load(Ordering::SeqCst);
            if let Some(t) = SAVED.get() {
                if term >= 0 {
                    libc::tcsetattr(term, libc::TCSANOW, t);
                }
            }
        }
    }
}
