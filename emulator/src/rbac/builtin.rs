//! The built-in roles the project's principals use, under their real GUIDs, with their real
//! permission lists, as data.
//!
//! Sources (every GUID, description and list below was read from them, not recalled):
//! the generated reference pages of learn.microsoft.com "Azure built-in roles", in
//! MicrosoftDocs/azure-docs `articles/role-based-access-control/built-in-roles/*.md` (each role's
//! JSON block), namely `general.md` (Reader), `privileged.md` (Owner, Contributor, User Access
//! Administrator, Role Based Access Control Administrator), `containers.md` (AcrPull, AcrPush),
//! `identity.md` (Managed Identity Operator, Managed Identity Contributor), `storage.md` (Storage
//! Account Contributor and the Storage Blob roles), `compute.md` (Virtual Machine Contributor);
//! Network Contributor from the same generated JSON in the older single-page `built-in-roles.md`
//! (identical across its language copies). The index table of `built-in-roles.md` gives the
//! Azure Container Instances Contributor Role's GUID and description (see its entry for the
//! caveat on its actions). `createdOn`/`updatedOn` are given where a captured ARM response shows
//! them (`role-definitions-list.md`'s REST example for Reader; a recorded response for Owner),
//! and are `null` otherwise rather than invented.

use super::definition::{Permission, RoleDefinition, RoleType};
use crate::config::RoleName;

/// A built-in role as static data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BuiltInRole {
    /// The GUID (same in every cloud).
    pub name: &'static str,
    /// `roleName`.
    pub role_name: &'static str,
    /// `description`, as ARM returns it (the JSON `description`, which may differ from the
    /// docs' one-line summary).
    pub description: &'static str,
    /// `actions`.
    pub actions: &'static [&'static str],
    /// `notActions`.
    pub not_actions: &'static [&'static str],
    /// `dataActions`.
    pub data_actions: &'static [&'static str],
    /// `notDataActions`.
    pub not_data_actions: &'static [&'static str],
    /// `createdOn`, when a captured response shows it.
    pub created_on: Option<&'static str>,
    /// `updatedOn`, when a captured response shows it.
    pub updated_on: Option<&'static str>,
}

impl BuiltInRole {
    /// Whether the role grants the control plane `action` (one permission block).
    pub fn allows_action(&self, action: &str) -> bool {
        super::pattern::permits(self.actions, self.not_actions, action)
    }

    /// Whether the role grants the data plane `data_action`.
    pub fn allows_data_action(&self, data_action: &str) -> bool {
        super::pattern::permits(self.data_actions, self.not_data_actions, data_action)
    }

    /// The role as a [`RoleDefinition`] (assignable at `/`, as every built-in role is).
    pub fn definition(&self) -> RoleDefinition {
        let owned = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        RoleDefinition {
            name: self.name.to_owned(),
            role_name: self.role_name.to_owned(),
            role_type: RoleType::BuiltIn,
            description: self.description.to_owned(),
            assignable_scopes: vec!["/".to_owned()],
            permissions: vec![Permission {
                actions: owned(self.actions),
                not_actions: owned(self.not_actions),
                data_actions: owned(self.data_actions),
                not_data_actions: owned(self.not_data_actions),
            }],
            created_on: self.created_on.map(str::to_owned),
            updated_on: self.updated_on.map(str::to_owned),
            created_by: None,
            updated_by: None,
        }
    }
}

const NONE: &[&str] = &[];

/// Owner (`privileged.md`).
pub const OWNER: BuiltInRole = BuiltInRole {
    name: "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    role_name: "Owner",
    description: "Grants full access to manage all resources, including the ability to assign roles in Azure RBAC.",
    actions: &["*"],
    not_actions: NONE,
    data_actions: NONE,
    not_data_actions: NONE,
    created_on: Some("2015-02-02T21:55:09.8806423Z"),
    updated_on: Some("2020-08-14T20:13:58.4137852Z"),
};

