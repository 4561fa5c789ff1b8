//! The read-only state of a template: provisioning and the last run.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

arm_core::string_enum! {
    /// The provisioning state of a template, a run output or a trigger.
    pub enum ProvisioningState {
        /// Being created.
        Creating = "Creating",
        /// Being updated.
        Updating = "Updating",
        /// Created (terminal).
        Succeeded = "Succeeded",
        /// Creation failed (terminal): the template must be deleted before a retry.
        Failed = "Failed",
        /// Being deleted.
        Deleting = "Deleting",
        /// Canceled (terminal).
        Canceled = "Canceled",
    }
}

impl ProvisioningState {
    /// Whether the state is final: `Succeeded`, `Failed` or `Canceled`.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Canceled)
    }
}

/// Why provisioning a template failed (`ProvisioningError`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProvisioningError {
    /// The error code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_error_code: Option<ProvisioningErrorCode>,
    /// The message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

arm_core::string_enum! {
    /// The error code of a failed template provisioning.
    pub enum ProvisioningErrorCode {
        /// The source type is not known.
        BadSourceType = "BadSourceType",
        /// The platform image source is wrong.
        BadPirSource = "BadPIRSource",
        /// The managed image source is wrong.
        BadManagedImageSource = "BadManagedImageSource",
        /// The gallery image version source is wrong.
        BadSharedImageVersionSource = "BadSharedImageVersionSource",
        /// A customizer type is not known.
        BadCustomizerType = "BadCustomizerType",
        /// A customizer type is not supported.
        UnsupportedCustomizerType = "UnsupportedCustomizerType",
        /// A customizer has no script.
        NoCustomizerScript = "NoCustomizerScript",
        /// A validator type is not known.
        BadValidatorType = "BadValidatorType",
        /// A validator type is not supported.
        UnsupportedValidatorType = "UnsupportedValidatorType",
        /// A validator has no script.
        NoValidatorScript = "NoValidatorScript",
        /// A distributor type is not known.
        BadDistributeType = "BadDistributeType",
        /// A gallery distributor is wrong.
        BadSharedImageDistribute = "BadSharedImageDistribute",
        /// The staging resource group is wrong.
        BadStagingResourceGroup = "BadStagingResourceGroup",
        /// A service error.
        ServerError = "ServerError",
        /// Another error (the spec's `Other`; named so to leave `Other` to unknown codes).
        OtherError = "Other",
    }
}

/// The state of the run that is running or ran last (`ImageTemplateLastRunStatus`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageTemplateLastRunStatus {
    /// When the run started (RFC 3339, UTC), as Azure wrote it; see [`Self::started_at`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<String>,
    /// When the run ended (RFC 3339, UTC), as Azure wrote it; see [`Self::ended_at`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_time: Option<String>,
    /// The state of the run.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_state: Option<RunState>,
    /// The phase of a running build.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_sub_state: Option<RunSubState>,
    /// The message; after a failure it names the `customization.log` (as a blob URL or an ARM
    /// path, both seen).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl ImageTemplateLastRunStatus {
    /// `startTime` parsed; `None` when absent or not RFC 3339.
    pub fn started_at(&self) -> Option<OffsetDateTime> {
        parse_time(self.start_time.as_deref())
    }

    /// `endTime` parsed; `None` when absent or not RFC 3339 (Azure has sent `0001-01-01T00:00:00Z`
    /// while a run is going: that parses, check `run_state`).
    pub fn ended_at(&self) -> Option<OffsetDateTime> {
        parse_time(self.end_time.as_deref())
    }
}

fn parse_time(value: Option<&str>) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(value?, &Rfc3339).ok()
}

arm_core::string_enum! {
    /// The state of a run (documented in learn.microsoft.com "Troubleshoot Azure VM Image Builder").
    pub enum RunState {
        /// Building.
        Running = "Running",
        /// A cancel was asked for and is in progress.
        Canceling = "Canceling",
        /// Every distribution target was written (terminal).
        Succeeded = "Succeeded",
        /// Some distribution targets failed (terminal); the run outputs say which succeeded.
        PartiallySucceeded = "PartiallySucceeded",
        /// The build failed (terminal); `message` names the customization log.
        Failed = "Failed",
        /// Canceled (terminal).
        Canceled = "Canceled",
    }
}

impl RunState {
    /// Whether the run is over: `Succeeded`, `PartiallySucceeded`, `Failed` or `Canceled`.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            Self::Succeeded | Self::PartiallySucceeded | Self::Failed | Self::Canceled
        )
    }
}

arm_core::string_enum! {
    /// The phase of a running build, in the order they happen.
    pub enum RunSubState {
        /// Waiting for capacity.
        Queued = "Queued",
        /// Creating the build VM.
        Building = "Building",
        /// Running the customizers.
        Customizing = "Customizing",
        /// Optimizing (VM boot).
        Optimizing = "Optimizing",
        /// Running the validators.
        Validating = "Validating",
        /// Writing the distribution targets.
        Distributing = "Distributing",
    }
}
