//! What a run produced: one run output per distribution target.

use super::state::ProvisioningState;
use arm_core::SystemData;
use serde::{Deserialize, Serialize};

/// The output of one distribution target of the last run
/// (`Microsoft.VirtualMachineImages/imageTemplates/runOutputs`), named by its `runOutputName`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunOutput {
    /// The resource id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The run output name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The resource type, `Microsoft.VirtualMachineImages/imageTemplates/runOutputs`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// Who created the output, and when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// What was produced.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<RunOutputProperties>,
}

/// What a distribution target produced (`RunOutputProperties`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunOutputProperties {
    /// The resource id of the managed image or gallery image version (with its exact version).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_id: Option<String>,
    /// The URL of the VHD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_uri: Option<String>,
    /// The provisioning state of the output; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<ProvisioningState>,
}

/// A page of run outputs (`RunOutputCollection`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RunOutputCollection {
    /// The run outputs.
    #[serde(default)]
    pub value: Vec<RunOutput>,
    /// The URL of the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}
