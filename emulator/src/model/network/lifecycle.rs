//! The lifecycle of a `Microsoft.Network` resource or child resource: a write is a long-running
//! operation (`Updating` until it completes, then `Succeeded`, as Network reports both creations
//! and updates), a DELETE answered 202 leaves it `Deleting` until its operation completes, then
//! it is gone.

use std::time::Instant;

use crate::model::resource_groups::Deletion;

/// Where a resource is in its lifecycle.
#[derive(Clone, Debug)]
pub(crate) struct Lifecycle {
    /// When its last write completes (`Updating` before, `Succeeded` after).
    pub ready_at: Instant,
    /// The deletion in progress (a DELETE answered 202), if any.
    pub deletion: Option<Deletion>,
}

impl Lifecycle {
    /// A resource whose write completes at `ready_at`.
    pub fn ready_at(ready_at: Instant) -> Self {
        Lifecycle {
            ready_at,
            deletion: None,
        }
    }

    /// `provisioningState` at `now`: `Deleting`, `Updating` or `Succeeded`.
    pub fn provisioning_state(&self, now: Instant) -> &'static str {
        if self.deletion.is_some() {
            "Deleting"
        } else if now < self.ready_at {
            "Updating"
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

    use super::Lifecycle;
    use crate::model::resource_groups::Deletion;

    #[test]
    fn states_follow_the_write_and_the_deletion() {
        let now = Instant::now();
        let mut lifecycle = Lifecycle::ready_at(now + Duration::from_secs(1));
        assert_eq!(lifecycle.provisioning_state(now), "Updating");
        assert_eq!(lifecycle.provisioning_state(now + Duration::from_secs(1)), "Succeeded");
        lifecycle.deletion = Some(Deletion {
            operation_id: "op".into(),
            until: now + Duration::from_secs(5),
        });
        assert_eq!(lifecycle.provisioning_state(now + Duration::from_secs(2)), "Deleting");
        assert!(!lifecycle.is_gone(now + Duration::from_secs(4)));
        assert!(lifecycle.is_gone(now + Duration::from_secs(5)));
    }
}
