//! One way to wait, in the smithy-rs style: poll an operation with a growing delay between
//! `min_delay` and `max_delay` (with jitter), until an acceptor says success or failure, or
//! `max_wait` passes; time comes from the project's [`Clock`].

use crate::clock::Clock;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// How far a jittered delay may stray from the exponential one, either way (20 %).
const JITTER: f64 = 0.2;

/// An exponential back-off: `min_delay`, doubled at each attempt, at most `max_delay`.
///
/// With `jitter`, each delay is the exponential one times a random factor in 0.8..=1.2, kept
/// within `min_delay..=max_delay`, so that clients that failed together do not retry together.
/// Every computation saturates: no delay, however large, panics or wraps.
///
/// ```
/// use arm_core::Backoff;
/// use std::time::Duration;
///
/// let backoff = Backoff { min_delay: Duration::from_secs(1), max_delay: Duration::from_secs(5), jitter: false };
/// let delays: Vec<u64> = (0..5).map(|attempt| backoff.delay(attempt).as_secs()).collect();
/// assert_eq!(delays, [1, 2, 4, 5, 5]);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Backoff {
    /// The first delay (attempt 0).
    pub min_delay: Duration,
    /// The longest delay; when it is shorter than `min_delay`, every delay is `max_delay`.
    pub max_delay: Duration,
    /// Whether delays are jittered.
    pub jitter: bool,
}

impl Backoff {
    /// The delay after attempt `attempt` (0 for the first): `min_delay · 2^attempt`, at most
    /// `max_delay`, jittered if asked.
    pub fn delay(&self, attempt: u32) -> Duration {
        let exponential = self
            .min_delay
            .saturating_mul(2u32.saturating_pow(attempt))
            .min(self.max_delay);
        if !self.jitter {
            return exponential;
        }
        let factor = 1.0 - JITTER + fastrand::f64() * 2.0 * JITTER;
        let jittered = Duration::try_from_secs_f64(exponential.as_secs_f64() * factor).unwrap_or(exponential);
        jittered.clamp(self.min_delay.min(self.max_delay), self.max_delay)
    }
}

/// How a [`Waiter`] polls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WaiterOptions {
    /// The first delay between two polls.
    pub min_delay: Duration,
    /// The longest delay between two polls.
    pub max_delay: Duration,
    /// The longest the whole wait may take: no sleep ends after it, and a last poll is made at
    /// it.
    pub max_wait: Duration,
    /// Whether delays are jittered (see [`Backoff`]); turn it off to get an exact schedule.
    pub jitter: bool,
}

impl Default for WaiterOptions {
    /// 2 s, doubled up to 30 s, for at most 10 minutes, jittered.
    fn default() -> Self {
        Self {
            min_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(30),
            max_wait: Duration::from_secs(600),
            jitter: true,
        }
    }
}

impl WaiterOptions {
    /// The back-off between polls.
    pub fn backoff(&self) -> Backoff {
        Backoff {
            min_delay: self.min_delay,
            max_delay: self.max_delay,
            jitter: self.jitter,
        }
    }
}

/// What an acceptor decides about one poll.
#[derive(Clone, Debug, PartialEq)]
pub enum Acceptance<T> {
    /// The wait is over, successfully, with this result.
    Success(T),
    /// The wait is over: what is waited for will not happen, for this reason.
    Failure(String),
    /// Not yet: poll again later.
    Retry,
}

/// Why a wait ended without success, with the last poll's result, so that the caller can build
/// its own error from it (the state last seen, the error the service answered).
#[derive(Debug)]
pub enum WaitError<T, E> {
    /// The acceptor answered [`Acceptance::Failure`] to the last poll.
    Failed {
        /// The acceptor's reason.
        reason: String,
        /// What the last poll returned.
        last: Result<T, E>,
    },
    /// `max_wait` passed while the acceptor kept answering [`Acceptance::Retry`].
    TimedOut {
        /// The maximum wait that passed.
        after: Duration,
        /// What the last poll (made at `max_wait`) returned.
        last: Result<T, E>,
    },
}

