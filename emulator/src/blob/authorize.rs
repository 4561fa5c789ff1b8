//! Who may do what on the Blob service, in Azure's order: the credential presented is
//! authenticated (Shared Key, SAS, bearer token, or none), then the operation is authorized
//! (the SAS's permissions and scope; for a bearer token, and for a user delegation SAS, the
//! principal's role assignments, as learn.microsoft.com "Create a user delegation SAS" says:
//! "the permissions granted ... are the intersection of the SAS permissions and the RBAC
//! permissions of the signer"; anonymous reads only where the container and the account allow
//! them).

use hyper::StatusCode;

use super::auth::{self, AccountSecrets, AuthError, Presented, SasKind, SignedRequest};
use super::bearer;
use super::call::Call;
use super::error::BlobError;
use crate::model::storage::{BlobContainer, PublicAccess, StorageAccount};
use crate::rbac::blob::{BlobOperation, blob_scope};
use crate::rbac::denial::storage_permission_mismatch;

/// How a request was let through.
pub(crate) enum Access {
    /// With an account key (Shared Key, service or account SAS).
    Key,
    /// As an Entra principal (bearer token or user delegation SAS).
    Principal {
        /// Object id.
        oid: String,
        /// Tenant.
        tid: String,
    },
    /// Anonymously (public read access).
    Anonymous,
}

impl Access {
    /// The principal the journal records.
    pub fn principal(&self) -> Option<String> {
        match self {
            Access::Principal { oid, .. } => Some(oid.clone()),
            Access::Key | Access::Anonymous => None,
        }
    }
}

/// The request as the authenticator reads it.
fn signed<'a>(call: &'a Call<'_>) -> SignedRequest<'a> {
    SignedRequest {
        method: call.request.method.as_str(),
        account: &call.address.account,
        raw_path: &call.request.path,
        path_style: call.address.path_style,
        container: call.address.container.as_deref(),
        blob: call.address.blob.as_deref(),
        query: &call.request.query,
        headers: &call.request.headers,
        https: true,
    }
}

/// Authenticates and authorizes `op` on `account` (and `container`, when the request addresses
/// an existing one). Get User Delegation Key takes a bearer token only (a Shared Key is 403
/// `AuthenticationFailed`, a SAS 403 `AuthorizationFailure`).
pub(crate) fn authorize(
    call: &Call<'_>,
    account: &StorageAccount,
    op: BlobOperation,
    container: Option<&BlobContainer>,
) -> Result<Access, BlobError> {
    let request = signed(call);
    let keys = account.key_bytes();
    let secrets = AccountSecrets {
        name: &call.address.account,
        keys: &keys,
        shared_key_allowed: account.shared_key_allowed(),
    };
    let bearer_only = op == BlobOperation::GetUserDelegationKey;
    let access = match auth::presented(&request) {
        Presented::SharedKey => {
            auth::verify_shared_key(&request, &secrets)?;
            if bearer_only {
                return Err(AuthError::bearer_required().into());
            }
            Access::Key
        }
        Presented::Sas => {
            let grant = auth::verify_sas(&request, &secrets, call.shared.blob.delegation_secret(), call.now)?;
            if bearer_only {
                return Err(authorization_failure());
            }
            grant.allows(op, request.container, request.blob)?;
            match grant.kind {
                SasKind::UserDelegation { object_id, tenant_id } => Access::Principal {
                    oid: object_id,
                    tid: tenant_id,
                },
                SasKind::Service | SasKind::Account => Access::Key,
            }
        }
        Presented::Bearer(token) => {
            let principal = bearer::verify(call.shared, &token, &call.address.account)?;
            Access::Principal {
                oid: principal.oid,
                tid: principal.tid,
            }
        }
        Presented::None => return anonymous(call, account, op, container),
    };
    if let Access::Principal { oid, .. } = &access {
        let scope = blob_scope(
            &account.id(),
            call.address.container.as_deref().filter(|_| !bearer_only),
        );
        let world = call.shared.read();
        if !world.authorizer().is_any_allowed(oid, op.needs(), &scope) {
            return Err(BlobError::from(storage_permission_mismatch()));
        }
    }
    Ok(access)
}

/// Anonymous access: reading a blob of a container with `Blob` or `Container` access, or
/// listing and reading the properties of a container with `Container` access, on an account
/// that allows public access (learn.microsoft.com "Configure anonymous read access for
/// containers and blobs"). An account that does not allow it answers 409
/// `PublicAccessNotPermitted` ("Prevent anonymous read access to containers and blobs"); a
/// private container's reads are 404 `ResourceNotFound` (Storage does not tell a private
/// resource from a missing one), and every other anonymous request is 401
/// `NoAuthenticationInformation`.
fn anonymous(
    call: &Call<'_>,
    account: &StorageAccount,
    op: BlobOperation,
    container: Option<&BlobContainer>,
) -> Result<Access, BlobError> {
    let is_read = matches!(
        op,
        BlobOperation::ReadBlob | BlobOperation::ListBlobs | BlobOperation::GetContainerProperties
    );
    if !is_read {
        return Err(bearer::no_authentication_information(call.shared));
    }
    if !account.allow_blob_public_access {
        return Err(BlobError::new(
            StatusCode::CONFLICT,
            "PublicAccessNotPermitted",
            "Public access is not permitted on this storage account.",
        ));
    }
    let level = container.map_or(PublicAccess::None, |c| c.public_access);
    let allowed = match op {
        BlobOperation::ReadBlob => matches!(level, PublicAccess::Blob | PublicAccess::Container),
        _ => level == PublicAccess::Container,
    };
    if allowed {
        Ok(Access::Anonymous)
    } else {
        Err(BlobError::new(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            "The specified resource does not exist.",
        ))
    }
}

/// 403 `AuthorizationFailure`: "This request is not authorized to perform this operation."
pub(crate) fn authorization_failure() -> BlobError {
    BlobError::new(
        StatusCode::FORBIDDEN,
        "AuthorizationFailure",
        "This request is not authorized to perform this operation.",
    )
}
