//! The teardown hook that deletes the container group the entrypoint runs in.

use aci_lifecycle::self_delete::{SelfDelete, SelfDeleteOutcome};
use async_trait::async_trait;
use azp_agent::supervise::TeardownHook;

/// Deletes the configured container group; "already gone" counts as done.
pub struct SelfDeleteHook {
    name: String,
    target: SelfDelete,
}

impl SelfDeleteHook {
    /// A hook deleting `target`.
    pub fn new(target: SelfDelete) -> Self {
        SelfDeleteHook {
            name: format!("delete container group {}", target.target()),
            target,
        }
    }
}

#[async_trait]
impl TeardownHook for SelfDeleteHook {
    fn name(&self) -> &str {
        &self.name
    }

    async fn teardown(&self) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        match self.target.run().await? {
            SelfDeleteOutcome::Accepted => tracing::info!("container group deletion accepted"),
            SelfDeleteOutcome::AlreadyGone => tracing::info!("container group already gone"),
            other => tracing::info!(?other, "container group deletion"),
        }
        Ok(())
    }
}
