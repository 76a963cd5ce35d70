//! Asking the terminal what it can draw, once at start when the environment can't tell: a kitty
//! graphics query and a primary device attributes request (DA1, whose `4` means sixel), answered
//! within a short timeout or not at all. Unix only; never run inside tmux or without a terminal.

use super::graphics::Protocol;

/// The kitty query (a 1×1 image that is never stored) followed by DA1, which every terminal
/// answers: its reply marks the end of the answers.
pub const QUERY: &[u8] = b"\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\\x1b[c";

/// What the replies say: kitty graphics if the query got `OK`, sixel if DA1 lists `4`.
pub fn parse(replies: &[u8]) -> Option<Protocol> {
    let text = String::from_utf8_lossy(replies);
    if text.contains("\x1b_Gi=31;OK") {
        return Some(Protocol::Kitty);
    }
    let da1 = text.split("\x1b[?").nth(1)?;
    let params = da1.split('c').next()?;
    params
        .split(';')
        .any(|p| p == "4")
        .then_some(Protocol::Sixel)
}

/// Whether `replies` hold the whole DA1 answer (`ESC [ ? … c`).
fn complete(replies: &[u8]) -> bool {
    let text = String::from_utf8_lossy(replies);
    text.split("\x1b[?")
        .nth(1)
        .is_some_and(|rest| rest.contains('c'))
}

/// Asks the terminal (raw mode must be on, and nothing else reading input yet). Gives up after
/// `timeout`; `None` when it can't tell.
#[cfg(unix)]
pub fn ask(timeout: std::time::Duration) -> Option<Protocol> {
    use std::io::{IsTerminal, Write};
    use std::os::fd::AsRawFd;
    use std::time::Instant;

    let stdin = std::io::stdin();
    if !stdin.is_terminal() || !std::io::stdout().is_terminal() {
        return None;
    }
    let mut out = std::io::stdout();
    out.write_all(QUERY).ok()?;
    out.flush().ok()?;
    let fd = stdin.as_raw_fd();
    let start = Instant::now();
    let mut replies = Vec::new();
    while !complete(&replies) {
        let left = timeout.saturating_sub(start.elapsed());
        if left.is_zero() {
            break;
        }
        let mut poll = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        let ms = i32::try_from(left.as_millis().max(1)).unwrap_or(i32::MAX);
        // SAFETY: one valid pollfd, its count 1.
        let ready = unsafe { libc::poll(&mut poll, 1, ms) };
        if ready <= 0 {
            break;
        }
        let mut buf = [0u8; 256];
        // SAFETY: reads at most buf.len() bytes into buf.
        let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
        if n <= 0 {
            break;
        }
        replies.extend_from_slice(&buf[..n as usize]);
        if replies.len() > 4096 {
            break;
        }
    }
    parse(&replies)
}

#[cfg(not(unix))]
pub fn ask(_timeout: std::time::Duration) -> Option<Protocol> {
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replies_are_read() {
        let kitty = b"\x1b_Gi=31;OK\x1b\\\x1b[?62;22c";
        assert_eq!(parse(kitty), Some(Protocol::Kitty));
        assert!(complete(kitty));
        let xterm_sixel = b"\x1b[?63;1;2;4;6;9;15;22c";
        assert_eq!(parse(xterm_sixel), Some(Protocol::Sixel));
        let plain = b"\x1b[?62;22c";
        assert_eq!(parse(plain), None);
        let refused = b"\x1b_Gi=31;ENOTSUPPORTED:\x1b\\\x1b[?1;2c";
        assert_eq!(parse(refused), None);
        assert_eq!(parse(b""), None);
        assert!(!complete(b"\x1b[?62;2"));
    }
}
