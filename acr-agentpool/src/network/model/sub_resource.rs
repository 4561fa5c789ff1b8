//! What every `Microsoft.Network` model shares: a reference to another resource and the
//! provisioning state.

use serde::{Deserialize, Serialize};

/// A reference to another resource by its id (`SubResource` of `network.json`), e.g. a
/// subnet's `networkSecurityGroup` and `routeTable`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SubResource {
    /// The resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
}

impl SubResource {
    /// A reference to `id`.
    pub fn new(id: impl Into<String>) -> Self {
        Self { id: Some(id.into()) }
    }
}

arm_core::string_enum! {
    /// The provisioning state of a `Microsoft.Network` resource (`ProvisioningState` of
    /// `network.json`).
    pub enum ProvisioningState {
        /// Done.
        Succeeded = "Succeeded",
        /// Being updated.
        Updating = "Updating",
        /// Being deleted.
        Deleting = "Deleting",
        /// Failed.
        Failed = "Failed",
    }
}
