//! Requests to stop: SIGTERM and SIGINT, or a channel for embedding and tests.

use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc;

/// Why the supervisor was asked to stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StopRequest {
    /// SIGTERM (a container runtime stopping the container).
    Terminate,
    /// SIGINT (Ctrl-C).
    Interrupt,
}

impl StopRequest {
    /// The conventional exit code of a process ended by this signal (128 + signal number).
    pub fn exit_code(self) -> i32 {
        match self {
            StopRequest::Terminate => 143,
            StopRequest::Interrupt => 130,
        }
    }
}

/// A source of stop requests.
#[derive(Debug)]
pub struct StopSignals {
    rx: mpsc::UnboundedReceiver<StopRequest>,
}

/// Sends stop requests to a [`StopSignals`] made by [`StopSignals::channel`].
#[derive(Clone, Debug)]
pub struct StopSender {
    tx: mpsc::UnboundedSender<StopRequest>,
}

impl StopSender {
    /// Asks to stop (ignored once the supervisor is gone).
    pub fn send(&self, request: StopRequest) {
        let _ = self.tx.send(request);
    }
}

impl StopSignals {
    /// SIGTERM and SIGINT of this process. Must be called inside a tokio runtime; from then on
    /// those signals no longer end the process by default, the supervisor handles them.
    pub fn os() -> std::io::Result<Self> {
        let mut term = signal(SignalKind::terminate())?;
        let mut int = signal(SignalKind::interrupt())?;
        let (sender, signals) = Self::channel();
        tokio::spawn(async move {
            loop {
                let request = tokio::select! {
                    Some(()) = term.recv() => StopRequest::Terminate,
                    Some(()) = int.recv() => StopRequest::Interrupt,
                    else => return,
                };
                tracing::info!(?request, "stop requested");
                if sender.tx.send(request).is_err() {
                    return;
                }
            }
        });
        Ok(signals)
    }

    /// A channel: requests sent on the [`StopSender`] stop the supervisor as signals would.
    pub fn channel() -> (StopSender, StopSignals) {
        let (tx, rx) = mpsc::unbounded_channel();
        (StopSender { tx }, StopSignals { rx })
    }

    /// Waits for the next request (pending forever once every sender is gone).
    pub async fn recv(&mut self) -> StopRequest {
        match self.rx.recv().await {
            Some(request) => request,
            None => std::future::pending().await,
        }
    }
}
