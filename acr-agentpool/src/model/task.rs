//! Tasks (`Microsoft.ContainerRegistry/registries/tasks`): the task, its step, its update and
//! its list.

use super::common::{
    AgentProperties, Argument, Credentials, IdentityProperties, PlatformProperties, PlatformUpdateParameters,
    ProvisioningState, SetValue,
};
use super::trigger::{TriggerProperties, TriggerUpdateParameters};
use arm_core::SystemData;
use arm_core::azure_core::credentials::Secret;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A task (`Task`, a tracked resource).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    /// The resource id; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The task's name; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `Microsoft.ContainerRegistry/registries/tasks`; only in responses.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// The region: the registry's.
    pub location: String,
    /// The tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<HashMap<String, String>>,
    /// Who created and last modified the task, and when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// The task's managed identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<IdentityProperties>,
    /// The task's properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<TaskProperties>,
}

impl Task {
    /// The agent pool the task runs on; `None` for the service's default agents.
    pub fn agent_pool_name(&self) -> Option<&str> {
        self.properties.as_ref()?.agent_pool_name.as_deref()
    }
}

/// The properties of a task (`TaskProperties`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskProperties {
    /// The provisioning state; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<ProvisioningState>,
    /// When the task was created (RFC 3339); only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_date: Option<String>,
    /// Whether the task runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TaskStatus>,
    /// The platform (required unless `isSystemTask`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<PlatformProperties>,
    /// The compute on the service's default agents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_configuration: Option<AgentProperties>,
    /// The agent pool the task runs on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_pool_name: Option<String>,
    /// The run timeout in seconds (300 to 28800; default 3600).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i32>,
    /// What the task does (required unless `isSystemTask`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<TaskStepProperties>,
    /// What starts the task.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trigger: Option<TriggerProperties>,
    /// The registry credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Credentials>,
    /// The repository and tag of the log artifact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_template: Option<String>,
    /// Whether this is a system task (a quick task, `TasksCreate_QuickTask`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_system_task: Option<bool>,
}

arm_core::string_enum! {
    /// Whether a task runs (`TaskStatus`).
    pub enum TaskStatus {
        /// Off.
        Disabled = "Disabled",
        /// On.
        Enabled = "Enabled",
    }
}

arm_core::tagged_union! {
    /// What a task does (`TaskStepProperties`, discriminator `type`, the spec's `StepType`):
    /// one variant per kind, and `Other` for a step of a newer api-version, kept whole (a GET
    /// of a task carries its step).
    pub enum TaskStepProperties tag "type" {
        /// A Docker build: `Docker`.
        Docker(DockerBuildStep) = "Docker",
        /// A task file in the context: `FileTask`.
        FileTask(FileTaskStep) = "FileTask",
        /// A task given inline, base64: `EncodedTask`.
        EncodedTask(EncodedTaskStep) = "EncodedTask",
    }
}

/// A Docker build step (`DockerBuildStep`), with the base step properties.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DockerBuildStep {
    /// The base images the step depends on; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_image_dependencies: Option<Vec<BaseImageDependency>>,
    /// The context (a URL or a path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_path: Option<String>,
    /// The token for the context (a Git PAT or a blob SAS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_access_token: Option<Secret>,
    /// The images to tag, `repository:tag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_names: Option<Vec<String>>,
    /// Whether the images are pushed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_push_enabled: Option<bool>,
    /// Build without the layer cache.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_cache: Option<bool>,
    /// The Dockerfile, relative to the context.
    pub docker_file_path: String,
    /// The build stage to stop at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The build arguments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Vec<Argument>>,
}

/// A task file step (`FileTaskStep`), with the base step properties.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileTaskStep {
    /// The base images the step depends on; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_image_dependencies: Option<Vec<BaseImageDependency>>,
    /// The context (a URL or a path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_path: Option<String>,
    /// The token for the context (a Git PAT or a blob SAS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_access_token: Option<Secret>,
    /// The task file, relative to the context.
    pub task_file_path: String,
    /// The values file, relative to the context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values_file_path: Option<String>,
    /// The values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<SetValue>>,
}