/// Contributor (`privileged.md`, page dated 2026-07-01).
pub const CONTRIBUTOR: BuiltInRole = BuiltInRole {
    name: "b24988ac-6180-42a0-ab88-20f7382dd24c",
    role_name: "Contributor",
    description: "Grants full access to manage all resources, but does not allow you to assign roles in Azure RBAC, manage assignments in Azure Blueprints, or share image galleries.",
    actions: &["*"],
    not_actions: &[
        "Microsoft.Authorization/*/Delete",
        "Microsoft.Authorization/*/Write",
        "Microsoft.Authorization/elevateAccess/Action",
        "Microsoft.Blueprint/blueprintAssignments/write",
        "Microsoft.Blueprint/blueprintAssignments/delete",
        "Microsoft.Compute/galleries/share/action",
        "Microsoft.Purview/consents/write",
        "Microsoft.Purview/consents/delete",
        "Microsoft.Resources/deploymentStacks/manageDenySetting/action",
        "Microsoft.Subscription/cancel/action",
        "Microsoft.Subscription/enable/action",
    ],
    data_actions: NONE,
    not_data_actions: NONE,
    created_on: None,
    updated_on: None,
};

/// Reader (`general.md`; timestamps from `role-definitions-list.md`'s REST example).
pub const READER: BuiltInRole = BuiltInRole {
    name: "acdd72a7-3385-48ef-bd42-f606fba81ae7",
    role_name: "Reader",
    description: "View all resources, but does not allow you to make any changes.",
    actions: &["*/read"],
    not_actions: NONE,
    data_actions: NONE,
    not_data_actions: NONE,
    created_on: Some("2015-02-02T21:55:09.8806423Z"),
    updated_on: Some("2021-11-11T20:13:47.8628684Z"),
};

/// User Access Administrator (`privileged.md`).
pub const USER_ACCESS_ADMINISTRATOR: BuiltInRole = BuiltInRole {
    name: "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9",
    role_name: "User Access Administrator",
    description: "Lets you manage user access to Azure resources.",
    actions: &["*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"],
    not_actions: NONE,
    data_actions: NONE,
    not_data_actions: NONE,
    created_on: None,
    updated_on: None,
};

/// Role Based Access Control Administrator (`privileged.md`). The published JSON carries no
/// condition for this role.
pub const ROLE_BASED_ACCESS_CONTROL_ADMINISTRATOR: BuiltInRole = BuiltInRole {
    name: "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
    role_name: "Role Based Access Control Administrator",
    description: "Manage access to Azure resources by assigning roles using Azure RBAC. This role does not allow you to manage access using other ways, such as Azure Policy.",
    actions: &[
        "Microsoft.Authorization/roleAssignments/write",
        "Microsoft.Authorization/roleAssignments/delete",
        "*/read",
        "Microsoft.Support/*",
    ],
    not_actions: NONE,
    data_actions: NONE,
    not_data_actions: NONE,
    created_on: None,
    updated_on: None,
};

/// Azure Container Instances Contributor Role. GUID and description: the index table of
/// `built-in-roles.md` ("Grants read/write access to container groups provided by Azure
/// Container Instances"). Its JSON block was in none of the stored copies of `containers.md`
/// (the role is newer than them), so the actions are the documented summary,
/// `Microsoft.ContainerInstance/containerGroups/*`, plus the reads and support actions every
/// service "Contributor" role of Microsoft carries (compare Network Contributor). Check the list
/// against `az role definition list --name "Azure Container Instances Contributor Role"` when a
/// subscription is at hand.
pub const AZURE_CONTAINER_INSTANCES_CONTRIBUTOR: BuiltInRole = BuiltInRole {
    name: "5d977122-f97e-4b4d-a52f-6b43003ddb4d",
    role_name: "Azure Container Instances Contributor Role",
    description: "Grants read/write access to container groups provided by Azure Container Instances",
    actions: &[
        "Microsoft.Authorization/*/read",
        "Microsoft.ContainerInstance/containerGroups/*",
        "Microsoft.Insights/alertRules/*",
        "Microsoft.Resources/deployments/*",
        "Microsoft.Resources/subscriptions/resourceGroups/read",
        "Microsoft.Support/*",
    ],
    not_actions: NONE,
    data_actions: NONE,
    not_data_actions: NONE,
    created_on: None,
    updated_on: None,
};

/// Network Contributor (generated JSON of `built-in-roles.md`, networking section).
pub const NETWORK_CONTRIBUTOR: BuiltInRole = BuiltInRole {
    name: "4d97b98b-1d4f-4787-a291-c67834d212e7",
    role_name: "Network Contributor",
    description: "Lets you manage networks, but not access to them.",
    actions: &[
        "Microsoft.Authorization/*/read",
        "Microsoft.Insights/alertRules/*",
        "Microsoft.Network/*",
        "Microsoft.ResourceHealth/availabilityStatuses/read",
        "Microsoft.Resources/deployments/*",
        "Microsoft.Resources/subscriptions/resourceGroups/read",
        "Microsoft.Support/*",
    ],
    not_actions: NONE,
    data_actions: NONE,
    not_data_actions: NONE,
    created_on: None,
    updated_on: None,
};

