//! Credentials of image registries, and Key Vault secret references.

use arm_core::azure_core::credentials::Secret;
use serde::{Deserialize, Serialize};

/// The credential of an image registry: a username and password, or a managed identity.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageRegistryCredential {
    /// The registry server, without a scheme (e.g. `contoso.azurecr.io`).
    pub server: String,
    /// The username.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub username: Option<String>,
    /// The password: sent to Azure, never returned by it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password: Option<Secret>,
    /// The name of a `secretReferences` entry that holds the password.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub password_reference: Option<String>,
    /// The resource id of the managed identity that pulls the images.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<String>,
    /// The identity URL of the registry.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity_url: Option<String>,
}

impl ImageRegistryCredential {
    /// Pulls from `server` as `username` with `password`.
    pub fn with_password(server: impl Into<String>, username: impl Into<String>, password: Secret) -> Self {
        Self {
            username: Some(username.into()),
            password: Some(password),
            ..Self::server(server.into())
        }
    }

    /// Pulls from `server` as the managed identity with resource id `identity`.
    pub fn with_identity(server: impl Into<String>, identity: impl Into<String>) -> Self {
        Self {
            identity: Some(identity.into()),
            ..Self::server(server.into())
        }
    }

    fn server(server: String) -> Self {
        Self {
            server,
            username: None,
            password: None,
            password_reference: None,
            identity: None,
            identity_url: None,
        }
    }
}

/// A Key Vault secret the group's environment variables, registry credentials and volumes can
/// refer to by `name`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SecretReference {
    /// The name the secret is referred to by.
    pub name: String,
    /// The resource id of the managed identity that reads the secret.
    pub identity: String,
    /// The URI of the secret in Key Vault.
    pub secret_reference_uri: String,
}
