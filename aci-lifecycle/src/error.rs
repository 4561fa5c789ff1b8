//! The error type of aci-lifecycle.

use crate::models::Event;
use std::time::Duration;

/// Everything that can go wrong with container groups.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A caller-supplied value was rejected before any request was sent.
    #[error("invalid {field}: {message}")]
    InvalidInput {
        /// The input at fault, e.g. `containers[0].resources.requests.cpu`.
        field: String,
        /// What was wrong and what is expected.
        message: String,
    },
    /// The request to Azure failed.
    #[error(transparent)]
    Arm(#[from] arm_core::Error),
    /// A waiter saw that the group will not reach the state it waited for.
    #[error("container group {group}: {reason}{}", events_suffix(events))]
    WaitFailed {
        /// The container group.
        group: String,
        /// Why the wait failed.
        reason: String,
        /// The group's and its containers' events (image pulls, quota, exits).
        events: Vec<Event>,
    },
    /// A spawned group did not start; it was deleted again (unless `cleanup_error` says why not).
    #[error("container group {group} did not start: {source}{}", cleanup_suffix(cleanup_error))]
    SpawnFailed {
        /// The container group.
        group: String,
        /// Why it did not start.
        #[source]
        source: Box<Error>,
        /// Why deleting it failed, if it did.
        cleanup_error: Option<String>,
    },
    /// A waiter gave up after its maximum wait.
    #[error("container group {group}: still waiting after {after:?} ({last_state})")]
    WaitTimedOut {
        /// The container group.
        group: String,
        /// The maximum wait that passed.
        after: Duration,
        /// The last states seen.
        last_state: String,
    },
}

fn cleanup_suffix(cleanup_error: &Option<String>) -> String {
    cleanup_error
        .as_ref()
        .map(|e| format!("; deleting it failed too: {e}"))
        .unwrap_or_default()
}

/// The events of a failed wait, on one line.
fn events_suffix(events: &[Event]) -> String {
    let described: Vec<String> = events
        .iter()
        .map(|e| {
            let name = e.name.as_deref().unwrap_or("event");
            let message = e.message.as_deref().unwrap_or("").replace(['\r', '\n'], " ");
            format!("{name}: {}", message.trim())
        })
        .collect();
    if described.is_empty() {
        String::new()
    } else {
        format!("; events: {}", described.join("; "))
    }
}

impl Error {
    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// The ARM error, if the failure came from Azure.
    pub fn as_arm(&self) -> Option<&arm_core::Error> {
        match self {
            Error::Arm(error) => Some(error),
            _ => None,
        }
    }
}
