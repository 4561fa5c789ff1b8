//! Building the azure_identity credential of a [`CredentialSource`].

use super::*;
use crate::cloud::Cloud;
use crate::error::{ConfigError, Error};
use crate::transport::HttpTransport;
use azure_core::credentials::TokenCredential;
use azure_core::http::ClientOptions;
use std::sync::Arc;

impl CredentialSource {
    /// A short name of the kind of credential, for logs.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::ServicePrincipal { .. } => "service principal",
            Self::ManagedIdentity { id: None } => "system-assigned managed identity",
            Self::ManagedIdentity { id: Some(_) } => "user-assigned managed identity",
            Self::WorkloadIdentity { .. } => "workload identity",
            Self::AzureCli { .. } => "Azure CLI",
        }
    }

    /// Builds the azure_identity credential, sending its requests through `transport` to the
    /// authority host of `cloud`.
    pub fn build(&self, cloud: &Cloud, transport: &HttpTransport) -> Result<Arc<dyn TokenCredential>, Error> {
        let client_options = ClientOptions {
            transport: Some(transport.to_transport()),
            cloud: Some(Arc::new(cloud.to_cloud_configuration())),
            ..ClientOptions::default()
        };
        let variable = match self {
            Self::ServicePrincipal { .. } => AZ_SERVICE_PRINCIPAL,
            Self::ManagedIdentity { .. } => AZ_MANAGED_IDENTITY,
            Self::WorkloadIdentity { .. } => AZURE_FEDERATED_TOKEN_FILE,
            Self::AzureCli { .. } => "az",
        };
        let wrap = |source: azure_core::Error| {
            Error::Config(ConfigError::new(
                variable,
                format!("cannot create the {} credential: {source}", self.kind()),
            ))
        };
        let credential: Arc<dyn TokenCredential> = match self {
            Self::ServicePrincipal {
                tenant_id,
                client_id,
                secret,
            } => azure_identity::ClientSecretCredential::new(
                tenant_id,
                client_id.clone(),
                secret.clone(),
                Some(azure_identity::ClientSecretCredentialOptions { client_options }),
            )
            .map_err(wrap)?,
            Self::ManagedIdentity { id } => {
                let user_assigned_id = id.as_ref().map(|id| match id {
                    ManagedIdentityId::ClientId(v) => azure_identity::UserAssignedId::ClientId(v.clone()),
                    ManagedIdentityId::ObjectId(v) => azure_identity::UserAssignedId::ObjectId(v.clone()),
                    ManagedIdentityId::ResourceId(v) => azure_identity::UserAssignedId::ResourceId(v.to_string()),
                });
                azure_identity::ManagedIdentityCredential::new(Some(azure_identity::ManagedIdentityCredentialOptions {
                    user_assigned_id,
                    client_options,
                }))
                .map_err(wrap)?
            }
            Self::WorkloadIdentity {
                tenant_id,
                client_id,
                token_file,
            } => azure_identity::WorkloadIdentityCredential::new(Some(
                azure_identity::WorkloadIdentityCredentialOptions {
                    credential_options: azure_identity::ClientAssertionCredentialOptions { client_options },
                    client_id: Some(client_id.clone()),
                    tenant_id: Some(tenant_id.clone()),
                    token_file_path: Some(token_file.clone()),
                },
            ))
            .map_err(wrap)?,
            Self::AzureCli { tenant_id } => {
                azure_identity::AzureCliCredential::new(Some(azure_identity::AzureCliCredentialOptions {
                    tenant_id: tenant_id.clone(),
                    ..Default::default()
                }))
                .map_err(wrap)?
            }
        };
        Ok(credential)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_every_kind() {
        let transport = HttpTransport::builder().build().unwrap();
        let cloud = Cloud::public();
        let token = std::env::temp_dir().join(format!("arm-core-wi-{}", std::process::id()));
        std::fs::write(&token, "eyJhbGciOiJub25lIn0.e30.").unwrap();
        for source in [
            CredentialSource::ServicePrincipal {
                tenant_id: "t".into(),
                client_id: "c".into(),
                secret: Secret::new("s"),
            },
            CredentialSource::ManagedIdentity {
                id: Some(ManagedIdentityId::ObjectId("o".into())),
            },
            CredentialSource::WorkloadIdentity {
                tenant_id: "t".into(),
                client_id: "c".into(),
                token_file: token.clone(),
            },
            CredentialSource::AzureCli { tenant_id: None },
        ] {
            source
                .build(&cloud, &transport)
                .unwrap_or_else(|e| panic!("{}: {e}", source.kind()));
        }
        std::fs::remove_file(&token).unwrap();
        let missing = CredentialSource::WorkloadIdentity {
            tenant_id: "t".into(),
            client_id: "c".into(),
            token_file: token,
        };
        let err = missing.build(&cloud, &transport).err().unwrap().to_string();
        assert!(
            err.starts_with("AZURE_FEDERATED_TOKEN_FILE: cannot create the workload identity credential"),
            "{err}"
        );
    }
}
