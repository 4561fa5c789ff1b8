//! Security settings: container security context, confidential compute, encryption.

use serde::{Deserialize, Serialize};

/// The security context of a container (the spec's `SecurityContextDefinition`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityContext {
    /// Whether the container runs privileged.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub privileged: Option<bool>,
    /// Whether the init process may gain more privileges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allow_privilege_escalation: Option<bool>,
    /// Capabilities added and dropped.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<SecurityCapabilities>,
    /// The group id the container runs as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_as_group: Option<i32>,
    /// The user id the container runs as.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_as_user: Option<i32>,
    /// A base64 encoded seccomp profile (JSON).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seccomp_profile: Option<String>,
}

/// The Linux capabilities added to and dropped from a container (the spec's
/// `SecurityContextCapabilitiesDefinition`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityCapabilities {
    /// Capabilities to add.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub add: Option<Vec<String>>,
    /// Capabilities to drop.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub drop: Option<Vec<String>>,
}

/// The properties of a confidential container group.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfidentialComputeProperties {
    /// The base64 encoded confidential compute enforcement policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cce_policy: Option<String>,
}

/// Encryption of a group's deployment data with a Key Vault key.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EncryptionProperties {
    /// The Key Vault base URL.
    pub vault_base_url: String,
    /// The key name.
    pub key_name: String,
    /// The key version.
    pub key_version: String,
    /// The managed identity that reads the key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
}
