//! What a supervised run did, and the exit code an entrypoint should return.

use super::stop::StopRequest;
use crate::models::TaskResult;
use crate::process::ExitKind;
use std::time::Duration;

/// How the run ended.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RunEnd {
    /// The listener finished its run (exit code 0).
    Completed,
    /// The input was invalid; nothing was touched.
    InvalidInput(String),
    /// Installing or registering the agent failed.
    SetupFailed(String),
    /// The listener ended with a terminating error or a crash.
    ListenerFailed(ExitKind),
    /// The listener kept exiting with "retryable" (2) beyond the allowed restarts.
    RetriesExhausted,
    /// The listener kept updating itself (3 or 4) beyond the allowed restarts, or the updated
    /// listener did not appear.
    UpdateFailed(String),
    /// A stop was requested (SIGTERM, SIGINT).
    Stopped(StopRequest),
    /// The job time limit was reached.
    TimeLimit,
}

/// The result of one cleanup step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum StepResult {
    /// Done.
    Done,
    /// Not needed, with the reason.
    Skipped(String),
    /// Failed, with the error.
    Failed(String),
}

/// One cleanup step.
#[derive(Clone, Debug)]
pub struct CleanupStep {
    /// What the step was (`config.sh remove`, `delete agent (REST)`, a hook's name).
    pub name: String,
    /// Its result.
    pub result: StepResult,
    /// How long it took.
    pub elapsed: Duration,
}

/// What the cleanup did.
#[derive(Clone, Debug, Default)]
pub struct CleanupReport {
    /// The steps, in order.
    pub steps: Vec<CleanupStep>,
    /// Whether the agent is known to be gone from the pool (or was never registered).
    pub agent_removed: bool,
}

impl CleanupReport {
    /// Whether every step succeeded or was skipped.
    pub fn all_ok(&self) -> bool {
        self.steps.iter().all(|s| !matches!(s.result, StepResult::Failed(_)))
    }
}

/// The outcome of a supervised run.
#[derive(Clone, Debug)]
pub struct Outcome {
    /// How the run ended.
    pub end: RunEnd,
    /// The listener's last exit, if it ran.
    pub last_listener_exit: Option<ExitKind>,
    /// Restarts after "retryable" exits (2).
    pub retries: u32,
    /// Restarts after self-updates (3, 4).
    pub updates: u32,
    /// The result of the job the agent ran, as Azure DevOps recorded it, if it ran one.
    pub job_result: Option<TaskResult>,
    /// What the cleanup did.
    pub cleanup: CleanupReport,
}

impl Outcome {
    /// The exit code for an entrypoint:
    ///
    /// | code | meaning |
    /// |---|---|
    /// | 0 | the listener finished its run and the agent was removed |
    /// | 1 | the listener failed: exit 1, a crash, too many retryable exits or updates |
    /// | 2 | invalid input: nothing was touched |
    /// | 3 | setup failed: install or registration |
    /// | 4 | cleanup failed: the agent may still be in the pool, or a teardown hook failed |
    /// | 124 | the job time limit was reached |
    /// | 130 | stopped by SIGINT |
    /// | 143 | stopped by SIGTERM |
    ///
    /// A failed cleanup (4) takes precedence over every code but 2. The job's own result
    /// (succeeded, failed) does not change the code: it is in [`Outcome::job_result`].
    pub fn exit_code(&self) -> i32 {
        if let RunEnd::InvalidInput(_) = self.end {
            return 2;
        }
        if !self.cleanup.agent_removed || !self.cleanup.all_ok() {
            return 4;
        }
        match &self.end {
            RunEnd::Completed => 0,
            RunEnd::InvalidInput(_) => 2,
            RunEnd::SetupFailed(_) => 3,
            RunEnd::ListenerFailed(_) | RunEnd::RetriesExhausted | RunEnd::UpdateFailed(_) => 1,
            RunEnd::Stopped(request) => request.exit_code(),
            RunEnd::TimeLimit => 124,
        }
    }
}
