//! Volumes of a group and their mounts in containers.

use arm_core::azure_core::credentials::Secret;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A volume of a container group. Exactly one kind (`azure_file`, `empty_dir`, `secret`,
/// `secret_reference`, `git_repo`) is expected to be set.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Volume {
    /// The name containers mount it by.
    pub name: String,
    /// An Azure Files share.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub azure_file: Option<AzureFileVolume>,
    /// An empty directory. The spec gives it no schema: Azure sends `{}`, kept as raw JSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub empty_dir: Option<serde_json::Value>,
    /// Files named by the keys, with the base64 encoded values as contents. The values are
    /// secrets: Azure answers with `{}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret: Option<BTreeMap<String, Secret>>,
    /// Files named by the keys, with contents from the `secretReferences` the values name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secret_reference: Option<BTreeMap<String, String>>,
    /// A git repository cloned at start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git_repo: Option<GitRepoVolume>,
}

/// An Azure Files share mounted as a volume.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AzureFileVolume {
    /// The share name.
    pub share_name: String,
    /// Whether the share is mounted read-only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
    /// The storage account.
    pub storage_account_name: String,
    /// The storage account key: sent to Azure, never returned by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_account_key: Option<Secret>,
    /// The name of a `secretReferences` entry that holds the key.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_account_key_reference: Option<String>,
    /// The client id of a user-assigned identity with access to the share (instead of a key).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_managed_identity_client_id: Option<String>,
}

/// A git repository cloned into a volume.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GitRepoVolume {
    /// The target directory (`.` for the volume itself).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub directory: Option<String>,
    /// The repository URL.
    pub repository: String,
    /// The commit hash.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision: Option<String>,
}

/// A volume mounted in a container.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VolumeMount {
    /// The name of the group's volume.
    pub name: String,
    /// Where it is mounted (no colon).
    pub mount_path: String,
    /// Whether it is mounted read-only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub read_only: Option<bool>,
}
