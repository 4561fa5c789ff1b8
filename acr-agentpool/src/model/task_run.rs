//! Task runs (`Microsoft.ContainerRegistry/registries/taskRuns`): a run request kept as a
//! resource, with the run it started.

use super::common::{IdentityProperties, ProvisioningState};
use super::run::Run;
use super::run_request::RunRequest;
use arm_core::SystemData;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A task run (`TaskRun`, a proxy resource with a location).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRun {
    /// The resource id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The task run's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `Microsoft.ContainerRegistry/registries/taskRuns`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Who created and last modified the task run, and when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// The managed identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<IdentityProperties>,
    /// The region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The task run's properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<TaskRunProperties>,
}

/// The properties of a task run (`TaskRunProperties`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRunProperties {
    /// The provisioning state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<ProvisioningState>,
    /// The request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_request: Option<RunRequest>,
    /// The run it started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_result: Option<Run>,
    /// Change it to run again without other changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force_update_tag: Option<String>,
}

/// A PATCH of a task run (`TaskRunUpdateParameters`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRunUpdateParameters {
    /// The managed identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<IdentityProperties>,
    /// The properties to change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<TaskRunPropertiesUpdateParameters>,
    /// The region.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The new tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<HashMap<String, String>>,
}

/// The properties a task run PATCH changes (`TaskRunPropertiesUpdateParameters`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRunPropertiesUpdateParameters {
    /// The request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_request: Option<RunRequest>,
    /// Change it to run again without other changes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub force_update_tag: Option<String>,
}

/// A page of task runs (`TaskRunListResult`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRunListResult {
    /// The task runs.
    #[serde(default)]
    pub value: Vec<TaskRun>,
    /// The URL of the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}
