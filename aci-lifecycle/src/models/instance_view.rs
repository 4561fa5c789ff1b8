//! Instance views: the run-time state and events of groups and containers (responses only).
//!
//! Times (`startTime`, `finishTime`, `firstTimestamp`, `lastTimestamp`) are kept as the RFC 3339
//! strings Azure sent, so that they round-trip byte for byte; parse them where a time is needed.

use serde::{Deserialize, Serialize};

/// The state and events of a container group.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerGroupInstanceView {
    /// The events of the group (e.g. a failed mount).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<Event>>,
    /// The state of the group.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<ContainerGroupState>,
}

arm_core::string_enum! {
    /// The state of a container group (`properties.instanceView.state`), independent of its
    /// provisioning state.
    pub enum ContainerGroupState {
        /// Waiting to initialize (init containers, volume mounts).
        Pending = "Pending",
        /// Running, until a user action or the restart policy stops it.
        Running = "Running",
        /// Ran to completion successfully (restart policy Never or OnFailure).
        Succeeded = "Succeeded",
        /// Failed to run to completion (restart policy Never).
        Failed = "Failed",
        /// Stopped; runs again only on a user action.
        Stopped = "Stopped",
    }
}

/// The state, restarts and events of a container or an init container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerInstanceView {
    /// How many times the container was restarted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart_count: Option<i32>,
    /// The current state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub current_state: Option<ContainerState>,
    /// The state before the current one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_state: Option<ContainerState>,
    /// The events of the container (pulling, pulled, started, killing...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<Event>>,
}

/// A state of a container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerState {
    /// Waiting, Running or Terminated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<ContainerRunState>,
    /// When the state started (RFC 3339, as Azure wrote it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// The exit code of a terminated container, as `docker run` gives it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exit_code: Option<i32>,
    /// When the state finished (RFC 3339, as Azure wrote it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_time: Option<String>,
    /// A human-readable detail, e.g. `Completed` or `Error`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail_status: Option<String>,
}

arm_core::string_enum! {
    /// The state of a container (`instanceView.currentState.state`).
    pub enum ContainerRunState {
        /// Not running yet (e.g. pulling the image).
        Waiting = "Waiting",
        /// Running.
        Running = "Running",
        /// Exited; see the exit code.
        Terminated = "Terminated",
    }
}

/// An event of a container group or container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Event {
    /// How many times it happened.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i32>,
    /// When it first happened (RFC 3339, as Azure wrote it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_timestamp: Option<String>,
    /// When it last happened (RFC 3339, as Azure wrote it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_timestamp: Option<String>,
    /// The event name, e.g. `Pulling` or `FailedMount`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The event type, e.g. `Normal` or `Warning`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
}
