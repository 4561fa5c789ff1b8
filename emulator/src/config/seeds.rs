//! Seed records: the principals, subscriptions, resource groups and role assignments the emulator
//! starts with (config file) or receives later (admin `POST /seed`).
//!
//! Every id left out is a random UUID chosen when the seed is applied; every reference left out
//! (tenant, subscription, resource group) means "the first one".

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::redact;

/// The audience Entra expects in a federated (workload identity) assertion by default.
pub const DEFAULT_FEDERATED_AUDIENCE: &str = "api://AzureADTokenExchange";

/// An Entra ID tenant (directory).
#[derive(Deserialize, Clone, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct TenantSeed {
    /// Tenant id (GUID); random when left out.
    #[serde(default)]
    pub id: Option<String>,
}

/// An app registration with its service principal, able to use the client credentials grant.
#[derive(Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct ServicePrincipalSeed {
    /// Display name, for logs and for reference; defaults to `sp-<n>`.
    #[serde(default)]
    pub name: Option<String>,
    /// Home tenant; the first tenant when left out.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// Application (client) id; random when left out.
    #[serde(default)]
    pub client_id: Option<String>,
    /// Client secret; a random 40-character secret when left out.
    #[serde(default)]
    pub client_secret: Option<String>,
    /// Object id of the service principal (the `oid` claim); random when left out.
    #[serde(default)]
    pub object_id: Option<String>,
    /// Federated identity credentials (workload identity) accepted as client assertions.
    #[serde(default)]
    pub federated_credentials: Vec<FederatedCredentialSeed>,
    /// Roles granted to this principal.
    #[serde(default)]
    pub roles: Vec<RoleGrantSeed>,
}

/// Shows every field but the client secret.
impl std::fmt::Debug for ServicePrincipalSeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServicePrincipalSeed")
            .field("name", &self.name)
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &redact::optional(self.client_secret.as_ref()))
            .field("object_id", &self.object_id)
            .field("federated_credentials", &self.federated_credentials)
            .field("roles", &self.roles)
            .finish()
    }
}

/// A federated identity credential of an app: which external tokens it accepts.
#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct FederatedCredentialSeed {
    /// Expected `iss` of the assertion.
    pub issuer: String,
    /// Expected `sub` of the assertion.
    pub subject: String,
    /// Expected `aud` of the assertion.
    #[serde(default = "default_federated_audience")]
    pub audience: String,
}

fn default_federated_audience() -> String {
    DEFAULT_FEDERATED_AUDIENCE.to_owned()
}

/// Whether a managed identity is user-assigned (a resource of its own) or system-assigned.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, Default, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum IdentityKind {
    /// A `Microsoft.ManagedIdentity/userAssignedIdentities` resource.
    #[default]
    User,
    /// The identity of the (emulated) host resource itself. At most one.
    System,
}

/// A managed identity that the IMDS and App Service endpoints can issue tokens for.
#[derive(Deserialize, Clone, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct ManagedIdentitySeed {
    /// `user` (default) or `system`.
    #[serde(default)]
    pub kind: IdentityKind,
    /// Resource name; required for a user-assigned identity.
    #[serde(default)]
    pub name: Option<String>,
    /// Tenant of the identity; the first tenant when left out.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// Client id; random when left out.
    #[serde(default)]
    pub client_id: Option<String>,
    /// Principal (object) id; random when left out.
    #[serde(default)]
    pub principal_id: Option<String>,
    /// Full resource id. For a user-assigned identity it defaults to
    /// `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}`;
    /// for the system-assigned one to the emulated host
    /// `/subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.Compute/virtualMachines/az-emulator-host`.
    #[serde(default)]
    pub resource_id: Option<String>,
    /// Subscription for the default resource id; the first subscription when left out.
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// Resource group for the default resource id; the subscription's first resource group when
    /// left out.
    #[serde(default)]
    pub resource_group: Option<String>,
    /// Roles granted to this identity.
    #[serde(default)]
    pub roles: Vec<RoleGrantSeed>,
}

/// An Azure subscription.
#[derive(Deserialize, Clone, Debug, Default)]
#[serde(deny_unknown_fields)]
pub struct SubscriptionSeed {
    /// Subscription id (GUID); random when left out.
    #[serde(default)]
    pub id: Option<String>,
    /// Tenant the subscription trusts; the first tenant when left out.
    #[serde(default)]
    pub tenant_id: Option<String>,
    /// Display name; `Azure Emulator Subscription <n>` when left out.
    #[serde(default)]
    pub display_name: Option<String>,
}

/// A resource group that exists from the start.
#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct ResourceGroupSeed {
    /// Subscription; the first subscription when left out.
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// Name (1-90 letters, digits, `_`, `-`, `.`, `(`, `)`; not ending in `.`).
    pub name: String,
    /// Region; the config's `location` when left out.
    #[serde(default)]
    pub location: Option<String>,
    /// Tags.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
}

/// A built-in Azure RBAC role.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RoleName {
    /// Everything, including role assignments.
    Owner,
    /// Everything but granting access.
    Contributor,
    /// Read only.
    Reader,
    /// Storage accounts' management plane, keys included (no data access by token).
    #[serde(rename = "Storage Account Contributor")]
    StorageAccountContributor,
    /// Read and list Blob containers and blobs.
    #[serde(rename = "Storage Blob Data Reader")]
    StorageBlobDataReader,
    /// Read, write and delete Blob containers and blobs.
    #[serde(rename = "Storage Blob Data Contributor")]
    StorageBlobDataContributor,
    /// Full access to Blob containers and blobs, POSIX access control included.
    #[serde(rename = "Storage Blob Data Owner")]
    StorageBlobDataOwner,
}

/// A role granted inline on a principal: `role` at `scope`.
///
/// The scope is `scope` when given, else `/subscriptions/{subscription_id}` (the first
/// subscription when left out), narrowed to `/resourceGroups/{resource_group}` when that is given.
#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct RoleGrantSeed {
    /// The built-in role.
    pub role: RoleName,
    /// An explicit scope: `/`, a subscription, a resource group or a resource id.
    #[serde(default)]
    pub scope: Option<String>,
    /// Subscription of the scope when `scope` is left out.
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// Resource group of the scope when `scope` is left out.
    #[serde(default)]
    pub resource_group: Option<String>,
}

/// A role assignment for a principal referred to by id.
#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct RoleAssignmentSeed {
    /// Object id of a service principal or managed identity (a client id is accepted too and
    /// resolved to its object id).
    pub principal_id: String,
    /// The built-in role.
    pub role: RoleName,
    /// An explicit scope: `/`, a subscription, a resource group or a resource id.
    #[serde(default)]
    pub scope: Option<String>,
    /// Subscription of the scope when `scope` is left out.
    #[serde(default)]
    pub subscription_id: Option<String>,
    /// Resource group of the scope when `scope` is left out.
    #[serde(default)]
    pub resource_group: Option<String>,
}