/// Managed Identity Operator (`identity.md`): what attaching a user-assigned identity to a
/// container group, VM or image template needs (`.../userAssignedIdentities/*/assign/action`).
pub const MANAGED_IDENTITY_OPERATOR: BuiltInRole = BuiltInRole {
    name: "f1a07417-d97a-45cb-824c-7a7467783830",
    role_name: "Managed Identity Operator",
    description: "Read and Assign User Assigned Identity",
    actions: &[
        "Microsoft.ManagedIdentity/userAssignedIdentities/*/read",
        "Microsoft.ManagedIdentity/userAssignedIdentities/*/assign/action",
        "Microsoft.Authorization/*/read",
        "Microsoft.Insights/alertRules/*",
        "Microsoft.Resources/subscriptions/resourceGroups/read",
        "Microsoft.Resources/deployments/*",
        "Microsoft.Support/*",
    ],
    not_actions: NONE,
    data_actions: NONE,
    not_data_actions: NONE,
    created_on: None,
    updated_on: None,
};

/// Managed Identity Contributor (`identity.md`).
pub const MANAGED_IDENTITY_CONTRIBUTOR: BuiltInRole = BuiltInRole {
    name: "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59",
    role_name: "Managed Identity Contributor",
    description: "Create, Read, Update, and Delete User Assigned Identity",
    actions: &[
        "Microsoft.ManagedIdentity/userAssignedIdentities/read",
        "Microsoft.ManagedIdentity/userAssignedIdentities/write",
        "Microsoft.ManagedIdentity/userAssignedIdentities/delete",
        "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read",
        "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/write",
        "Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/delete",
        "Microsoft.ManagedIdentity/userAssignedIdentities/revokeTokens/action",
        "Microsoft.Authorization/*/read",
        "Microsoft.Insights/alertRules/*",
        "Microsoft.Resources/subscriptions/resourceGroups/read",
        "Microsoft.Resources/deployments/*",
        "Microsoft.Support/*",
    ],
    not_actions: NONE,
    data_actions: NONE,
    not_data_actions: NONE,
    created_on: None,
    updated_on: None,
};

/// Storage Account Contributor (`storage.md`): manages accounts, including `listKeys` (the
/// fallback Image Builder staging accounts need).
pub const STORAGE_ACCOUNT_CONTRIBUTOR: BuiltInRole = BuiltInRole {
    name: "17d1049b-9a84-46fb-8f53-869881c3d3ab",
    role_name: "Storage Account Contributor",
    description: "Lets you manage storage accounts, including accessing storage account keys which provide full access to storage account data.",
    actions: &[
        "Microsoft.Authorization/*/read",
        "Microsoft.Insights/alertRules/*",
        "Microsoft.Insights/diagnosticSettings/*",
        "Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action",
        "Microsoft.ResourceHealth/availabilityStatuses/read",
        "Microsoft.Resources/deployments/*",
        "Microsoft.Resources/subscriptions/resourceGroups/read",
        "Microsoft.Storage/storageAccounts/*",
        "Microsoft.Support/*",
    ],
    not_actions: NONE,
    data_actions: NONE,
    not_data_actions: NONE,
    created_on: None,
    updated_on: None,
};

/// Storage Blob Data Reader (`storage.md`).
pub const STORAGE_BLOB_DATA_READER: BuiltInRole = BuiltInRole {
    name: "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1",
    role_name: "Storage Blob Data Reader",
    description: "Allows for read access to Azure Storage blob containers and data",
    actions: &[
        "Microsoft.Storage/storageAccounts/blobServices/containers/read",
        "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
    ],
    not_actions: NONE,
    data_actions: &["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read"],
    not_data_actions: NONE,
    created_on: None,
    updated_on: None,
};

