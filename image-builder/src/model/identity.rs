//! The managed identity of an image template.

use arm_core::UserAssignedIdentity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The identity of an image template (`ImageTemplateIdentity`). Image Builder takes exactly one
/// user-assigned identity: it reads the source, the scripts and files, and writes the
/// distribution targets with it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageTemplateIdentity {
    /// `UserAssigned`, or `None` in some answers.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub identity_type: Option<ResourceIdentityType>,
    /// The user-assigned identities, by resource id; the values are empty in requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_assigned_identities: Option<BTreeMap<String, UserAssignedIdentity>>,
}

impl ImageTemplateIdentity {
    /// The user-assigned identity with resource id `resource_id`.
    ///
    /// ```
    /// let identity = image_builder::model::ImageTemplateIdentity::user_assigned(
    ///     "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aib",
    /// );
    /// assert_eq!(identity.resource_ids().count(), 1);
    /// ```
    pub fn user_assigned(resource_id: impl Into<String>) -> Self {
        Self {
            identity_type: Some(ResourceIdentityType::UserAssigned),
            user_assigned_identities: Some(BTreeMap::from([(resource_id.into(), UserAssignedIdentity::default())])),
        }
    }

    /// The resource ids of the user-assigned identities.
    pub fn resource_ids(&self) -> impl Iterator<Item = &str> {
        self.user_assigned_identities
            .iter()
            .flatten()
            .map(|(id, _)| id.as_str())
    }
}

arm_core::string_enum! {
    /// The kind of identity of an image template.
    pub enum ResourceIdentityType {
        /// User-assigned managed identities.
        UserAssigned = "UserAssigned",
        /// No identity.
        None = "None",
    }
}
