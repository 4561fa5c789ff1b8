//! Tenants and the principals that can get tokens: service principals and managed identities.

use serde::Serialize;

use crate::config::IdentityKind;
use crate::redact;

/// An Entra ID tenant.
#[derive(Serialize, Clone, Debug)]
pub(crate) struct Tenant {
    pub id: String,
}

/// An app registration and its service principal. `Debug` leaves out the secret.
#[derive(Serialize, Clone)]
pub(crate) struct ServicePrincipal {
    pub name: String,
    pub tenant_id: String,
    pub client_id: String,
    pub client_secret: String,
    pub object_id: String,
    pub federated_credentials: Vec<FederatedCredential>,
}

/// A federated identity credential: the external token an app accepts as a client assertion.
#[derive(Serialize, Clone, Debug)]
pub(crate) struct FederatedCredential {
    pub issuer: String,
    pub subject: String,
    pub audience: String,
}

/// A managed identity.
#[derive(Serialize, Clone, Debug)]
pub(crate) struct ManagedIdentity {
    pub kind: IdentityKind,
    pub name: String,
    pub tenant_id: String,
    pub client_id: String,
    pub principal_id: String,
    pub resource_id: String,
}

impl std::fmt::Debug for ServicePrincipal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServicePrincipal")
            .field("name", &self.name)
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &redact::REDACTED)
            .field("object_id", &self.object_id)
            .field("federated_credentials", &self.federated_credentials)
            .finish()
    }
}

impl ServicePrincipal {
    /// The federated credentials whose issuer is `issuer`.
    pub fn credentials_for_issuer<'a>(&'a self, issuer: &'a str) -> impl Iterator<Item = &'a FederatedCredential> + 'a {
        self.federated_credentials.iter().filter(move |c| c.issuer == issuer)
    }
}