/// Storage Blob Data Contributor (`storage.md`).
pub const STORAGE_BLOB_DATA_CONTRIBUTOR: BuiltInRole = BuiltInRole {
    name: "ba92f5b4-2d11-453d-a403-e96b0029c9fe",
    role_name: "Storage Blob Data Contributor",
    description: "Allows for read, write and delete access to Azure Storage blob containers and data",
    actions: &[
        "Microsoft.Storage/storageAccounts/blobServices/containers/delete",
        "Microsoft.Storage/storageAccounts/blobServices/containers/read",
        "Microsoft.Storage/storageAccounts/blobServices/containers/write",
        "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
    ],
    not_actions: NONE,
    data_actions: &[
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/delete",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/move/action",
        "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action",
    ],
    not_data_actions: NONE,
    created_on: None,
    updated_on: None,
};

/// Storage Blob Data Owner (`storage.md`).
pub const STORAGE_BLOB_DATA_OWNER: BuiltInRole = BuiltInRole {
    name: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    role_name: "Storage Blob Data Owner",
    description: "Allows for full access to Azure Storage blob containers and data, including assigning POSIX access control.",
    actions: &[
        "Microsoft.Storage/storageAccounts/blobServices/containers/*",
        "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action",
    ],
    not_actions: NONE,
    data_actions: &["Microsoft.Storage/storageAccounts/blobServices/containers/blobs/*"],
    not_data_actions: NONE,
    created_on: None,
    updated_on: None,
};

/// Storage Blob Delegator (`storage.md`): only the user delegation key.
pub const STORAGE_BLOB_DELEGATOR: BuiltInRole = BuiltInRole {
    name: "db58b8e5-c6ad-4a2a-8342-4190687cbf4a",
    role_name: "Storage Blob Delegator",
    description: "Allows for generation of a user delegation key which can be used to sign SAS tokens",
    actions: &["Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action"],
    not_actions: NONE,
    data_actions: NONE,
    not_data_actions: NONE,
    created_on: None,
    updated_on: None,
};

/// AcrPull (`containers.md`).
pub const ACR_PULL: BuiltInRole = BuiltInRole {
    name: "7f951dda-4ed3-4680-a7ca-43fe172d538d",
    role_name: "AcrPull",
    description: "acr pull",
    actions: &["Microsoft.ContainerRegistry/registries/pull/read"],
    not_actions: NONE,
    data_actions: NONE,
    not_data_actions: NONE,
    created_on: None,
    updated_on: None,
};

/// AcrPush (`containers.md`).
pub const ACR_PUSH: BuiltInRole = BuiltInRole {
    name: "8311e382-0749-4cb8-b61a-304f252e45ec",
    role_name: "AcrPush",
    description: "acr push",
    actions: &[
        "Microsoft.ContainerRegistry/registries/pull/read",
        "Microsoft.ContainerRegistry/registries/push/write",
    ],
    not_actions: NONE,
    data_actions: NONE,
    not_data_actions: NONE,
    created_on: None,
    updated_on: None,
};

/// Virtual Machine Contributor (`compute.md`).
pub const VIRTUAL_MACHINE_CONTRIBUTOR: BuiltInRole = BuiltInRole {
    name: "9980e02c-c2be-4d73-94e8-173b1dc7cf3c",
    role_name: "Virtual Machine Contributor",
    description: "Lets you manage virtual machines, but not access to them, and not the virtual network or storage account they're connected to.",
    actions: &[
        "Microsoft.Authorization/*/read",
        "Microsoft.Compute/availabilitySets/*",
        "Microsoft.Compute/locations/*",
        "Microsoft.Compute/virtualMachines/*",
        "Microsoft.Compute/virtualMachineScaleSets/*",
        "Microsoft.Compute/cloudServices/*",
        "Microsoft.Compute/disks/write",
        "Microsoft.Compute/disks/read",
        "Microsoft.Compute/disks/delete",
        "Microsoft.Compute/hostgroups/write",
        "Microsoft.Compute/hostgroups/hosts/write",
        "Microsoft.DevTestLab/schedules/*",
        "Microsoft.Insights/alertRules/*",
        "Microsoft.Network/applicationGateways/backendAddressPools/join/action",
        "Microsoft.Network/loadBalancers/backendAddressPools/join/action",
        "Microsoft.Network/loadBalancers/inboundNatPools/join/action",
        "Microsoft.Network/loadBalancers/inboundNatRules/join/action",
        "Microsoft.Network/loadBalancers/probes/join/action",
        "Microsoft.Network/loadBalancers/read",
        "Microsoft.Network/locations/*",
        "Microsoft.Network/networkInterfaces/*",
        "Microsoft.Network/networkSecurityGroups/join/action",
        "Microsoft.Network/networkSecurityGroups/read",
        "Microsoft.Network/publicIPAddresses/join/action",
        "Microsoft.Network/publicIPAddresses/read",
        "Microsoft.Network/virtualNetworks/read",
        "Microsoft.Network/virtualNetworks/subnets/join/action",
        "Microsoft.RecoveryServices/locations/*",
        "Microsoft.RecoveryServices/Vaults/backupFabrics/backupProtectionIntent/write",
        "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/*/read",
        "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/read",
        "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/write",
        "Microsoft.RecoveryServices/Vaults/backupPolicies/read",
        "Microsoft.RecoveryServices/Vaults/backupPolicies/write",
        "Microsoft.RecoveryServices/Vaults/read",
        "Microsoft.RecoveryServices/Vaults/usages/read",
        "Microsoft.RecoveryServices/Vaults/write",
        "Microsoft.ResourceHealth/availabilityStatuses/read",
        "Microsoft.Resources/deployments/*",
        "Microsoft.Resources/subscriptions/resourceGroups/read",
        "Microsoft.SerialConsole/serialPorts/connect/action",
        "Microsoft.SqlVirtualMachine/*",
        "Microsoft.Storage/storageAccounts/listKeys/action",
        "Microsoft.Storage/storageAccounts/read",
        "Microsoft.Support/*",
    ],
    not_actions: NONE,
    data_actions: NONE,
    not_data_actions: NONE,
    created_on: None,
    updated_on: None,
};

