//! References to a container group profile and a standby pool.

use serde::{Deserialize, Serialize};

/// The container group profile a group is created from.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerGroupProfileReference {
    /// The profile's resource id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The profile revision.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<i32>,
}

/// The standby pool a group is taken from (the spec's `StandbyPoolProfileDefinition`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StandbyPoolProfile {
    /// The standby pool's resource id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Whether the create fails when no group can be taken from the pool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fail_container_group_create_on_reuse_failure: Option<bool>,
}
