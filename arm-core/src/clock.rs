//! Time as the retry policy and the poller see it, so that tests can drive it instead of sleeping.

use async_trait::async_trait;
use std::fmt::Debug;
use std::time::{Duration, Instant};

/// A source of time: the current instant and a way to wait.
///
/// The default is [`TokioClock`]. Tests use a manual clock (feature `test-support`) whose `sleep`
/// returns at once and advances virtual time, so that deadlines and `Retry-After` intervals are
/// checked without waiting.
#[async_trait]
pub trait Clock: Debug + Send + Sync {
    /// The current instant.
    fn now(&self) -> Instant;
    /// Waits for `duration`.
    async fn sleep(&self, duration: Duration);
}

/// The real clock: `Instant::now` and `tokio::time::sleep`.
#[derive(Debug, Default, Clone, Copy)]
pub struct TokioClock;

#[async_trait]
impl Clock for TokioClock {
    fn now(&self) -> Instant {
        Instant::now()
    }

    async fn sleep(&self, duration: Duration) {
        tokio::time::sleep(duration).await;
    }
}
