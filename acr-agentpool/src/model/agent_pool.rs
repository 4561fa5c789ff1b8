//! Agent pools (`Microsoft.ContainerRegistry/registries/agentPools`): the pool, its update, its
//! list and its queue status.

use super::common::{Os, ProvisioningState};
use super::tier::Tier;
use arm_core::SystemData;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// An agent pool (`AgentPool`, a tracked resource).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentPool {
    /// The resource id; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The pool's name; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `Microsoft.ContainerRegistry/registries/agentPools`; only in responses.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<String>,
    /// The region: the registry's.
    pub location: String,
    /// The tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<HashMap<String, String>>,
    /// Who created and last modified the pool, and when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// The pool's properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<AgentPoolProperties>,
}

impl AgentPool {
    /// The pool's tier parsed (`S1`, `S2`, `S3`, `I6`, or `Other`); `None` when absent.
    pub fn tier(&self) -> Option<Tier> {
        self.properties.as_ref()?.tier.as_deref().map(Tier::from)
    }

    /// The number of instances; `None` when absent.
    pub fn count(&self) -> Option<i32> {
        self.properties.as_ref()?.count
    }

    /// The provisioning state; `None` when absent.
    pub fn provisioning_state(&self) -> Option<&ProvisioningState> {
        self.properties.as_ref()?.provisioning_state.as_ref()
    }
}

/// The properties of an agent pool (`AgentPoolProperties`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentPoolProperties {
    /// The number of instances (the service's default is 1; 0 is allowed: runs then queue).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i32>,
    /// The tier (`S1`, `S2`, `S3`, `I6`); see [`Tier`]. A string in the spec, kept as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tier: Option<String>,
    /// The operating system (Linux only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<Os>,
    /// The subnet the pool's instances are in, by resource id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub virtual_network_subnet_resource_id: Option<String>,
    /// The provisioning state; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<ProvisioningState>,
}

/// A PATCH of an agent pool (`AgentPoolUpdateParameters`): its tags and count.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentPoolUpdateParameters {
    /// The new tags (replacing the old ones).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<HashMap<String, String>>,
    /// The properties to change.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<AgentPoolPropertiesUpdateParameters>,
}

/// The properties an agent pool PATCH changes (`AgentPoolPropertiesUpdateParameters`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentPoolPropertiesUpdateParameters {
    /// The new number of instances.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i32>,
}

/// A page of agent pools (`AgentPoolListResult`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentPoolListResult {
    /// The pools.
    #[serde(default)]
    pub value: Vec<AgentPool>,
    /// The URL of the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}

/// The queue of an agent pool (`AgentPoolQueueStatus`, from `listQueueStatus`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentPoolQueueStatus {
    /// The number of runs queued on the pool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<i32>,
}
