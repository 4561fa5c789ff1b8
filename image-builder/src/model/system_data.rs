//! ARM `systemData`: who created and last modified a resource, and when.

use serde::{Deserialize, Serialize};

/// Creation and modification metadata that ARM adds to a resource (common types v3,
/// `systemData`). Times are kept as the RFC 3339 strings Azure sent.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SystemData {
    /// Who created the resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    /// The kind of principal that created the resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_by_type: Option<CreatedByType>,
    /// When the resource was created (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Who last modified the resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_by: Option<String>,
    /// The kind of principal that last modified the resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_by_type: Option<CreatedByType>,
    /// When the resource was last modified (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified_at: Option<String>,
}

arm_core::string_enum! {
    /// The kind of principal that created or modified a resource.
    pub enum CreatedByType {
        /// A user.
        User = "User",
        /// An application (service principal).
        Application = "Application",
        /// A managed identity.
        ManagedIdentity = "ManagedIdentity",
        /// A key.
        Key = "Key",
    }
}
