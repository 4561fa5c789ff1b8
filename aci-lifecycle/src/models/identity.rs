//! Managed identities of a group, and which containers may use them.

use arm_core::UserAssignedIdentity;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The managed identities of a container group.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerGroupIdentity {
    /// The principal id of the system-assigned identity; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// The tenant id of the system-assigned identity; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// Which identities the group has.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub identity_type: Option<ResourceIdentityType>,
    /// The user-assigned identities, keyed by resource id
    /// (`/subscriptions/…/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}`);
    /// in a request the values are empty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_assigned_identities: Option<BTreeMap<String, UserAssignedIdentity>>,
}

impl ContainerGroupIdentity {
    /// The system-assigned identity only.
    pub fn system_assigned() -> Self {
        Self {
            identity_type: Some(ResourceIdentityType::SystemAssigned),
            ..Self::default()
        }
    }

    /// The user-assigned identities with the given resource ids.
    pub fn user_assigned<I: Into<String>>(resource_ids: impl IntoIterator<Item = I>) -> Self {
        Self {
            identity_type: Some(ResourceIdentityType::UserAssigned),
            user_assigned_identities: Some(
                resource_ids
                    .into_iter()
                    .map(|id| (id.into(), UserAssignedIdentity::default()))
                    .collect(),
            ),
            ..Self::default()
        }
    }
}

arm_core::string_enum! {
    /// Which managed identities a group has.
    pub enum ResourceIdentityType {
        /// A system-assigned identity.
        SystemAssigned = "SystemAssigned",
        /// User-assigned identities.
        UserAssigned = "UserAssigned",
        /// Both.
        SystemAssignedUserAssigned = "SystemAssigned, UserAssigned",
        /// None (removes the identities).
        None = "None",
    }
}

/// Which containers may use which of the group's identities.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityAcls {
    /// The access of identities not listed in `acls`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub default_access: Option<IdentityAccessLevel>,
    /// The access of each listed identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub acls: Option<Vec<IdentityAccessControl>>,
}

/// The access level of one identity.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityAccessControl {
    /// The access level.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub access: Option<IdentityAccessLevel>,
    /// The identity's resource id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
}

arm_core::string_enum! {
    /// Who may use an identity.
    pub enum IdentityAccessLevel {
        /// Everyone.
        All = "All",
        /// The system only.
        System = "System",
        /// The user's containers only.
        User = "User",
    }
}
