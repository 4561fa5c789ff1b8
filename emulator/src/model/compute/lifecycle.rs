//! The lifecycle every `Microsoft.Compute` resource here shares: created as a long-running
//! operation (`Creating` until it completes, then `Succeeded`), and deleted either at once or,
//! when its DELETE answered 202, `Deleting` until that operation completes, then gone.

use std::time::Instant;

use super::{Gallery, GalleryImage, GalleryImageVersion, ManagedImage};
use crate::model::resource_groups::Deletion;
use crate::model::store::Stored;

/// Where a resource is in its lifecycle.
#[derive(Clone, Debug)]
pub(crate) struct Lifecycle {
    /// When its creation completes (`Creating` before, `Succeeded` after).
    pub ready_at: Instant,
    /// The deletion in progress (a DELETE answered 202), if any.
    pub deletion: Option<Deletion>,
}

impl Lifecycle {
    /// A resource whose creation completes at `ready_at`.
    pub fn ready_at(ready_at: Instant) -> Self {
        Lifecycle {
            ready_at,
            deletion: None,
        }
    }

    /// `provisioningState` at `now`: `Deleting`, `Creating` or `Succeeded`.
    pub fn provisioning_state(&self, now: Instant) -> &'static str {
        if self.deletion.is_some() {
            "Deleting"
        } else if now < self.ready_at {
            "Creating"
        } else {
            "Succeeded"
        }
    }

    /// Whether its deletion has completed at `now`.
    pub fn is_gone(&self, now: Instant) -> bool {
        self.deletion.as_ref().is_some_and(|deletion| deletion.until <= now)
    }
}

/// A `Microsoft.Compute` resource kept in the generic store, with its region and lifecycle.
pub(crate) trait ComputeResource: Stored {
    /// Its region.
    fn location(&self) -> &str;

    /// Where it is in its lifecycle.
    fn lifecycle(&self) -> &Lifecycle;

    /// Where it is in its lifecycle, mutably (a DELETE answered 202 marks its deletion).
    fn lifecycle_mut(&mut self) -> &mut Lifecycle;
}

/// Implements [`ComputeResource`] for types with `location: String` and `lifecycle: Lifecycle`.
macro_rules! compute_resources {
    ($($kind:ty),* $(,)?) => {
        $(impl ComputeResource for $kind {
            fn location(&self) -> &str {
                &self.location
            }

            fn lifecycle(&self) -> &Lifecycle {
                &self.lifecycle
            }

            fn lifecycle_mut(&mut self) -> &mut Lifecycle {
                &mut self.lifecycle
            }
        })*
    };
}

compute_resources!(Gallery, GalleryImage, GalleryImageVersion, ManagedImage);

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::Lifecycle;
    use crate::model::resource_groups::Deletion;

    #[test]
    fn states_follow_creation_and_deletion() {
        let now = Instant::now();
        let mut lifecycle = Lifecycle::ready_at(now + Duration::from_secs(1));
        assert_eq!(lifecycle.provisioning_state(now), "Creating");
        assert_eq!(lifecycle.provisioning_state(now + Duration::from_secs(1)), "Succeeded");
        assert!(!lifecycle.is_gone(now + Duration::from_secs(100)));
        lifecycle.deletion = Some(Deletion {
            operation_id: "op".into(),
            until: now + Duration::from_secs(5),
        });
        assert_eq!(lifecycle.provisioning_state(now + Duration::from_secs(2)), "Deleting");
        assert!(!lifecycle.is_gone(now + Duration::from_secs(4)));
        assert!(lifecycle.is_gone(now + Duration::from_secs(5)));
    }
}
