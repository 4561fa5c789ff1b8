//! Long-running operations: a table of operations whose status is a function of time.
//!
//! An operation is `InProgress` until its duration has elapsed, then takes its final outcome.
//! Nothing runs in the background: every read computes the status from the clock.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use time::OffsetDateTime;

/// How a finished operation ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Succeeded,
    /// Failed with this error; `status` is the HTTP status of the final `Location` response.
    Failed {
        code: String,
        message: String,
        status: u16,
    },
    Canceled,
}

impl Outcome {
    /// The `status` value of the Azure-AsyncOperation body.
    pub fn status(&self) -> &'static str {
        match self {
            Outcome::Succeeded => "Succeeded",
            Outcome::Failed { .. } => "Failed",
            Outcome::Canceled => "Canceled",
        }
    }
}

/// Which `Location` URL shape the operation's resource provider uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LocationStyle {
    /// `/subscriptions/{sub}/operationresults/{id}` (Microsoft.Resources, e.g. resource group
    /// deletion).
    Subscription,
    /// `/subscriptions/{sub}/providers/{ns}/locations/{loc}/operationResults/{id}`.
    Provider,
}

/// What a resource handler asks for when it starts an operation.
#[derive(Clone, Debug)]
pub(crate) struct NewOperation {
    pub id: String,
    pub subscription_id: String,
    pub namespace: String,
    pub location: String,
    pub api_version: String,
    pub duration: Duration,
    pub outcome: Outcome,
    /// Status of the final `Location` response when the operation succeeds (200 or 204).
    pub success_status: u16,
    pub style: LocationStyle,
}

/// A started operation.
#[derive(Clone, Debug)]
pub(crate) struct Operation {
    pub spec: NewOperation,
    pub started_at: OffsetDateTime,
    started: Instant,
}

impl Operation {
    /// `None` while in progress, else the outcome.
    pub fn outcome(&self, now: Instant) -> Option<&Outcome> {
        (now >= self.completes_at()).then_some(&self.spec.outcome)
    }

    /// When the operation completes (monotonic clock).
    pub fn completes_at(&self) -> Instant {
        self.started + self.spec.duration
    }

    /// When the operation completes (wall clock).
    pub fn end_time(&self) -> OffsetDateTime {
        self.started_at + self.spec.duration
    }

    /// The operation's status resource path (Azure-AsyncOperation).
    pub fn status_path(&self) -> String {
        format!(
            "/subscriptions/{}/providers/{}/locations/{}/operations/{}",
            self.spec.subscription_id, self.spec.namespace, self.spec.location, self.spec.id
        )
    }

    /// The operation's result path (Location).
    pub fn result_path(&self) -> String {
        match self.spec.style {
            LocationStyle::Subscription => format!(
                "/subscriptions/{}/operationresults/{}",
                self.spec.subscription_id, self.spec.id
            ),
            LocationStyle::Provider => format!(
                "/subscriptions/{}/providers/{}/locations/{}/operationResults/{}",
                self.spec.subscription_id, self.spec.namespace, self.spec.location, self.spec.id
            ),
        }
    }
}

/// All operations by id.
#[derive(Clone, Debug, Default)]
pub(crate) struct Operations {
    by_id: HashMap<String, Operation>,
}

/// The longest an operation may run (longer ones are refused where they are asked for).
pub(crate) const MAX_DURATION: Duration = Duration::from_secs(7 * 24 * 3600);

/// Finished operations are forgotten this long after they complete.
const RETENTION: Duration = Duration::from_secs(3600);

impl Operations {
    /// Starts an operation at `now` (monotonic) / `started_at` (UTC) and returns it.
    pub fn start(&mut self, spec: NewOperation, now: Instant, started_at: OffsetDateTime) -> &Operation {
        self.by_id.retain(|_, op| op.completes_at() + RETENTION > now);
        let id = spec.id.clone();
        let operation = Operation {
            spec,
            started_at,
            started: now,
        };
        self.by_id.entry(id).insert_entry(operation).into_mut()
    }

    /// The operation with this id, if any.
    pub fn get(&self, id: &str) -> Option<&Operation> {
        self.by_id.get(id)
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::{LocationStyle, NewOperation, Operations, Outcome};

    #[test]
    fn status_follows_the_clock() {
        let mut ops = Operations::default();
        let now = Instant::now();
        let op = ops.start(
            NewOperation {
                id: "op1".into(),
                subscription_id: "s".into(),
                namespace: "Microsoft.Example".into(),
                location: "eastus".into(),
                api_version: "2024-01-01".into(),
                duration: Duration::from_secs(5),
                outcome: Outcome::Canceled,
                success_status: 204,
                style: LocationStyle::Provider,
            },
            now,
            time::OffsetDateTime::UNIX_EPOCH,
        );
        assert_eq!(op.outcome(now), None);
        assert_eq!(op.outcome(now + Duration::from_secs(5)), Some(&Outcome::Canceled));
        assert_eq!(
            op.result_path(),
            "/subscriptions/s/providers/Microsoft.Example/locations/eastus/operationResults/op1"
        );
        assert!(ops.get("op1").is_some());
    }
}
