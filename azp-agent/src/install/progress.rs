//! Install options and progress reports.

use std::fmt;
use std::sync::Arc;

/// How far the download of the package is, reported after each chunk of the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// Bytes of the body received so far.
    pub bytes: u64,
    /// The size of the body (its Content-Length), if known.
    pub total: Option<u64>,
}

impl Progress {
    /// The part received, from 0.0 to 1.0, if the total is known (and not zero).
    pub fn fraction(&self) -> Option<f64> {
        match self.total {
            Some(total) if total > 0 => Some((self.bytes as f64 / total as f64).min(1.0)),
            _ => None,
        }
    }
}

/// Options of [`install_stream`](super::install_stream).
///
/// ```
/// use azp_agent::install::InstallOptions;
///
/// let options = InstallOptions::default()
///     .with_total(Some(120_000_000))
///     .with_progress(|p| eprintln!("{} of {:?} bytes", p.bytes, p.total));
/// # let _ = options;
/// ```
#[derive(Clone, Default)]
pub struct InstallOptions {
    /// Called after each chunk of the body with the bytes received so far, e.g. to draw a progress bar.
    /// It runs on the async task: keep it short.
    pub progress: Option<Arc<dyn Fn(Progress) + Send + Sync>>,
    /// The size of the body (its Content-Length), if known; passed on in each [`Progress`].
    pub total: Option<u64>,
}

impl InstallOptions {
    /// These options with `progress` called after each chunk.
    pub fn with_progress(mut self, progress: impl Fn(Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// These options with the size of the body.
    pub fn with_total(mut self, total: Option<u64>) -> Self {
        self.total = total;
        self
    }

    pub(super) fn report(&self, bytes: u64) {
        if let Some(progress) = &self.progress {
            progress(Progress {
                bytes,
                total: self.total,
            });
        }
    }
}

impl fmt::Debug for InstallOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("InstallOptions")
            .field("progress", &self.progress.as_ref().map(|_| "Fn(Progress)"))
            .field("total", &self.total)
            .finish()
    }
}
