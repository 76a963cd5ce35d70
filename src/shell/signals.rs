//! The signals that end the tutor from outside (SIGTERM from `kill` or a shutdown, SIGHUP from a
//! closed terminal or SSH session, SIGINT from `kill -INT`): caught so the run loop can leave
//! cleanly, restoring the terminal and writing pending progress, instead of dying mid-screen.

/// Waits for any of the ending signals.
pub struct Signals {
    #[cfg(unix)]
    streams: Vec<tokio::signal::unix::Signal>,
}

impl Signals {
    /// Installs the handlers (needs the runtime's I/O driver).
    pub fn install() -> std::io::Result<Signals> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            let streams = [
                SignalKind::terminate(),
                SignalKind::hangup(),
                SignalKind::interrupt(),
            ]
            .into_iter()
            .map(signal)
            .collect::<std::io::Result<Vec<_>>>()?;
            Ok(Signals { streams })
        }
        #[cfg(not(unix))]
        Ok(Signals {})
    }

    /// Resolves when one of the signals arrives (never, where there are none).
    pub async fn recv(&mut self) {
        #[cfg(unix)]
        {
            let waits = self.streams.iter_mut().map(|s| Box::pin(s.recv()));
            let _ = futures_select_any(waits.collect()).await;
        }
        #[cfg(not(unix))]
        std::future::pending::<()>().await
    }
}

/// The first of several futures to finish (a tiny `select_all`, to avoid a dependency).
#[cfg(unix)]
async fn futures_select_any<F: std::future::Future + Unpin>(mut futs: Vec<F>) {
    std::future::poll_fn(|cx| {
        for f in futs.iter_mut() {
            if std::pin::Pin::new(&mut *f).poll(cx).is_ready() {
                return std::task::Poll::Ready(());
            }
        }
        std::task::Poll::Pending
    })
    .await
}
