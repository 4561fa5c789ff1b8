//! Options of a supervised run.

use std::time::Duration;

/// How the listener is supervised. The defaults suit a container.
#[derive(Clone, Debug)]
pub struct SuperviseOptions {
    /// The stop budget: from the first stop request (SIGTERM, SIGINT, the job time limit) to
    /// the end of the run, at most this long (default 25 s). The job's grace period and every
    /// cleanup step come out of it; the cleanup keeps 5 s of it (at most half). Container
    /// platforms kill a container some time after SIGTERM: Docker after 10 s
    /// (`docker stop -t`), Kubernetes after 30 s (`terminationGracePeriodSeconds`); 25 s fits
    /// the latter. Set it under the platform's delay.
    pub stop_timeout: Duration,
    /// How long the listener gets to cancel its job after SIGINT before it and every process
    /// of the job are killed (default 20 s); cut to what the stop budget leaves after the
    /// cleanup's share. A second stop request ends the wait at once.
    pub grace_period: Duration,
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
    /// How long the agent's updater may take after the listener exited with 3 or 4, until the
    /// updated `bin/Agent.Listener` is in place (default 120 s).
    pub update_wait: Duration,
    /// The bound of each cleanup step when no stop was requested (default 60 s); after a stop
    /// request, the stop budget bounds them.
    pub cleanup_step_timeout: Duration,
    /// Reap every child, orphans included, and end every process the run left behind before
    /// the cleanup (default: only when this process is PID 1). When enabled outside PID 1, the
    /// process becomes a child subreaper (`PR_SET_CHILD_SUBREAPER`) so that whatever the job
    /// detaches (`setsid`, `nohup`, a double fork) is re-parented to it. Enable it only in a
    /// process that owns all its children, such as an entrypoint: every child that is not a
    /// listener of this run is ended.
    pub reap_orphans: Option<bool>,
}

impl SuperviseOptions {
    /// The longest grace period a stop budget of `stop_timeout` leaves the job: the cleanup
    /// keeps 5 s of it, but at most half.
    ///
    /// ```
    /// use azp_agent::supervise::SuperviseOptions;
    /// use std::time::Duration;
    ///
    /// assert_eq!(SuperviseOptions::max_grace_period(Duration::from_secs(25)), Duration::from_secs(20));
    /// assert_eq!(SuperviseOptions::max_grace_period(Duration::from_secs(8)), Duration::from_secs(4));
    /// ```
    pub fn max_grace_period(stop_timeout: Duration) -> Duration {
        super::budget::StopBudget::new(stop_timeout).max_grace()
    }
}

impl Default for SuperviseOptions {
    fn default() -> Self {
        Self {
            stop_timeout: Duration::from_secs(25),
            grace_period: Duration::from_secs(20),
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
