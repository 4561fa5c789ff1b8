//! The triggers of a task (`TriggerProperties`): timers, source events and base image updates,
//! and their update-parameter forms.

use arm_core::azure_core::credentials::Secret;
use serde::{Deserialize, Serialize};

arm_core::string_enum! {
    /// Whether a trigger fires (`TriggerStatus`; the service's default is `Enabled`).
    pub enum TriggerStatus {
        /// Off.
        Disabled = "Disabled",
        /// On.
        Enabled = "Enabled",
    }
}

/// The triggers of a task (`TriggerProperties`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TriggerProperties {
    /// Cron schedules.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timer_triggers: Option<Vec<TimerTrigger>>,
    /// Commits and pull requests of a repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_triggers: Option<Vec<SourceTrigger>>,
    /// Updates of the base images.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_image_trigger: Option<BaseImageTrigger>,
}

/// A cron schedule (`TimerTrigger`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimerTrigger {
    /// The cron expression (UTC), e.g. `0 21 * * *`.
    pub schedule: String,
    /// Whether it fires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TriggerStatus>,
    /// The trigger's name.
    pub name: String,
}

/// A source event trigger (`SourceTrigger`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceTrigger {
    /// The repository.
    pub source_repository: SourceProperties,
    /// The events.
    pub source_trigger_events: Vec<SourceTriggerEvent>,
    /// Whether it fires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TriggerStatus>,
    /// The trigger's name.
    pub name: String,
}

/// A source repository (`SourceProperties`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceProperties {
    /// The provider.
    pub source_control_type: SourceControlType,
    /// The repository's URL.
    pub repository_url: String,
    /// The branch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// How the service reads the repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_control_auth_properties: Option<AuthInfo>,
}

/// How the service reads a repository (`AuthInfo`). The tokens are [`Secret`]s.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthInfo {
    /// The kind of token.
    pub token_type: TokenType,
    /// The access token.
    pub token: Secret,
    /// The refresh token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    /// The token's scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The token's lifetime in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i32>,
}

arm_core::string_enum! {
    /// The kind of a repository token (`TokenType`).
    pub enum TokenType {
        /// A personal access token.
        Pat = "PAT",
        /// An OAuth token.
        OAuth = "OAuth",
    }
}

arm_core::string_enum! {
    /// A source control provider (`SourceControlType`).
    pub enum SourceControlType {
        /// GitHub.
        Github = "Github",
        /// Azure Repos.
        VisualStudioTeamService = "VisualStudioTeamService",
    }
}

arm_core::string_enum! {
    /// A source event (`SourceTriggerEvent`).
    pub enum SourceTriggerEvent {
        /// A commit.
        Commit = "commit",
        /// A pull request.
        Pullrequest = "pullrequest",
    }
}

/// A base image update trigger (`BaseImageTrigger`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BaseImageTrigger {
    /// Which base images.
    pub base_image_trigger_type: BaseImageTriggerType,
    /// The webhook called when it fires; may carry credentials, so a [`Secret`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_trigger_endpoint: Option<Secret>,
    /// What the webhook gets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_trigger_payload_type: Option<UpdateTriggerPayloadType>,
    /// Whether it fires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TriggerStatus>,
    /// The trigger's name.
    pub name: String,
}

arm_core::string_enum! {
    /// Which base images trigger a task (`BaseImageTriggerType`).
    pub enum BaseImageTriggerType {
        /// Build-time and runtime base images.
        All = "All",
        /// Runtime base images only.
        Runtime = "Runtime",
    }
}

arm_core::string_enum! {
    /// What the update webhook gets (`UpdateTriggerPayloadType`).
    pub enum UpdateTriggerPayloadType {
        /// The default payload.
        Default = "Default",
        /// A token.
        Token = "Token",
    }
}

/// The triggers of a task update (`TriggerUpdateParameters`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TriggerUpdateParameters {
    /// Cron schedules, by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timer_triggers: Option<Vec<TimerTriggerUpdateParameters>>,
    /// Source triggers, by name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_triggers: Option<Vec<SourceTriggerUpdateParameters>>,
    /// The base image trigger.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_image_trigger: Option<BaseImageTriggerUpdateParameters>,
}

/// A cron schedule update (`TimerTriggerUpdateParameters`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimerTriggerUpdateParameters {
    /// The cron expression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schedule: Option<String>,
    /// Whether it fires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TriggerStatus>,
    /// The trigger's name.
    pub name: String,
}

/// A source trigger update (`SourceTriggerUpdateParameters`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceTriggerUpdateParameters {
    /// The repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_repository: Option<SourceUpdateParameters>,
    /// The events.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_trigger_events: Option<Vec<SourceTriggerEvent>>,
    /// Whether it fires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TriggerStatus>,
    /// The trigger's name.
    pub name: String,
}

/// A source repository update (`SourceUpdateParameters`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceUpdateParameters {
    /// The provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_control_type: Option<SourceControlType>,
    /// The repository's URL.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository_url: Option<String>,
    /// The branch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// How the service reads the repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_control_auth_properties: Option<AuthInfoUpdateParameters>,
}

/// A repository token update (`AuthInfoUpdateParameters`). The tokens are [`Secret`]s.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthInfoUpdateParameters {
    /// The kind of token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token_type: Option<TokenType>,
    /// The access token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub token: Option<Secret>,
    /// The refresh token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub refresh_token: Option<Secret>,
    /// The token's scope.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The token's lifetime in seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires_in: Option<i32>,
}

/// A base image trigger update (`BaseImageTriggerUpdateParameters`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BaseImageTriggerUpdateParameters {
    /// Which base images.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub base_image_trigger_type: Option<BaseImageTriggerType>,
    /// The webhook called when it fires; may carry credentials, so a [`Secret`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_trigger_endpoint: Option<Secret>,
    /// What the webhook gets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_trigger_payload_type: Option<UpdateTriggerPayloadType>,
    /// Whether it fires.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TriggerStatus>,
    /// The trigger's name.
    pub name: String,
}
