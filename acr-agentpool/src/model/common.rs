//! The small types that agent pools, run requests, runs and tasks share: provisioning state,
//! platform, agent configuration, arguments and values, registry credentials, identity and
//! image descriptors.

use arm_core::azure_core::credentials::Secret;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

arm_core::string_enum! {
    /// The provisioning state of an agent pool, a run, a task or a task run (`ProvisioningState`).
    pub enum ProvisioningState {
        /// Being created.
        Creating = "Creating",
        /// Being updated (a pool being scaled).
        Updating = "Updating",
        /// Being deleted.
        Deleting = "Deleting",
        /// Done (terminal).
        Succeeded = "Succeeded",
        /// Failed (terminal).
        Failed = "Failed",
        /// Canceled (terminal).
        Canceled = "Canceled",
    }
}

impl ProvisioningState {
    /// Whether the state is final: `Succeeded`, `Failed` or `Canceled`.
    pub fn is_terminal(&self) -> bool {
        matches!(self, Self::Succeeded | Self::Failed | Self::Canceled)
    }
}

arm_core::string_enum! {
    /// An operating system (`OS`). Agent pools run Linux only ("Task agent pools currently
    /// support Linux nodes", learn.microsoft.com "Run an ACR task on a dedicated agent pool").
    pub enum Os {
        /// Windows.
        Windows = "Windows",
        /// Linux.
        Linux = "Linux",
    }
}

arm_core::string_enum! {
    /// A CPU architecture (`Architecture`).
    pub enum Architecture {
        /// x86-64.
        Amd64 = "amd64",
        /// 32-bit x86.
        X86 = "x86",
        /// 32-bit x86, as `386`.
        I386 = "386",
        /// 32-bit ARM.
        Arm = "arm",
        /// 64-bit ARM.
        Arm64 = "arm64",
    }
}

arm_core::string_enum! {
    /// The variant of an ARM CPU (`Variant`).
    pub enum Variant {
        /// ARMv6.
        V6 = "v6",
        /// ARMv7.
        V7 = "v7",
        /// ARMv8.
        V8 = "v8",
    }
}

/// The platform a run or task runs on (`PlatformProperties`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlatformProperties {
    /// The operating system.
    pub os: Os,
    /// The CPU architecture.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,
    /// The CPU variant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<Variant>,
}

impl PlatformProperties {
    /// Linux, with no architecture or variant given (the service picks amd64).
    pub fn linux() -> Self {
        Self {
            os: Os::Linux,
            architecture: None,
            variant: None,
        }
    }
}

/// The platform of a task update (`PlatformUpdateParameters`): every field optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlatformUpdateParameters {
    /// The operating system.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<Os>,
    /// The CPU architecture.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub architecture: Option<Architecture>,
    /// The CPU variant.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub variant: Option<Variant>,
}

/// The compute of a run on the service's default agents (`AgentProperties`); a run on an agent
/// pool gets its pool's tier instead.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AgentProperties {
    /// The CPU cores.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu: Option<i32>,
}

/// A build argument of a Docker build (`Argument`): `--build-arg` or, with `is_secret`,
/// `--secret-build-arg`. The value is a [`Secret`] either way: it is sent in the request body
/// and never shown by `Debug`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Argument {
    /// The name.
    pub name: String,
    /// The value.
    pub value: Secret,
    /// Whether the service hides the value in its logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_secret: Option<bool>,
}

/// A value of a task file or encoded task (`SetValue`, `--set` / `--set-secret`). The value is
/// a [`Secret`] either way, as for [`Argument`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SetValue {
    /// The name.
    pub name: String,
    /// The value.
    pub value: Secret,
    /// Whether the service hides the value in its logs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_secret: Option<bool>,
}

/// The credentials a run uses (`Credentials`): for the registry it runs in and for others.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Credentials {
    /// How the run logs in to the registry it runs in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_registry: Option<SourceRegistryCredentials>,
    /// Credentials for other registries, by login server (`myregistry.azurecr.io`). A task's
    /// response names each registry but hides its credentials as `null` (the spec's
    /// `TasksGet.json` and `TasksUpdate.json` examples): that entry is `None`, and is written
    /// back as `null`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub custom_registries: Option<HashMap<String, Option<CustomRegistryCredentials>>>,
}

/// How a run logs in to the registry it runs in (`SourceRegistryCredentials`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SourceRegistryCredentials {
    /// The identity (`[system]` or a user-assigned client id) the run logs in with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// `Default` (the run's own credentials) or `None` (no login).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub login_mode: Option<SourceRegistryLoginMode>,
}

arm_core::string_enum! {
    /// Whether a run logs in to its own registry (`SourceRegistryLoginMode`).
    pub enum SourceRegistryLoginMode {
        /// No login.
        None = "None",
        /// Login with the run's own credentials.
        Default = "Default",
    }
}

/// The credentials of another registry (`CustomRegistryCredentials`): a user name and password
/// (each literal or a Key Vault secret), or an identity.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomRegistryCredentials {
    /// The user name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_name: Option<SecretObject>,
    /// The password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<SecretObject>,
    /// The identity (`[system]` or a user-assigned client id) to log in with.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
}

/// A secret value (`SecretObject`): the value itself (`Opaque`) or a Key Vault secret URI
/// (`Vaultsecret`). Never shown by `Debug`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretObject {
    /// The value, or the Key Vault secret URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<Secret>,
    /// What `value` is.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<SecretObjectType>,
}

arm_core::string_enum! {
    /// What a [`SecretObject`]'s value is (`SecretObjectType`).
    pub enum SecretObjectType {
        /// The secret itself.
        Opaque = "Opaque",
        /// A Key Vault secret URI.
        Vaultsecret = "Vaultsecret",
    }
}

/// The managed identity of a task or task run (`IdentityProperties`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IdentityProperties {
    /// The principal id of the system-assigned identity; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub principal_id: Option<String>,
    /// The tenant id of the system-assigned identity; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tenant_id: Option<String>,
    /// The kinds of identity.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub type_: Option<ResourceIdentityType>,
    /// The user-assigned identities, by resource id; the values are empty in requests.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_assigned_identities: Option<HashMap<String, UserIdentityProperties>>,
}

/// A user-assigned identity (`UserIdentityProperties`): the same `principalId` and `clientId`
/// as ARM's common type.
pub type UserIdentityProperties = arm_core::UserAssignedIdentity;

arm_core::string_enum! {
    /// The kinds of managed identity (`ResourceIdentityType`).
    pub enum ResourceIdentityType {
        /// The system-assigned identity.
        SystemAssigned = "SystemAssigned",
        /// User-assigned identities.
        UserAssigned = "UserAssigned",
        /// Both.
        SystemAssignedUserAssigned = "SystemAssigned, UserAssigned",
        /// No identity.
        None = "None",
    }
}

/// An image, by registry, repository, tag and digest (`ImageDescriptor`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageDescriptor {
    /// The registry's login server.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub registry: Option<String>,
    /// The repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository: Option<String>,
    /// The tag.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// The digest (`sha256:...`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub digest: Option<String>,
}
