//! Progress of a long transfer: an indicatif bar when stderr is a terminal, else a `tracing`
//! line every few seconds.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Receives the progress of a transfer. Implementations must be cheap: `advance` is called
/// once per block.
pub trait Progress: Send + Sync {
    /// `bytes` more were transferred.
    fn advance(&self, bytes: u64);
    /// The transfer ended (successfully).
    fn finish(&self);
}

/// The progress display for a transfer of `total` bytes (if known) named `label`: an indicatif
/// bar when stderr is a terminal, else [`LogProgress`].
pub fn default_progress(label: &str, total: Option<u64>) -> Box<dyn Progress> {
    if std::io::stderr().is_terminal() {
        let bar = match total {
            Some(total) => indicatif::ProgressBar::new(total),
            None => indicatif::ProgressBar::no_length(),
        };
        if let Ok(style) = indicatif::ProgressStyle::with_template(
            "{msg} [{bar:30}] {binary_bytes}/{binary_total_bytes} {binary_bytes_per_sec}",
        ) {
            bar.set_style(style);
        }
        bar.set_message(label.to_owned());
        Box::new(BarProgress(bar))
    } else {
        Box::new(LogProgress::new(label, Duration::from_secs(5)))
    }
}

struct BarProgress(indicatif::ProgressBar);

impl Progress for BarProgress {
    fn advance(&self, bytes: u64) {
        self.0.inc(bytes);
    }

    fn finish(&self) {
        self.0.finish();
    }
}

/// Progress as `tracing` info lines (bytes so far and rate), at most one per `every`, and one
/// at the end.
#[derive(Debug)]
pub struct LogProgress {
    label: String,
    every: Duration,
    started: Instant,
    last: Mutex<Instant>,
    bytes: AtomicU64,
}

impl LogProgress {
    /// Lines for `label`, at most one per `every`.
    pub fn new(label: &str, every: Duration) -> Self {
        let now = Instant::now();
        Self {
            label: label.to_owned(),
            every,
            started: now,
            last: Mutex::new(now),
            bytes: AtomicU64::new(0),
        }
    }

    fn line(&self, done: bool) {
        let bytes = self.bytes.load(Ordering::Relaxed);
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = bytes as f64 / seconds / (1024.0 * 1024.0);
        let state = if done { "done" } else { "in progress" };
        tracing::info!(label = %self.label, bytes, rate_mib_s = format!("{rate:.1}"), "transfer {state}");
    }
}

impl Progress for LogProgress {
    fn advance(&self, bytes: u64) {
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
        let mut last = self.last.lock().expect("progress lock");
        if last.elapsed() >= self.every {
            *last = Instant::now();
            drop(last);
            self.line(false);
        }
    }

    fn finish(&self) {
        self.line(true);
    }
}
