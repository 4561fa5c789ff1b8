//! What `scheduleRun` takes (`RunRequest`, discriminator `type`): a Docker build, an encoded
//! task, a task file, or a run of an existing task.

use super::common::{AgentProperties, Argument, Credentials, PlatformProperties, SetValue};
use arm_core::azure_core::credentials::Secret;
use serde::{Deserialize, Serialize};

arm_core::tagged_union! {
    /// A run request (`RunRequest`, discriminator `type`): one variant per kind, and `Other`
    /// for a kind of a newer api-version, kept whole. Every kind carries the base properties
    /// `isArchiveEnabled`, `agentPoolName` and `logTemplate`.
    pub enum RunRequest tag "type" {
        /// A Docker build of an uploaded context or a repository (`az acr build`).
        DockerBuildRequest(DockerBuildRequest) = "DockerBuildRequest",
        /// A task given inline, base64-encoded (`az acr run --cmd`, `az acr run -f -`).
        EncodedTaskRunRequest(EncodedTaskRunRequest) = "EncodedTaskRunRequest",
        /// A task file in the context (`az acr run -f acb.yaml`).
        FileTaskRunRequest(FileTaskRunRequest) = "FileTaskRunRequest",
        /// A run of an existing task (`az acr task run`).
        TaskRunRequest(TaskRunRequest) = "TaskRunRequest",
    }
}

/// The base property of every run request that names its agent pool.
const AGENT_POOL_NAME: &str = "agentPoolName";

impl RunRequest {
    /// The agent pool the run is for; `None` for the service's default agents (or, for a task
    /// run, the task's own pool). For a kind this crate does not know, the base property
    /// `agentPoolName` of its object.
    pub fn agent_pool_name(&self) -> Option<&str> {
        match self {
            Self::DockerBuildRequest(r) => r.agent_pool_name.as_deref(),
            Self::EncodedTaskRunRequest(r) => r.agent_pool_name.as_deref(),
            Self::FileTaskRunRequest(r) => r.agent_pool_name.as_deref(),
            Self::TaskRunRequest(r) => r.agent_pool_name.as_deref(),
            Self::Other(object) => object.get(AGENT_POOL_NAME).and_then(serde_json::Value::as_str),
        }
    }

    /// Sets (or with `None` clears) the agent pool the run is for; for a kind this crate does
    /// not know, the base property `agentPoolName` of its object.
    pub fn set_agent_pool_name(&mut self, name: Option<String>) {
        let slot = match self {
            Self::DockerBuildRequest(r) => &mut r.agent_pool_name,
            Self::EncodedTaskRunRequest(r) => &mut r.agent_pool_name,
            Self::FileTaskRunRequest(r) => &mut r.agent_pool_name,
            Self::TaskRunRequest(r) => &mut r.agent_pool_name,
            Self::Other(object) => {
                match name {
                    Some(name) => object.insert(AGENT_POOL_NAME.to_owned(), serde_json::Value::String(name)),
                    None => object.remove(AGENT_POOL_NAME),
                };
                return;
            }
        };
        *slot = name;
    }
}

/// A Docker build (`DockerBuildRequest`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DockerBuildRequest {
    /// Whether the run's log is archived as an artifact in the registry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_archive_enabled: Option<bool>,
    /// The agent pool to run on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_pool_name: Option<String>,
    /// The repository and tag of the log artifact (`acr/tasks:{{.Run.OS}}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_template: Option<String>,
    /// The images to tag (`-t`), `repository:tag`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_names: Option<Vec<String>>,
    /// Whether the images are pushed (the service's default is `true`).
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
    /// The timeout in seconds (the spec allows 300 to 28800; default 3600).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i32>,
    /// The platform to build for.
    pub platform: PlatformProperties,
    /// The compute on the service's default agents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_configuration: Option<AgentProperties>,
    /// The context: an uploaded archive's relative path, a Git URL or a tarball URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_location: Option<String>,
    /// The registry credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Credentials>,
}

/// A task given inline, base64-encoded (`EncodedTaskRunRequest`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncodedTaskRunRequest {
    /// Whether the run's log is archived as an artifact in the registry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_archive_enabled: Option<bool>,
    /// The agent pool to run on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_pool_name: Option<String>,
    /// The repository and tag of the log artifact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_template: Option<String>,
    /// The task YAML, base64.
    pub encoded_task_content: String,
    /// The values YAML, base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoded_values_content: Option<String>,
    /// The values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<SetValue>>,
    /// The timeout in seconds (300 to 28800; default 3600).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i32>,
    /// The platform to run on.
    pub platform: PlatformProperties,
    /// The compute on the service's default agents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_configuration: Option<AgentProperties>,
    /// The context: an uploaded archive's relative path, a Git URL or a tarball URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_location: Option<String>,
    /// The registry credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Credentials>,
}

/// A task file in the context (`FileTaskRunRequest`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileTaskRunRequest {
    /// Whether the run's log is archived as an artifact in the registry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_archive_enabled: Option<bool>,
    /// The agent pool to run on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_pool_name: Option<String>,
    /// The repository and tag of the log artifact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_template: Option<String>,
    /// The task file, relative to the context.
    pub task_file_path: String,
    /// The values file, relative to the context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values_file_path: Option<String>,
    /// The values.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<SetValue>>,
    /// The timeout in seconds (300 to 28800; default 3600).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout: Option<i32>,
    /// The platform to run on.
    pub platform: PlatformProperties,
    /// The compute on the service's default agents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_configuration: Option<AgentProperties>,
    /// The context: an uploaded archive's relative path, a Git URL or a tarball URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_location: Option<String>,
    /// The registry credentials.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub credentials: Option<Credentials>,
}

/// A run of an existing task (`TaskRunRequest`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskRunRequest {
    /// Whether the run's log is archived as an artifact in the registry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_archive_enabled: Option<bool>,
    /// The agent pool to run on; see
    /// [`check_task_run_pool`](crate::checks::check_task_run_pool) for a task that has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_pool_name: Option<String>,
    /// The repository and tag of the log artifact.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_template: Option<String>,
    /// The task's resource id.
    pub task_id: String,
    /// What this run changes in the task's step.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_task_step_properties: Option<OverrideTaskStepProperties>,
}

/// What a task run changes in its task's step (`OverrideTaskStepProperties`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OverrideTaskStepProperties {
    /// The context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_path: Option<String>,
    /// The Dockerfile or task file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The build arguments (merged over the task's by name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub arguments: Option<Vec<Argument>>,
    /// The build stage to stop at.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The values (merged over the task's by name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<SetValue>>,
    /// The token of the base image update that triggered the run (a secret of the trigger's
    /// webhook).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_trigger_token: Option<Secret>,
}
