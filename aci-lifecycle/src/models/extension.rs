//! Deployment extensions (sidecars used by virtual kubelet).

use serde::{Deserialize, Serialize};
use std::fmt;

/// An extension of a container group (the spec's `DeploymentExtensionSpec`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentExtension {
    /// The name.
    pub name: String,
    /// The properties.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<DeploymentExtensionProperties>,
}

/// The properties of an extension (the spec's `DeploymentExtensionSpecProperties`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DeploymentExtensionProperties {
    /// The extension type, e.g. `kube-proxy`.
    pub extension_type: String,
    /// The version.
    pub version: String,
    /// The settings: any JSON (the spec gives no schema).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub settings: Option<serde_json::Value>,
    /// The protected settings: any JSON, never printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protected_settings: Option<ProtectedSettings>,
}

/// The protected settings of an extension: any JSON, which `Debug` does not print.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ProtectedSettings(pub serde_json::Value);

impl fmt::Debug for ProtectedSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ProtectedSettings")
    }
}