/// Polls an operation until an acceptor says success or failure, or the maximum wait passes.
///
/// The acceptor sees each poll's `Result`, so that an error can be an answer: a 404 can mean
/// "deleted" (success), a 429 "try again" (retry).
///
/// ```
/// use arm_core::{Acceptance, TokioClock, Waiter, WaiterOptions};
/// use std::sync::Arc;
/// use std::time::Duration;
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() {
/// let options = WaiterOptions { min_delay: Duration::from_millis(1), max_wait: Duration::from_secs(1), ..Default::default() };
/// let waiter = Waiter::new(options, Arc::new(TokioClock));
/// let mut polls = 0;
/// // Gone after three polls: the third answers "not found", which means deleted.
/// let deleted = waiter
///     .wait(
///         || {
///             polls += 1;
///             std::future::ready(if polls < 3 { Ok("Deleting") } else { Err(404) })
///         },
///         |result: Result<&&str, &u16>| match result {
///             Err(404) => Acceptance::Success(()),
///             Err(status) => Acceptance::Failure(format!("HTTP {status}")),
///             Ok(_) => Acceptance::Retry,
///         },
///     )
///     .await;
/// assert!(deleted.is_ok());
/// assert_eq!(polls, 3);
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct Waiter {
    options: WaiterOptions,
    clock: Arc<dyn Clock>,
}

impl Waiter {
    /// A waiter polling as `options` say, on `clock`.
    pub fn new(options: WaiterOptions, clock: Arc<dyn Clock>) -> Self {
        Self { options, clock }
    }

    /// The options of this waiter.
    pub fn options(&self) -> &WaiterOptions {
        &self.options
    }

    /// Calls `poll` and shows its result to `acceptor` until the acceptor answers success or
    /// failure. Between two polls it sleeps the [`Backoff`] of its options, cut so that no sleep
    /// ends after `max_wait` (counted from the first poll); after a poll at or past `max_wait`
    /// that the acceptor answers [`Acceptance::Retry`], the wait ends with
    /// [`WaitError::TimedOut`].
    pub async fn wait<T, E, R, F>(
        &self,
        mut poll: impl FnMut() -> F,
        mut acceptor: impl FnMut(Result<&T, &E>) -> Acceptance<R>,
    ) -> Result<R, WaitError<T, E>>
    where
        F: Future<Output = Result<T, E>>,
    {
        let backoff = self.options.backoff();
        let started = self.clock.now();
        let mut attempt = 0u32;
        loop {
            let last = poll().await;
            match acceptor(last.as_ref()) {
                Acceptance::Success(result) => return Ok(result),
                Acceptance::Failure(reason) => return Err(WaitError::Failed { reason, last }),
                Acceptance::Retry => {}
            }
            let elapsed = self.clock.now().saturating_duration_since(started);
            let left = self.options.max_wait.saturating_sub(elapsed);
            if left.is_zero() {
                return Err(WaitError::TimedOut {
                    after: self.options.max_wait,
                    last,
                });
            }
            drop(last);
            self.clock.sleep(backoff.delay(attempt).min(left)).await;
            attempt = attempt.saturating_add(1);
        }
    }
}

#[cfg(all(test, feature = "test-support"))]
mod tests {
    use super::*;
    use crate::test_support::ManualClock;
    use std::collections::VecDeque;

    fn secs(values: &[u64]) -> Vec<Duration> {
        values.iter().copied().map(Duration::from_secs).collect()
    }

    fn exact(min: u64, max: u64, max_wait: u64) -> WaiterOptions {
        WaiterOptions {
            min_delay: Duration::from_secs(min),
            max_delay: Duration::from_secs(max),
            max_wait: Duration::from_secs(max_wait),
            jitter: false,
        }
    }

    /// A poll that returns `script` in order, repeating the last.
    fn scripted<T: Clone, E: Clone>(script: Vec<Result<T, E>>) -> impl FnMut() -> std::future::Ready<Result<T, E>> {
        let mut left: VecDeque<_> = script.into();
        move || {
            let next = if left.len() > 1 {
                left.pop_front()
            } else {
                left.front().cloned()
            };
            std::future::ready(next.expect("a scripted result"))
        }
    }

    /// Success on "Running", failure on "Failed", retry otherwise; errors fail.
    fn running(result: Result<&&str, &u16>) -> Acceptance<&'static str> {
        match result {
            Ok(&"Running") => Acceptance::Success("running"),
            Ok(&"Failed") => Acceptance::Failure("the group failed".to_owned()),
            Ok(_) => Acceptance::Retry,
            Err(status) => Acceptance::Failure(format!("HTTP {status}")),
        }
    }

    #[tokio::test]
    async fn success_after_retries_with_a_doubling_capped_delay() {
        let clock = ManualClock::new();
        let waiter = Waiter::new(exact(2, 5, 60), clock.clone());
        let poll = scripted(vec![Ok("Pending"), Ok("Pending"), Ok("Pending"), Ok("Running")]);
        assert_eq!(waiter.wait(poll, running).await.unwrap(), "running");
        assert_eq!(clock.sleeps(), secs(&[2, 4, 5]));
    }

    #[tokio::test]
    async fn failure_ends_the_wait_with_the_reason_and_the_last_value() {
        let clock = ManualClock::new();
        let waiter = Waiter::new(exact(2, 5, 60), clock.clone());
        let poll = scripted(vec![Ok("Pending"), Ok("Failed")]);
        match waiter.wait(poll, running).await {
            Err(WaitError::Failed { reason, last }) => {
                assert_eq!(reason, "the group failed");
                assert_eq!(last, Ok("Failed"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(clock.sleeps(), secs(&[2]));
    }

    #[tokio::test]
    async fn an_error_the_acceptor_retries_is_polled_again() {
        let clock = ManualClock::new();
        let waiter = Waiter::new(exact(1, 1, 60), clock.clone());
        let poll = scripted(vec![Err(429u16), Err(503), Ok("Running")]);
        let outcome = waiter
            .wait(poll, |result: Result<&&str, &u16>| match result {
                Err(429 | 503) => Acceptance::Retry,
                other => running(other),
            })
            .await;
        assert_eq!(outcome.unwrap(), "running");
        assert_eq!(clock.sleeps(), secs(&[1, 1]));
    }

    #[tokio::test]
    async fn a_404_can_mean_deleted() {
        let clock = ManualClock::new();
        let waiter = Waiter::new(exact(3, 10, 60), clock.clone());
        let poll = scripted(vec![Ok("Deleting"), Ok("Deleting"), Err(404u16)]);
        let deleted = waiter
            .wait(poll, |result: Result<&&str, &u16>| match result {
                Err(404) => Acceptance::Success(()),
                Err(status) => Acceptance::Failure(format!("HTTP {status}")),
                Ok(_) => Acceptance::Retry,
            })
            .await;
        assert!(deleted.is_ok());
        assert_eq!(clock.sleeps(), secs(&[3, 6]));
        let other_error = Waiter::new(exact(3, 10, 60), ManualClock::new())
            .wait(scripted(vec![Err::<&str, u16>(403)]), running)
            .await;
        assert!(
            matches!(&other_error, Err(WaitError::Failed { reason, last: Err(403) }) if reason == "HTTP 403"),
            "{other_error:?}"
        );
    }

    #[tokio::test]
    async fn max_wait_ends_the_wait_after_a_last_poll_at_max_wait() {
        let clock = ManualClock::new();
        let waiter = Waiter::new(exact(2, 5, 20), clock.clone());
        let mut polls = 0;
        let outcome = waiter
            .wait(
                || {
                    polls += 1;
                    std::future::ready(Ok::<_, u16>("Pending"))
                },
                running,
            )
            .await;
        assert!(
            matches!(outcome, Err(WaitError::TimedOut { after, last: Ok("Pending") }) if after == Duration::from_secs(20))
        );
        assert_eq!(
            clock.sleeps(),
            secs(&[2, 4, 5, 5, 4]),
            "the last sleep ends at max_wait"
        );
        assert_eq!(clock.elapsed(), Duration::from_secs(20));
        assert_eq!(polls, 6);
    }

    #[tokio::test]
    async fn a_zero_max_wait_polls_once() {
        let clock = ManualClock::new();
        let outcome = Waiter::new(exact(2, 5, 0), clock.clone())
            .wait(scripted(vec![Ok::<_, u16>("Pending")]), running)
            .await;
        assert!(matches!(outcome, Err(WaitError::TimedOut { .. })));
        assert!(clock.sleeps().is_empty());
    }

    #[tokio::test]
    async fn huge_delays_are_clamped_to_max_wait_without_overflow() {
        let clock = ManualClock::new();
        let options = WaiterOptions {
            min_delay: Duration::MAX,
            max_delay: Duration::MAX,
            max_wait: Duration::from_secs(3 * 86_400),
            jitter: true,
        };
        let outcome = Waiter::new(options, clock.clone())
            .wait(scripted(vec![Ok::<_, u16>("Pending")]), running)
            .await;
        assert!(matches!(outcome, Err(WaitError::TimedOut { .. })));
        assert_eq!(clock.sleeps(), secs(&[3 * 86_400]));
        let huge = Backoff {
            min_delay: Duration::MAX,
            max_delay: Duration::MAX,
            jitter: true,
        };
        for attempt in [0, 1, 31, 32, 64, u32::MAX] {
            assert_eq!(huge.delay(attempt), Duration::MAX, "{attempt}");
        }
        let big_attempts = Backoff {
            min_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(30),
            jitter: false,
        };
        assert_eq!(big_attempts.delay(u32::MAX), Duration::from_secs(30));
        let unbounded_wait = Waiter::new(
            WaiterOptions {
                max_wait: Duration::MAX,
                ..exact(1, 1, 0)
            },
            clock.clone(),
        );
        assert_eq!(
            unbounded_wait
                .wait(scripted(vec![Ok::<_, u16>("Pending"), Ok("Running")]), running)
                .await
                .unwrap(),
            "running"
        );
    }

    #[test]
    fn jitter_stays_within_20_percent_and_within_min_and_max() {
        let backoff = Backoff {
            min_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(1),
            jitter: true,
        };
        let mut seen = std::collections::BTreeSet::new();
        for _ in 0..500 {
            let first = backoff.delay(0);
            assert!(
                first >= Duration::from_millis(100) && first <= Duration::from_millis(120),
                "{first:?}"
            );
            let third = backoff.delay(2);
            assert!(
                third >= Duration::from_millis(320) && third <= Duration::from_millis(480),
                "{third:?}"
            );
            let late = backoff.delay(10);
            assert!(
                late >= Duration::from_millis(800) && late <= Duration::from_secs(1),
                "{late:?}"
            );
            seen.insert(third);
        }
        assert!(seen.len() > 1, "jitter varies the delay");
    }

    #[test]
    fn a_max_delay_below_min_delay_wins() {
        for jitter in [false, true] {
            let backoff = Backoff {
                min_delay: Duration::from_secs(10),
                max_delay: Duration::from_secs(3),
                jitter,
            };
            assert_eq!(backoff.delay(0), Duration::from_secs(3));
            assert_eq!(backoff.delay(5), Duration::from_secs(3));
        }
    }
}
