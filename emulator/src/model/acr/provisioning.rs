//! The provisioning state the Container Registry resources here share: a write (create or
//! update) is a long-running operation whose state (`Creating`, `Updating`) lasts until it
//! completes on the emulator clock, then `Succeeded`; a DELETE answered 202 shows `Deleting`
//! until its operation completes, then the resource is gone.

use std::time::Instant;

use crate::model::resource_groups::Deletion;

/// The write a resource is going through.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    Creating,
    Updating,
}

impl Phase {
    /// The `provisioningState` value while the write runs.
    pub fn state(self) -> &'static str {
        match self {
            Phase::Creating => "Creating",
            Phase::Updating => "Updating",
        }
    }
}

/// Where a resource is in its lifecycle.
#[derive(Clone, Debug)]
pub(crate) struct Provisioning {
    /// The last write.
    pub phase: Phase,
    /// When that write completes (its state before, `Succeeded` after).
    pub settles_at: Instant,
    /// The deletion in progress (a DELETE answered 202), if any.
    pub deletion: Option<Deletion>,
}

impl Provisioning {
    /// A resource whose creation completes at `settles_at`.
    pub fn creating(settles_at: Instant) -> Self {
        Provisioning {
            phase: Phase::Creating,
            settles_at,
            deletion: None,
        }
    }

    /// Starts an update that completes at `settles_at`.
    pub fn update(&mut self, settles_at: Instant) {
        self.phase = Phase::Updating;
        self.settles_at = settles_at;
    }

    /// `provisioningState` at `now`: `Deleting`, `Creating`, `Updating` or `Succeeded`.
    pub fn state(&self, now: Instant) -> &'static str {
        if self.deletion.is_some() {
            "Deleting"
        } else if now < self.settles_at {
            self.phase.state()
        } else {
            "Succeeded"
        }
    }

    /// Whether its deletion has completed at `now`.
    pub fn is_gone(&self, now: Instant) -> bool {
        self.deletion.as_ref().is_some_and(|deletion| deletion.until <= now)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::Provisioning;
    use crate::model::resource_groups::Deletion;

    #[test]
    fn states_follow_writes_and_deletion() {
        let now = Instant::now();
        let second = Duration::from_secs(1);
        let mut provisioning = Provisioning::creating(now + second);
        assert_eq!(provisioning.state(now), "Creating");
        assert_eq!(provisioning.state(now + second), "Succeeded");
        provisioning.update(now + 3 * second);
        assert_eq!(provisioning.state(now + 2 * second), "Updating");
        assert_eq!(provisioning.state(now + 3 * second), "Succeeded");
        provisioning.deletion = Some(Deletion {
            operation_id: "op".into(),
            until: now + 5 * second,
        });
        assert_eq!(provisioning.state(now + 4 * second), "Deleting");
        assert!(!provisioning.is_gone(now + 4 * second));
        assert!(provisioning.is_gone(now + 5 * second));
    }
}