/// Every built-in role the emulator knows, the order `GET .../roleDefinitions` lists them in.
pub const BUILT_IN_ROLES: &[BuiltInRole] = &[
    OWNER,
    CONTRIBUTOR,
    READER,
    USER_ACCESS_ADMINISTRATOR,
    ROLE_BASED_ACCESS_CONTROL_ADMINISTRATOR,
    AZURE_CONTAINER_INSTANCES_CONTRIBUTOR,
    NETWORK_CONTRIBUTOR,
    MANAGED_IDENTITY_OPERATOR,
    MANAGED_IDENTITY_CONTRIBUTOR,
    STORAGE_ACCOUNT_CONTRIBUTOR,
    STORAGE_BLOB_DATA_READER,
    STORAGE_BLOB_DATA_CONTRIBUTOR,
    STORAGE_BLOB_DATA_OWNER,
    STORAGE_BLOB_DELEGATOR,
    ACR_PULL,
    ACR_PUSH,
    VIRTUAL_MACHINE_CONTRIBUTOR,
];

/// The built-in role with this GUID (case-insensitive).
pub fn by_id(guid: &str) -> Option<&'static BuiltInRole> {
    BUILT_IN_ROLES.iter().find(|r| r.name.eq_ignore_ascii_case(guid.trim()))
}

/// The built-in role with this `roleName` (case-insensitive, as `$filter=roleName eq '...'`
/// and `az role assignment create --role Reader` resolve it).
pub fn by_role_name(role_name: &str) -> Option<&'static BuiltInRole> {
    BUILT_IN_ROLES
        .iter()
        .find(|r| r.role_name.eq_ignore_ascii_case(role_name.trim()))
}