/// An encoded task step (`EncodedTaskStep`), with the base step properties.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncodedTaskStep {
    /// The base images the step depends on; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_image_dependencies: Option<Vec<BaseImageDependency>>,
    /// The context (a URL or a path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_path: Option<String>,
    /// The token for the context (a Git PAT or a blob SAS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_access_token: Option<Secret>,
    /// The task YAML, base64.
    pub encoded_task_content: String,
    /// The values YAML, base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoded_values_content: Option<String>,
    /// The values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<SetValue>>,
}

/// A base image a step depends on (`BaseImageDependency`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BaseImageDependency {
    /// Build time or runtime.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<BaseImageDependencyType>,
    /// The registry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// The repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// The tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// The digest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}

arm_core::string_enum! {
    /// When a base image is used (`BaseImageDependencyType`).
    pub enum BaseImageDependencyType {
        /// At build time.
        BuildTime = "BuildTime",
        /// At runtime.
        RunTime = "RunTime",
    }
}

/// A PATCH of a task (`TaskUpdateParameters`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskUpdateParameters {
    /// The managed identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<IdentityProperties>,
    /// The properties to change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<TaskPropertiesUpdateParameters>,
    /// The new tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<HashMap<String, String>>,
}

/// The properties a task PATCH changes (`TaskPropertiesUpdateParameters`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskPropertiesUpdateParameters {
    /// Whether the task runs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TaskStatus>,
    /// The platform.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<PlatformUpdateParameters>,
    /// The compute on the service's default agents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_configuration: Option<AgentProperties>,
    /// The agent pool the task runs on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_pool_name: Option<String>,
    /// The run timeout in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i32>,
    /// The step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub step: Option<TaskStepUpdateParameters>,
    /// The triggers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trigger: Option<TriggerUpdateParameters>,
    /// The registry credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Credentials>,
    /// The repository and tag of the log artifact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_template: Option<String>,
}

arm_core::tagged_union! {
    /// A step update (`TaskStepUpdateParameters`, discriminator `type`): one variant per kind,
    /// and `Other` for a kind of a newer api-version, kept whole.
    pub enum TaskStepUpdateParameters tag "type" {
        /// A Docker build: `Docker`.
        Docker(DockerBuildStepUpdateParameters) = "Docker",
        /// A task file: `FileTask`.
        FileTask(FileTaskStepUpdateParameters) = "FileTask",
        /// An encoded task: `EncodedTask`.
        EncodedTask(EncodedTaskStepUpdateParameters) = "EncodedTask",
    }
}

/// A Docker build step update (`DockerBuildStepUpdateParameters`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DockerBuildStepUpdateParameters {
    /// The context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_path: Option<String>,
    /// The token for the context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_access_token: Option<Secret>,
    /// The images to tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_names: Option<Vec<String>>,
    /// Whether the images are pushed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_push_enabled: Option<bool>,
    /// Build without the layer cache.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub no_cache: Option<bool>,
    /// The Dockerfile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub docker_file_path: Option<String>,
    /// The build arguments.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Vec<Argument>>,
    /// The build stage to stop at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// A task file step update (`FileTaskStepUpdateParameters`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileTaskStepUpdateParameters {
    /// The context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_path: Option<String>,
    /// The token for the context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_access_token: Option<Secret>,
    /// The task file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task_file_path: Option<String>,
    /// The values file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values_file_path: Option<String>,
    /// The values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<SetValue>>,
}

/// An encoded task step update (`EncodedTaskStepUpdateParameters`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncodedTaskStepUpdateParameters {
    /// The context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_path: Option<String>,
    /// The token for the context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_access_token: Option<Secret>,
    /// The task YAML, base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoded_task_content: Option<String>,
    /// The values YAML, base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoded_values_content: Option<String>,
    /// The values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<SetValue>>,
}

/// A page of tasks (`TaskListResult`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskListResult {
    /// The tasks.
    #[serde(default)]
    pub value: Vec<Task>,
    /// The URL of the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}
