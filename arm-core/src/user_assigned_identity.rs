//! The ids ARM reports for a user-assigned managed identity of a resource.

use serde::{Deserialize, Serialize};

/// A user-assigned identity of a resource, a value of its `identity.userAssignedIdentities`
/// map keyed by the identity's resource id (`UserAssignedIdentity` of the ARM common types,
/// `common-types/resource-management/v5/managedidentity.json` of Azure/azure-rest-api-specs).
/// Both ids are set by Azure: requests send an empty object.
///
/// ```
/// let identity: arm_core::UserAssignedIdentity =
///     serde_json::from_value(serde_json::json!({ "principalId": "p", "clientId": "c" }))?;
/// assert_eq!(identity.client_id.as_deref(), Some("c"));
/// assert_eq!(serde_json::to_value(arm_core::UserAssignedIdentity::default())?, serde_json::json!({}));
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UserAssignedIdentity {
    /// The principal (object) id; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// The client (application) id; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
}