/// The built-in role a configuration file names.
pub fn for_config_role(role: RoleName) -> &'static BuiltInRole {
    match role {
        RoleName::Owner => &OWNER,
        RoleName::Contributor => &CONTRIBUTOR,
        RoleName::Reader => &READER,
        RoleName::StorageAccountContributor => &STORAGE_ACCOUNT_CONTRIBUTOR,
        RoleName::StorageBlobDataReader => &STORAGE_BLOB_DATA_READER,
        RoleName::StorageBlobDataContributor => &STORAGE_BLOB_DATA_CONTRIBUTOR,
        RoleName::StorageBlobDataOwner => &STORAGE_BLOB_DATA_OWNER,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::{BUILT_IN_ROLES, by_id, by_role_name, for_config_role};
    use crate::config::RoleName;

    #[test]
    fn guids_are_the_published_ones_and_unique() {
        let expected = [
            ("Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"),
            ("Contributor", "b24988ac-6180-42a0-ab88-20f7382dd24c"),
            ("Reader", "acdd72a7-3385-48ef-bd42-f606fba81ae7"),
            ("User Access Administrator", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9"),
            (
                "Role Based Access Control Administrator",
                "f58310d9-a9f6-439a-9e8d-f62e7b41a168",
            ),
            (
                "Azure Container Instances Contributor Role",
                "5d977122-f97e-4b4d-a52f-6b43003ddb4d",
            ),
            ("Network Contributor", "4d97b98b-1d4f-4787-a291-c67834d212e7"),
            ("Managed Identity Operator", "f1a07417-d97a-45cb-824c-7a7467783830"),
            ("Managed Identity Contributor", "e40ec5ca-96e0-45a2-b4ff-59039f2c2b59"),
            ("Storage Account Contributor", "17d1049b-9a84-46fb-8f53-869881c3d3ab"),
            ("Storage Blob Data Reader", "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1"),
            ("Storage Blob Data Contributor", "ba92f5b4-2d11-453d-a403-e96b0029c9fe"),
            ("Storage Blob Data Owner", "b7e6dc6d-f1e8-4753-8033-0f276bb0955b"),
            ("Storage Blob Delegator", "db58b8e5-c6ad-4a2a-8342-4190687cbf4a"),
            ("AcrPull", "7f951dda-4ed3-4680-a7ca-43fe172d538d"),
            ("AcrPush", "8311e382-0749-4cb8-b61a-304f252e45ec"),
            ("Virtual Machine Contributor", "9980e02c-c2be-4d73-94e8-173b1dc7cf3c"),
        ];
        assert_eq!(BUILT_IN_ROLES.len(), expected.len());
        for (role_name, guid) in expected {
            assert_eq!(by_role_name(role_name).map(|r| r.name), Some(guid), "{role_name}");
            assert_eq!(by_id(&guid.to_uppercase()).map(|r| r.role_name), Some(role_name));
            assert!(uuid::Uuid::try_parse(guid).is_ok());
        }
        let names: HashSet<_> = BUILT_IN_ROLES.iter().map(|r| r.role_name).collect();
        assert_eq!(names.len(), BUILT_IN_ROLES.len());
        assert_eq!(by_role_name(" reader "), by_id("acdd72a7-3385-48ef-bd42-f606fba81ae7"));
        assert!(by_id("00000000-0000-0000-0000-000000000000").is_none());
    }

    #[test]
    fn config_roles_map_to_built_in_roles() {
        for role in [
            RoleName::Owner,
            RoleName::StorageAccountContributor,
            RoleName::StorageBlobDataReader,
            RoleName::StorageBlobDataContributor,
            RoleName::StorageBlobDataOwner,
        ] {
            let configured = serde_json::to_value(role).unwrap();
            assert_eq!(Some(for_config_role(role).role_name), configured.as_str(), "{role:?}");
        }
        assert_eq!(for_config_role(RoleName::Owner).role_name, "Owner");
        assert_eq!(for_config_role(RoleName::Contributor).role_name, "Contributor");
        assert_eq!(
            for_config_role(RoleName::Reader).name,
            "acdd72a7-3385-48ef-bd42-f606fba81ae7"
        );
    }

    /// What each role lets the project's principals do, and what it does not.
    #[test]
    fn role_semantics() {
        let cg = "Microsoft.ContainerInstance/containerGroups";
        let ra_write = "Microsoft.Authorization/roleAssignments/write";
        let blob_read = "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read";
        let udk = "Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action";
        let assign_identity = "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action";
        let r = |name: &str| by_role_name(name).unwrap();

        assert!(r("Owner").allows_action(ra_write));
        assert!(!r("Owner").allows_data_action(blob_read));
        assert!(r("Contributor").allows_action(&format!("{cg}/write")));
        assert!(!r("Contributor").allows_action(ra_write));
        assert!(!r("Contributor").allows_action("Microsoft.Authorization/roleDefinitions/delete"));
        assert!(r("Contributor").allows_action("Microsoft.Authorization/roleAssignments/read"));
        assert!(!r("Contributor").allows_action("Microsoft.Authorization/elevateAccess/action"));
        assert!(r("Contributor").allows_action(assign_identity));
        assert!(r("Reader").allows_action(&format!("{cg}/read")));
        assert!(!r("Reader").allows_action(&format!("{cg}/write")));
        assert!(!r("Reader").allows_action(&format!("{cg}/stop/action")));
        assert!(r("User Access Administrator").allows_action(ra_write));
        assert!(!r("User Access Administrator").allows_action(&format!("{cg}/write")));
        assert!(r("Role Based Access Control Administrator").allows_action(ra_write));
        assert!(
            !r("Role Based Access Control Administrator")
                .allows_action("Microsoft.Authorization/roleDefinitions/write")
        );

        let aci = r("Azure Container Instances Contributor Role");
        for action in [
            "write",
            "read",
            "delete",
            "stop/action",
            "start/action",
            "restart/action",
            "containers/logs/read",
            "containers/exec/action",
        ] {
            assert!(aci.allows_action(&format!("{cg}/{action}")), "{action}");
        }
        assert!(!aci.allows_action("Microsoft.Storage/storageAccounts/write"));
        assert!(!aci.allows_action(assign_identity));

        assert!(r("Managed Identity Operator").allows_action(assign_identity));
        assert!(r("Managed Identity Operator").allows_action("Microsoft.ManagedIdentity/userAssignedIdentities/read"));
        assert!(
            r("Managed Identity Operator")
                .allows_action("Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials/read")
        );
        assert!(
            !r("Managed Identity Operator").allows_action("Microsoft.ManagedIdentity/userAssignedIdentities/write")
        );
        assert!(
            r("Managed Identity Contributor").allows_action("Microsoft.ManagedIdentity/userAssignedIdentities/write")
        );
        assert!(!r("Managed Identity Contributor").allows_action(assign_identity));
        assert!(r("Network Contributor").allows_action("Microsoft.Network/virtualNetworks/subnets/join/action"));

        assert!(r("Storage Blob Data Reader").allows_data_action(blob_read));
        assert!(
            !r("Storage Blob Data Reader")
                .allows_data_action("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write")
        );
        assert!(r("Storage Blob Data Reader").allows_action(udk));
        assert!(
            r("Storage Blob Data Contributor")
                .allows_data_action("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/add/action")
        );
        assert!(
            !r("Storage Blob Data Contributor")
                .allows_data_action("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags/write")
        );
        assert!(
            r("Storage Blob Data Owner")
                .allows_data_action("Microsoft.Storage/storageAccounts/blobServices/containers/blobs/tags/write")
        );
        assert!(
            r("Storage Blob Data Owner")
                .allows_action("Microsoft.Storage/storageAccounts/blobServices/containers/write")
        );
        assert!(r("Storage Blob Delegator").allows_action(udk));
        assert!(!r("Storage Blob Delegator").allows_data_action(blob_read));
        assert!(r("Storage Account Contributor").allows_action("Microsoft.Storage/storageAccounts/listKeys/action"));
        assert!(!r("Storage Account Contributor").allows_data_action(blob_read));

        assert!(r("AcrPull").allows_action("Microsoft.ContainerRegistry/registries/pull/read"));
        assert!(!r("AcrPull").allows_action("Microsoft.ContainerRegistry/registries/push/write"));
        assert!(r("AcrPush").allows_action("Microsoft.ContainerRegistry/registries/push/write"));
        assert!(r("Virtual Machine Contributor").allows_action("Microsoft.Compute/virtualMachines/start/action"));
        assert!(!r("Virtual Machine Contributor").allows_action("Microsoft.Network/virtualNetworks/write"));
    }

    #[test]
    fn built_in_definitions_serialize_like_arm() {
        let reader = by_role_name("Reader").unwrap().definition();
        let json = reader.to_arm_json(Some("sub"));
        assert_eq!(
            json["id"],
            "/subscriptions/sub/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7"
        );
        assert_eq!(json["properties"]["type"], "BuiltInRole");
        assert_eq!(json["properties"]["assignableScopes"], serde_json::json!(["/"]));
        assert_eq!(
            json["properties"]["permissions"][0]["actions"],
            serde_json::json!(["*/read"])
        );
        assert_eq!(
            json["properties"]["permissions"][0]["dataActions"],
            serde_json::json!([])
        );
        assert_eq!(json["properties"]["createdOn"], "2015-02-02T21:55:09.8806423Z");
        assert!(json["properties"]["createdBy"].is_null());
        for role in BUILT_IN_ROLES {
            let definition = role.definition();
            assert!(
                definition.is_assignable_at(&crate::rbac::scope::Scope::parse("/subscriptions/x/resourceGroups/y"))
            );
            assert_eq!(definition.permissions.len(), 1);
        }
    }
}
