//! `TaskAgent` and its parts.

use super::job_request::TaskAgentJobRequest;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

arm_core::string_enum! {
    /// Whether an agent is connected.
    pub enum TaskAgentStatus {
        /// Not connected.
        Offline = "offline",
        /// Connected (listening for jobs).
        Online = "online",
    }
}

/// A reference to an agent (`TaskAgentReference`), as job requests carry it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TaskAgentReference {
    /// Links.
    #[serde(rename = "_links", skip_serializing_if = "Option::is_none")]
    pub links: Option<Value>,
    /// The agent's access point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access_point: Option<String>,
    /// Whether the agent may run jobs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Agent id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// Agent name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Agent OS.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os_description: Option<String>,
    /// Provisioning state.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
    /// Online or offline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<TaskAgentStatus>,
    /// Agent version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// An agent of a pool (`TaskAgent`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TaskAgent {
    /// The reference part: id, name, status, version...
    #[serde(flatten)]
    pub reference: TaskAgentReference,
    /// The agent cloud request associated with the agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_agent_cloud_request: Option<Value>,
    /// The request currently assigned (with `includeAssignedRequest`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub assigned_request: Option<Box<TaskAgentJobRequest>>,
    /// OAuth data of the agent (registration).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization: Option<TaskAgentAuthorization>,
    /// Creation time (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_on: Option<String>,
    /// The last completed request (with `includeLastCompletedRequest`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_completed_request: Option<Box<TaskAgentJobRequest>>,
    /// Maximum job parallelism.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_parallelism: Option<i32>,
    /// Pending update (`TaskAgentUpdate`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pending_update: Option<Value>,
    /// Agent properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<Value>,
    /// Time of the last connectivity change (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_changed_on: Option<String>,
    /// System capabilities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_capabilities: Option<BTreeMap<String, String>>,
    /// User capabilities.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_capabilities: Option<BTreeMap<String, String>>,
}

impl TaskAgent {
    /// The agent id (0 when absent).
    pub fn id(&self) -> i32 {
        self.reference.id.unwrap_or_default()
    }

    /// The agent name ("" when absent).
    pub fn name(&self) -> &str {
        self.reference.name.as_deref().unwrap_or_default()
    }

    /// Whether the agent is online.
    pub fn is_online(&self) -> bool {
        self.reference.status == Some(TaskAgentStatus::Online)
    }
}

/// OAuth data of an agent (`TaskAgentAuthorization`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TaskAgentAuthorization {
    /// Token service endpoint.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization_url: Option<String>,
    /// Client id of the agent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The agent's public key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub public_key: Option<TaskAgentPublicKey>,
}

/// The public part of an agent's RSA key (`TaskAgentPublicKey`). Azure DevOps writes the byte
/// arrays as base64 strings, the swagger declares arrays: both are kept as they come.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TaskAgentPublicKey {
    /// Exponent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exponent: Option<Value>,
    /// Modulus.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub modulus: Option<Value>,
}
