//! Runs (`Microsoft.ContainerRegistry/registries/runs`): a run's state and outputs, its update,
//! its list, and its log links.

use super::common::{AgentProperties, ImageDescriptor, PlatformProperties, ProvisioningState};
use super::rfc3339::parse_time;
use arm_core::SystemData;
use arm_core::azure_core::credentials::Secret;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A run (`Run`, a proxy resource).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    /// The resource id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The run id (`ca1`, or a GUID in the examples).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `Microsoft.ContainerRegistry/registries/runs`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// Who created and last modified the run, and when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// The run's properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<RunProperties>,
}

impl Run {
    /// The run's status; `None` when absent.
    pub fn status(&self) -> Option<&RunStatus> {
        self.properties.as_ref()?.status.as_ref()
    }

    /// The run id: `properties.runId`, else the resource name.
    pub fn run_id(&self) -> Option<&str> {
        self.properties
            .as_ref()
            .and_then(|p| p.run_id.as_deref())
            .or(self.name.as_deref())
    }
}

/// The properties of a run (`RunProperties`). Times stay the RFC 3339 strings Azure sent; the
/// `*_at` methods parse them.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunProperties {
    /// The run id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_id: Option<String>,
    /// The status.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<RunStatus>,
    /// When the run last changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_updated_time: Option<String>,
    /// What started the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_type: Option<RunType>,
    /// The agent pool the run is on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_pool_name: Option<String>,
    /// When the run was created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_time: Option<String>,
    /// When the run started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// When the run finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finish_time: Option<String>,
    /// The images the run pushed, with their digests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_images: Option<Vec<ImageDescriptor>>,
    /// The task the run belongs to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub task: Option<String>,
    /// The base image update that triggered the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image_update_trigger: Option<ImageUpdateTrigger>,
    /// The source event that triggered the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_trigger: Option<SourceTriggerDescriptor>,
    /// The timer that triggered the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timer_trigger: Option<TimerTriggerDescriptor>,
    /// The platform.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<PlatformProperties>,
    /// The compute on the service's default agents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_configuration: Option<AgentProperties>,
    /// The scope of the credentials the run used for its own registry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_registry_auth: Option<String>,
    /// The other registries the run had credentials for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_registries: Option<Vec<String>>,
    /// Why the run failed; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_error_message: Option<String>,
    /// The token of the base image update that triggered the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_trigger_token: Option<Secret>,
    /// The log artifact in the registry, when archived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_artifact: Option<ImageDescriptor>,
    /// The provisioning state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<ProvisioningState>,
    /// Whether the log is archived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_archive_enabled: Option<bool>,
}

impl RunProperties {
    /// `createTime` parsed; `None` when absent or not RFC 3339.
    pub fn created_at(&self) -> Option<OffsetDateTime> {
        parse_time(self.create_time.as_deref())
    }

    /// `startTime` parsed; `None` when absent or not RFC 3339.
    pub fn started_at(&self) -> Option<OffsetDateTime> {
        parse_time(self.start_time.as_deref())
    }

    /// `finishTime` parsed; `None` when absent or not RFC 3339.
    pub fn finished_at(&self) -> Option<OffsetDateTime> {
        parse_time(self.finish_time.as_deref())
    }

    /// `lastUpdatedTime` parsed; `None` when absent or not RFC 3339.
    pub fn last_updated_at(&self) -> Option<OffsetDateTime> {
        parse_time(self.last_updated_time.as_deref())
    }
}

arm_core::string_enum! {
    /// The status of a run (`RunStatus`).
    pub enum RunStatus {
        /// Waiting for an agent (forever on a pool with 0 instances).
        Queued = "Queued",
        /// Given to an agent.
        Started = "Started",
        /// Running.
        Running = "Running",
        /// Succeeded (terminal).
        Succeeded = "Succeeded",
        /// A step failed (terminal).
        Failed = "Failed",
        /// Canceled (terminal).
        Canceled = "Canceled",
        /// The service failed (terminal).
        Error = "Error",
        /// Ran past its timeout (terminal).
        Timeout = "Timeout",
    }
}

impl RunStatus {
    /// Whether the status is final: `Succeeded`, `Failed`, `Canceled`, `Error` or `Timeout`.
    /// An unknown status is not final (a waiter keeps polling and its deadline ends it).
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::Failed | Self::Canceled | Self::Error | Self::Timeout
        )
    }

    /// Whether the run succeeded.
    pub fn is_success(&self) -> bool {
        matches!(self, Self::Succeeded)
    }
}

arm_core::string_enum! {
    /// What started a run (`RunType`).
    pub enum RunType {
        /// A quick build (`az acr build`).
        QuickBuild = "QuickBuild",
        /// A quick run (`az acr run`).
        QuickRun = "QuickRun",
        /// A task's build, triggered.
        AutoBuild = "AutoBuild",
        /// A task's run, triggered.
        AutoRun = "AutoRun",
    }
}

/// The base image update that triggered a run (`ImageUpdateTrigger`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageUpdateTrigger {
    /// The trigger's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// When it fired (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timestamp: Option<String>,
    /// The updated images.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub images: Option<Vec<ImageDescriptor>>,
}

/// The source event that triggered a run (`SourceTriggerDescriptor`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceTriggerDescriptor {
    /// The event's id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The event's type (`commit`, `pullrequest`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event_type: Option<String>,
    /// The commit.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commit_id: Option<String>,
    /// The pull request.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pull_request_id: Option<String>,
    /// The repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository_url: Option<String>,
    /// The branch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch_name: Option<String>,
    /// The source control provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provider_type: Option<String>,
}

/// The timer that triggered a run (`TimerTriggerDescriptor`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimerTriggerDescriptor {
    /// The timer trigger's name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timer_trigger_name: Option<String>,
    /// The occurrence that fired.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule_occurrence: Option<String>,
}

/// A PATCH of a run (`RunUpdateParameters`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunUpdateParameters {
    /// Whether the log is archived.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_archive_enabled: Option<bool>,
}

/// A page of runs (`RunListResult`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunListResult {
    /// The runs.
    #[serde(default)]
    pub value: Vec<Run>,
    /// The URL of the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}

/// A run's log links (`RunGetLogResult`, from `listLogSasUrl`). Both carry a read SAS: they are
/// [`Secret`]s.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunGetLogResult {
    /// The log blob's URL with a read SAS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_link: Option<Secret>,
    /// The archived log artifact's URL with a read SAS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_artifact_link: Option<Secret>,
}
