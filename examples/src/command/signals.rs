//! SIGTERM and SIGINT (a canceled pipeline: Azure Pipelines and GitHub Actions send SIGINT,
//! then SIGTERM) as the cancellation input of a flow, remembering which came first for the exit
//! code (128 + the signal number).

use super::exit;
use std::sync::Arc;
use std::sync::atomic::{AtomicU8, Ordering};
use tokio::signal::unix::{SignalKind, signal};

/// The signals, listened to from creation on.
pub(crate) struct Stop {
    terminate: tokio::signal::unix::Signal,
    interrupt: tokio::signal::unix::Signal,
    received: Arc<AtomicU8>,
}

/// Which signal stopped the flow, once one did.
#[derive(Clone)]
pub(crate) struct Received(Arc<AtomicU8>);

impl Received {
    /// The exit code of the signal received (130 or 143), if any.
    pub fn exit_code(&self) -> Option<u8> {
        match self.0.load(Ordering::SeqCst) {
            0 => None,
            code => Some(code),
        }
    }
}

impl Stop {
    /// Starts listening; from now on the signals no longer end the process.
    pub fn listen() -> std::io::Result<(Stop, Received)> {
        let received = Arc::new(AtomicU8::new(0));
        let stop = Stop {
            terminate: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
            received: received.clone(),
        };
        Ok((stop, Received(received)))
    }

    /// Resolves at the first SIGTERM or SIGINT, after printing `<signal> received: <next>`
    /// (`next` says what the tool does now, e.g. `canceling the run`).
    pub async fn wait(mut self, next: &str) {
        let (name, code) = tokio::select! {
            _ = self.terminate.recv() => ("SIGTERM", exit::SIGTERM),
            _ = self.interrupt.recv() => ("SIGINT", exit::SIGINT),
        };
        self.received.store(code, Ordering::SeqCst);
        println!("{name} received: {next}");
    }
}
