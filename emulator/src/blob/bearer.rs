//! Entra ID bearer tokens on the Blob service: the emulator's own access tokens, for the Storage
//! audience, within their lifetime, over https (learn.microsoft.com "Authorize access to blobs
//! using Microsoft Entra ID", "Authorize with Microsoft Entra ID" of the Storage REST
//! reference). A refused token is 401 `InvalidAuthenticationInfo` with Storage's
//! `AuthenticationErrorDetail` wording and a `WWW-Authenticate` challenge naming the authority
//! and the Storage resource.

use hyper::StatusCode;

use super::error::BlobError;
use crate::shared::Shared;
use crate::token::resources;

/// Storage's message for 401 answers that carry a `WWW-Authenticate` challenge.
const CHALLENGE_MESSAGE: &str =
    "Server failed to authenticate the request. Please refer to the information in the www-authenticate header.";

/// The principal of a valid token.
pub(crate) struct Principal {
    /// Object id.
    pub oid: String,
    /// Tenant.
    pub tid: String,
}

/// Checks `token` for `account`.
pub(crate) fn verify(shared: &Shared, token: &str, account: &str) -> Result<Principal, BlobError> {
    let refuse = |tenant: &str, detail: &str| invalid_authentication_info(shared, tenant, detail);
    let claims = shared
        .tokens
        .verify_access(token)
        .map_err(|_| refuse("common", "Signature validation failed. Signature is invalid."))?;
    let now = shared.clock.unix_now();
    if now >= claims.exp {
        return Err(refuse(&claims.tid, "Lifetime validation failed. The token is expired."));
    }
    if now + 300 < claims.nbf {
        return Err(refuse(
            &claims.tid,
            "Lifetime validation failed. The token is not yet valid.",
        ));
    }
    if !resources::is_storage(&claims.aud, account) {
        return Err(refuse(
            &claims.tid,
            "Audience validation failed. Audience did not match.",
        ));
    }
    Ok(Principal {
        oid: claims.oid,
        tid: claims.tid,
    })
}

/// 401 `InvalidAuthenticationInfo` with `detail`.
fn invalid_authentication_info(shared: &Shared, tenant: &str, detail: &str) -> BlobError {
    let mut error = challenge(shared, tenant, "InvalidAuthenticationInfo");
    error.detail = Some(detail.to_owned());
    error
}

/// 401 `NoAuthenticationInformation`: an anonymous request for something that needs a
/// credential.
pub(crate) fn no_authentication_information(shared: &Shared) -> BlobError {
    challenge(shared, "common", "NoAuthenticationInformation")
}

/// A 401 with Storage's challenge: `Bearer authorization_uri={authority}/{tenant}/oauth2/authorize
/// resource_id=https://storage.azure.com`.
fn challenge(shared: &Shared, tenant: &str, code: &'static str) -> BlobError {
    BlobError::new(StatusCode::UNAUTHORIZED, code, CHALLENGE_MESSAGE).with_header(
        "www-authenticate",
        format!(
            "Bearer authorization_uri={}/{tenant}/oauth2/authorize resource_id=https://storage.azure.com",
            shared.endpoints.login
        ),
    )
}
