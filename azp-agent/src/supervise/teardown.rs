//! Teardown hooks: what the caller wants done after the agent is unregistered (delete the
//! container group it runs in, release a lease...).

use async_trait::async_trait;

/// A step of the cleanup that the caller provides. Hooks run in order, whatever the outcome,
/// concurrently with the agent's unregistration (they are independent, and a stop budget must
/// fit both): they start once the unregistration is done, or one second after it started if
/// it is slower, so that a hook that ends this process (deleting its own container) usually
/// comes last. Each is bounded by
/// [`SuperviseOptions::cleanup_step_timeout`](super::SuperviseOptions::cleanup_step_timeout)
/// and by the stop budget. They must be idempotent: cleanup may run again after a crash.
#[async_trait]
pub trait TeardownHook: Send + Sync {
    /// A short name for logs and the cleanup report.
    fn name(&self) -> &str;

    /// Does the teardown.
    async fn teardown(&self) -> Result<(), Box<dyn std::error::Error + Send + Sync>>;
}
