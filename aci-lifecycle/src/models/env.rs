//! Environment variables of containers.

use arm_core::azure_core::credentials::Secret;
use serde::{Deserialize, Serialize};

/// An environment variable of a container: a plain `value`, a `secure_value` that Azure never
/// returns and this crate never prints, or a reference to a Key Vault secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EnvironmentVariable {
    /// The name of the variable.
    pub name: String,
    /// The value, visible in the resource.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The secret value: sent to Azure, never returned by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secure_value: Option<Secret>,
    /// The name of a `secretReferences` entry that holds the value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secure_value_reference: Option<String>,
}

impl EnvironmentVariable {
    /// A variable whose value is visible in the resource.
    pub fn plain(name: impl Into<String>, value: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            value: Some(value.into()),
            secure_value: None,
            secure_value_reference: None,
        }
    }

    /// A variable whose value is secret.
    pub fn secure(name: impl Into<String>, value: Secret) -> Self {
        Self {
            name: name.into(),
            value: None,
            secure_value: Some(value),
            secure_value_reference: None,
        }
    }
}
