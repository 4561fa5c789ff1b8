//! Credentials from the environment: service principal, managed identity, workload identity, or
//! the Azure CLI as the developer fallback.
//!
//! # Variables and precedence
//!
//! | credential | variables |
//! |---|---|
//! | service principal | `AZ_TENANT_ID`, `AZ_SERVICE_PRINCIPAL`, `AZ_SERVICE_PRINCIPAL_KEY` (or `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET`) |
//! | managed identity | `AZ_MANAGED_IDENTITY=true`; user-assigned by at most one of `AZ_MANAGED_IDENTITY_CLIENT_ID`, `AZ_MANAGED_IDENTITY_OBJECT_ID`, `AZ_MANAGED_IDENTITY_RESOURCE_ID` (or `AZURE_CLIENT_ID`); system-assigned when none is set |
//! | workload identity | `AZURE_FEDERATED_TOKEN_FILE` with the client id and tenant id above |
//! | Azure CLI | nothing of the above set (an `AZ_TENANT_ID` alone selects the CLI's tenant) |
//!
//! 1. `AZ_MANAGED_IDENTITY=true` selects a managed identity; a service principal key or a
//!    federated token file set at the same time is a contradiction and an error.
//! 2. Otherwise a client secret selects a service principal, which then needs its client id and
//!    tenant id.
//! 3. Otherwise a federated token file selects workload identity (a secret and a token file
//!    together are an error).
//! 4. Otherwise the Azure CLI, when no other credential variable is set. A client id with neither
//!    key nor token file, or a managed-identity id without `AZ_MANAGED_IDENTITY=true`, is an error.
//!
//! Service principal certificates (`AZURE_CLIENT_CERTIFICATE_PATH`) are rejected with an error:
//! azure_identity needs OpenSSL for them, and this SDK links none.
//!
//! Where both an `AZ_*` and an `AZURE_*` name are set they must agree. `AZ_MANAGED_IDENTITY`
//! accepts `true`/`false`, `1`/`0`, `yes`/`no` in any case. Secrets are held as
//! [`azure_core::credentials::Secret`] and never printed.

mod build;
mod from_env;

use crate::resource_id::ResourceId;
use azure_core::credentials::Secret;
use std::path::PathBuf;

/// `AZ_TENANT_ID`: the tenant of the service principal (seed image name).
pub const AZ_TENANT_ID: &str = "AZ_TENANT_ID";
/// `AZ_SERVICE_PRINCIPAL`: the client (application) id of the service principal.
pub const AZ_SERVICE_PRINCIPAL: &str = "AZ_SERVICE_PRINCIPAL";
/// `AZ_SERVICE_PRINCIPAL_KEY`: the client secret of the service principal.
pub const AZ_SERVICE_PRINCIPAL_KEY: &str = "AZ_SERVICE_PRINCIPAL_KEY";
/// `AZ_MANAGED_IDENTITY`: `true` to use a managed identity.
pub const AZ_MANAGED_IDENTITY: &str = "AZ_MANAGED_IDENTITY";
/// `AZ_MANAGED_IDENTITY_CLIENT_ID`: a user-assigned identity by client id.
pub const AZ_MANAGED_IDENTITY_CLIENT_ID: &str = "AZ_MANAGED_IDENTITY_CLIENT_ID";
/// `AZ_MANAGED_IDENTITY_OBJECT_ID`: a user-assigned identity by object (principal) id.
pub const AZ_MANAGED_IDENTITY_OBJECT_ID: &str = "AZ_MANAGED_IDENTITY_OBJECT_ID";
/// `AZ_MANAGED_IDENTITY_RESOURCE_ID`: a user-assigned identity by resource id.
pub const AZ_MANAGED_IDENTITY_RESOURCE_ID: &str = "AZ_MANAGED_IDENTITY_RESOURCE_ID";
/// `AZURE_TENANT_ID`: the standard Azure SDK name of the tenant id.
pub const AZURE_TENANT_ID: &str = "AZURE_TENANT_ID";
/// `AZURE_CLIENT_ID`: the standard Azure SDK name of the client id.
pub const AZURE_CLIENT_ID: &str = "AZURE_CLIENT_ID";
/// `AZURE_CLIENT_SECRET`: the standard Azure SDK name of the client secret.
pub const AZURE_CLIENT_SECRET: &str = "AZURE_CLIENT_SECRET";
/// `AZURE_CLIENT_CERTIFICATE_PATH`: the standard name of a service principal certificate, which
/// this crate rejects: azure_identity needs OpenSSL for certificates, and we link none.
pub const AZURE_CLIENT_CERTIFICATE_PATH: &str = "AZURE_CLIENT_CERTIFICATE_PATH";
/// `AZURE_FEDERATED_TOKEN_FILE`: the file holding a federated token (workload identity).
pub const AZURE_FEDERATED_TOKEN_FILE: &str = "AZURE_FEDERATED_TOKEN_FILE";

/// Which user-assigned managed identity to use.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ManagedIdentityId {
    /// By client id.
    ClientId(String),
    /// By object (principal) id.
    ObjectId(String),
    /// By resource id.
    ResourceId(ResourceId),
}

/// A credential chosen from configuration, not yet built.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum CredentialSource {
    /// A service principal with a client secret.
    ServicePrincipal {
        /// Tenant id.
        tenant_id: String,
        /// Client (application) id.
        client_id: String,
        /// Client secret.
        secret: Secret,
    },
    /// A managed identity: system-assigned when `id` is `None`.
    ManagedIdentity {
        /// The user-assigned identity, if any.
        id: Option<ManagedIdentityId>,
    },
    /// Workload identity federation with a token file.
    WorkloadIdentity {
        /// Tenant id.
        tenant_id: String,
        /// Client (application) id.
        client_id: String,
        /// The federated token file.
        token_file: PathBuf,
    },
    /// The Azure CLI's logged-in account (developer fallback).
    AzureCli {
        /// The tenant to ask the CLI for, if set.
        tenant_id: Option<String>,
    },
}
