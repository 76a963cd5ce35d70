//! The signals the tutor gets from outside. Those that end it (SIGTERM from `kill` or a shutdown,
//! SIGHUP from a closed terminal or SSH session, SIGINT from `kill -INT`) are caught so the run
//! loop can leave cleanly, restoring the terminal and writing pending progress, instead of dying
//! mid-screen. SIGTSTP (`kill -TSTP`, a job-control stop) asks the loop to give the terminal back
//! before it stops, and SIGCONT (after `fg`, or after an uncatchable SIGSTOP) to take it again.

/// What a signal asks of the run loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalAsk {
    /// Leave, as `q` does.
    End,
    /// Restore the terminal, then stop the process.
    Suspend,
    /// The process was continued: take the terminal back and redraw.
    Resume,
}

/// Waits for the signals above.
pub struct Signals {
    #[cfg(unix)]
    streams: Vec<(SignalAsk, tokio::signal::unix::Signal)>,
}

impl Signals {
    /// Installs the handlers (needs the runtime's I/O driver).
    pub fn install() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let streams = [
                (SignalAsk::End, SignalKind::terminate()),
                (SignalAsk::End, SignalKind::hangup()),
                (SignalAsk::End, SignalKind::interrupt()),
                (SignalAsk::Suspend, SignalKind::from_raw(libc::SIGTSTP)),
                (SignalAsk::Resume, SignalKind::from_raw(libc::SIGCONT)),
            ]
            .into_iter()
            .map(|(ask, kind)| signal(kind).map(|s| (ask, s)))
            .collect::<std::io::Result<Vec<_>>>()?;
            Ok(Signals { streams })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// Resolves when one of the signals arrives, with what it asks (never, where there are none).
    pub async fn recv(&mut self) -> SignalAsk {
        #[cfg(unix)]
        {
            let streams = &mut self.streams;
            std::future::poll_fn(|cx| {
                for (ask, s) in streams.iter_mut() {
                    if s.poll_recv(cx).is_ready() {
                        return std::task::Poll::Ready(*ask);
                    }
                }
                std::task::Poll::Pending
            })
            .await
        }
        #[cfg(not(unix))]
        std::future::pending::<SignalAsk>().await
    }
}

/// Stops the process as a terminal's Ctrl-Z would, once the caller has restored the terminal;
/// returns when the process is continued.
pub fn stop_self() {
    // SAFETY: raise has no preconditions; SIGSTOP can't be caught, so this stops us here.
    #[cfg(unix)]
    unsafe {
        libc::raise(libc::SIGSTOP);
    }
}
