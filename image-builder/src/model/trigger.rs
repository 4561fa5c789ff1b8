//! Triggers (`Microsoft.VirtualMachineImages/imageTemplates/triggers`): runs started by Azure
//! when the source image changes.

use super::state::ProvisioningState;
use arm_core::SystemData;
use serde::{Deserialize, Serialize};

/// A trigger of an image template.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trigger {
    /// The resource id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The trigger name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The resource type, `Microsoft.VirtualMachineImages/imageTemplates/triggers`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// Who created and last modified the trigger, and when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// The kind of trigger and its state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<TriggerProperties>,
}

impl Trigger {
    /// The body of a PUT that creates a `SourceImage` trigger: a run starts whenever a new
    /// version of the template's source image is published.
    pub fn source_image() -> Self {
        Self {
            properties: Some(TriggerProperties::SourceImage(SourceImageTrigger::default())),
            ..Self::default()
        }
    }
}

arm_core::tagged_union! {
    /// The properties of a trigger (`TriggerProperties`, discriminator `kind`).
    pub enum TriggerProperties tag "kind" {
        /// Runs when the source image changes: `SourceImage`.
        SourceImage(SourceImageTrigger) = "SourceImage",
    }
}

/// The `SourceImage` trigger (`SourceImageTriggerProperties`): only read-only state.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceImageTrigger {
    /// The state of the trigger; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TriggerStatus>,
    /// The provisioning state; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<ProvisioningState>,
}

/// The state of a trigger (`TriggerStatus`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TriggerStatus {
    /// The status code.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// The message.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// When the status was set (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time: Option<String>,
}

/// A page of triggers (`TriggerCollection`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TriggerCollection {
    /// The triggers.
    pub value: Vec<Trigger>,
    /// The URL of the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}
