//! Tenants and the principals that can get tokens: service principals and managed identities.

use serde::Serialize;

use crate::config::IdentityKind;

/// An Entra ID tenant.
#[derive(Serialize, Clone, Debug)]
pub(crate) struct Tenant {
    pub id: String,
}

/// An app registration and its service principal.
#[derive(Serialize, Clone, Debug)]
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

impl ServicePrincipal {
    /// The federated credentials whose issuer is `issuer`.
    pub fn credentials_for_issuer<'a>(&'a self, issuer: &'a str) -> impl Iterator<Item = &'a FederatedCredential> + 'a {
        self.federated_credentials.iter().filter(move |c| c.issuer == issuer)
    }
}
