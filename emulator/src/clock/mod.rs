//! The emulator's notion of time: the real clock plus an offset that the admin API can move
//! forward (`POST /clock/advance`), so that tests make operations finish and tokens expire
//! without waiting.

mod format;

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use time::OffsetDateTime;

pub(crate) use format::{arm_expiry, entra_timestamp, rfc3339, routing_stamp};

/// How far the clock may be moved forward in total (100 years).
pub(crate) const MAX_OFFSET: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// Real time plus an offset that only grows.
#[derive(Debug, Default)]
pub(crate) struct Clock {
    offset_ms: AtomicU64,
}

/// Why the clock was not moved.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct TooFar;

impl Clock {
    /// How far the clock has been moved forward.
    pub fn offset(&self) -> Duration {
        Duration::from_millis(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Now, in UTC.
    pub fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc() + self.offset()
    }

    /// Now, on the monotonic clock.
    pub fn instant(&self) -> Instant {
        Instant::now() + self.offset()
    }

    /// Now, as Unix seconds.
    pub fn unix_now(&self) -> i64 {
        self.now().unix_timestamp()
    }

    /// Moves the clock forward by `by`, unless the total would exceed [`MAX_OFFSET`].
    pub fn advance(&self, by: Duration) -> Result<Duration, TooFar> {
        let by_ms = u64::try_from(by.as_millis()).map_err(|_| TooFar)?;
        let max_ms = u64::try_from(MAX_OFFSET.as_millis()).unwrap_or(u64::MAX);
        let previous = self
            .offset_ms
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |current| {
                current.checked_add(by_ms).filter(|total| *total <= max_ms)
            })
            .map_err(|_| TooFar)?;
        Ok(Duration::from_millis(previous + by_ms))
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::{Clock, MAX_OFFSET, TooFar};

    #[test]
    fn advancing_moves_both_clocks_forward() {
        let clock = Clock::default();
        let real = Instant::now();
        let wall = time::OffsetDateTime::now_utc();
        assert_eq!(clock.advance(Duration::from_secs(3600)), Ok(Duration::from_secs(3600)));
        assert!(clock.instant() >= real + Duration::from_secs(3600));
        assert!(clock.now() >= wall + Duration::from_secs(3600));
        assert_eq!(
            clock.advance(Duration::from_millis(1500)),
            Ok(Duration::from_millis(3_601_500))
        );
    }

    #[test]
    fn the_offset_is_bounded() {
        let clock = Clock::default();
        assert_eq!(clock.advance(MAX_OFFSET + Duration::from_secs(1)), Err(TooFar));
        assert_eq!(clock.advance(Duration::MAX), Err(TooFar));
        assert_eq!(clock.offset(), Duration::ZERO);
        assert_eq!(clock.advance(MAX_OFFSET), Ok(MAX_OFFSET));
        assert_eq!(clock.advance(Duration::from_millis(1)), Err(TooFar));
    }
}
