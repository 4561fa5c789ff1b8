//! ARM `systemData`: who created and last modified a resource, and when.

use serde::{Deserialize, Serialize};

/// Creation and modification metadata that ARM adds to a resource: `systemData` of the ARM
/// common types (`common-types/resource-management/v3/types.json` and `v5/types.json` of
/// Azure/azure-rest-api-specs, which define it alike). Times are kept as the RFC 3339 strings
/// Azure sent.
///
/// ```
/// use arm_core::{CreatedByType, SystemData};
///
/// let data: SystemData = serde_json::from_value(serde_json::json!({
///     "createdBy": "someone@example.com",
///     "createdByType": "User",
///     "createdAt": "2025-10-01T12:34:56.789Z"
/// }))?;
/// assert_eq!(data.created_by_type, Some(CreatedByType::User));
/// assert_eq!(data.last_modified_by, None);
/// # Ok::<(), serde_json::Error>(())
/// ```
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

crate::string_enum! {
    /// The kind of principal that created or modified a resource (`createdByType`).
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
