//! The stop budget: from the first stop request (SIGTERM, SIGINT, the job time limit) to the
//! end of the run, everything (the job's grace period, ending what the job left, every
//! cleanup step) fits in [`SuperviseOptions::stop_timeout`](super::SuperviseOptions::stop_timeout).

use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

/// The part of the budget kept for the cleanup after the job's grace period: 5 s, but at most
/// half of the budget. Unregistering and deleting the container group are two REST calls,
/// sent concurrently; 5 s covers a token refresh and a retry of each.
pub(crate) const CLEANUP_RESERVE: Duration = Duration::from_secs(5);

/// The budget, shared by the phases of a run.
#[derive(Clone, Debug)]
pub(crate) struct StopBudget {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    total: Duration,
    state: Mutex<State>,
    changed: Notify,
}

#[derive(Debug, Default)]
struct State {
    started: Option<Instant>,
    requests: u32,
}

impl StopBudget {
    /// A budget of `total`, not started.
    pub fn new(total: Duration) -> Self {
        StopBudget {
            inner: Arc::new(Inner {
                total,
                state: Mutex::new(State::default()),
                changed: Notify::new(),
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.inner.state.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Records a stop request; the first one starts the budget, a second one makes the stop
    /// urgent (see [`StopBudget::is_urgent`]).
    pub fn request(&self) {
        {
            let mut state = self.state();
            state.requests += 1;
            state.started.get_or_insert_with(Instant::now);
        }
        self.inner.changed.notify_waiters();
    }

    /// Whether a second request came: skip the grace period and every step that is not needed
    /// to leave nothing behind.
    pub fn is_urgent(&self) -> bool {
        self.state().requests >= 2
    }

    /// When the run must have ended, once a stop was requested.
    pub fn deadline(&self) -> Option<Instant> {
        let started = self.state().started?;
        Some(checked_add(started, self.inner.total))
    }

    /// The cleanup's share of the budget.
    fn reserve(&self) -> Duration {
        CLEANUP_RESERVE.min(self.inner.total / 2)
    }

    /// The longest grace period the job can get within the budget.
    pub fn max_grace(&self) -> Duration {
        self.inner.total.saturating_sub(self.reserve())
    }

    /// When the job's grace period of `grace` ends: `grace` after the first request, but early
    /// enough to leave the cleanup its share. `None` before any request.
    pub fn grace_deadline(&self, grace: Duration) -> Option<Instant> {
        let started = self.state().started?;
        Some(checked_add(started, grace.min(self.max_grace())))
    }

    /// Resolves once the budget is spent (never, if no stop is requested).
    pub async fn expired(&self) {
        loop {
            let changed = self.inner.changed.notified();
            tokio::pin!(changed);
            changed.as_mut().enable();
            match self.deadline() {
                Some(deadline) => tokio::select! {
                    () = tokio::time::sleep_until(deadline) => return,
                    () = &mut changed => {}
                },
                None => changed.await,
            }
        }
    }
}

/// `at + by`, or a far future when that overflows.
pub(crate) fn checked_add(at: Instant, by: Duration) -> Instant {
    at.checked_add(by)
        .unwrap_or_else(|| at + Duration::from_secs(100 * 365 * 24 * 3600))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_starts_at_the_first_request_and_keeps_a_share_for_cleanup() {
        let budget = StopBudget::new(Duration::from_secs(25));
        assert_eq!(budget.deadline(), None);
        assert_eq!(budget.grace_deadline(Duration::from_secs(60)), None);
        let before = Instant::now();
        budget.request();
        let start = budget.deadline().unwrap() - Duration::from_secs(25);
        assert!(start >= before && start <= Instant::now());
        assert!(!budget.is_urgent());
        // The job's grace is cut so that the cleanup keeps 5 s.
        assert_eq!(
            budget.grace_deadline(Duration::from_secs(60)),
            Some(start + Duration::from_secs(20))
        );
        assert_eq!(
            budget.grace_deadline(Duration::from_secs(3)),
            Some(start + Duration::from_secs(3))
        );
        budget.request();
        assert!(budget.is_urgent());
        // A second request does not move the deadline.
        assert_eq!(budget.deadline(), Some(start + Duration::from_secs(25)));
        // A small budget is shared in half.
        assert_eq!(
            StopBudget::new(Duration::from_secs(6)).max_grace(),
            Duration::from_secs(3)
        );
    }

    #[tokio::test]
    async fn expired_waits_for_a_request_then_for_the_deadline() {
        let budget = StopBudget::new(Duration::from_millis(200));
        let waiter = tokio::spawn({
            let budget = budget.clone();
            async move {
                budget.expired().await;
                Instant::now()
            }
        });
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert!(!waiter.is_finished(), "expired before any request");
        budget.request();
        let at = waiter.await.unwrap();
        assert!(at >= budget.deadline().unwrap());
    }

    #[test]
    fn huge_durations_do_not_overflow() {
        let now = Instant::now();
        assert!(checked_add(now, Duration::MAX) > now);
        let budget = StopBudget::new(Duration::MAX);
        budget.request();
        assert!(budget.deadline().is_some());
    }
}
