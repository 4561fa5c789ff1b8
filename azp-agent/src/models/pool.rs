//! `TaskAgentPool`.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// An organization-level grouping of agents (`TaskAgentPool`, with `TaskAgentPoolReference`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TaskAgentPool {
    /// Pool id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<i32>,
    /// Pool name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether the service manages the pool (Microsoft-hosted).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_hosted: Option<bool>,
    /// Whether the pool is legacy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_legacy: Option<bool>,
    /// `none`, `elasticPool`, `singleUseAgents`, `preserveAgentOnJobFailure` (comma separated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<String>,
    /// `automation` or `deployment`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pool_type: Option<String>,
    /// Scope id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// Current number of agents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<i32>,
    /// Associated agent cloud.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub agent_cloud_id: Option<i32>,
    /// Whether a queue is provisioned for each project.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_provision: Option<bool>,
    /// Whether the pool autosizes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_size: Option<bool>,
    /// Whether agents may update themselves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_update: Option<bool>,
    /// Creator (an `IdentityRef`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<Value>,
    /// Creation time (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_on: Option<String>,
    /// Owner (an `IdentityRef`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<Value>,
    /// Pool properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<Value>,
    /// Target parallelism of pools backed by a pool provider.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_size: Option<i32>,
}
