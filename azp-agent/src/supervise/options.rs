//! Options of a supervised run.

use std::time::Duration;

/// How the listener is supervised. The defaults suit a container.
#[derive(Clone, Debug)]
pub struct SuperviseOptions {
    /// How long the listener gets to cancel its job after SIGINT before its process group is
    /// killed (default 25 s, under the 30 s most runtimes wait after SIGTERM).
    pub grace_period: Duration,
    /// The remaining wait after a second stop request (default 2 s).
    pub second_signal_grace: Duration,
    /// The longest the listener may run in total (default none); then it is stopped as by a
    /// signal and the run ends with [`RunEnd::TimeLimit`](super::RunEnd::TimeLimit).
    pub job_time_limit: Option<Duration>,
    /// Restarts allowed after "retryable" exits (2) (default 5).
    pub max_retries: u32,
    /// First backoff before a restart after 2 (default 1 s), doubled each time.
    pub retry_initial_delay: Duration,
    /// Longest backoff (default 30 s).
    pub retry_max_delay: Duration,
    /// Restarts allowed after self-updates (3, 4) (default 3).
    pub max_updates: u32,
    /// How long to wait for the updated `bin/Agent.Listener` to be executable (default 120 s).
    pub update_wait: Duration,
    /// The bound of each cleanup step (default 60 s).
    pub cleanup_step_timeout: Duration,
    /// Reap every child, orphans included (default: only when this process is PID 1). When
    /// enabled outside PID 1, the process becomes a child subreaper so that orphans of the
    /// job are re-parented to it and ended at cleanup.
    pub reap_orphans: Option<bool>,
}

impl Default for SuperviseOptions {
    fn default() -> Self {
        Self {
            grace_period: Duration::from_secs(25),
            second_signal_grace: Duration::from_secs(2),
            job_time_limit: None,
            max_retries: 5,
            retry_initial_delay: Duration::from_secs(1),
            retry_max_delay: Duration::from_secs(30),
            max_updates: 3,
            update_wait: Duration::from_secs(120),
            cleanup_step_timeout: Duration::from_secs(60),
            reap_orphans: None,
        }
    }
}
