//! Blob authentication, with no IO: Shared Key, service SAS, account SAS and user delegation
//! SAS, checked as Azure Storage checks them, and the stateless user delegation keys the SAS are
//! signed with.
//!
//! The data plane builds a [`SignedRequest`] from each request, asks [`presented`] what the
//! client sent, and then:
//!
//! - a Shared Key ([`Presented::SharedKey`]) goes to [`verify_shared_key`];
//! - a SAS ([`Presented::Sas`]) to [`verify_sas`], then [`sas::SasGrant::allows`] for the operation;
//! - a bearer token ([`Presented::Bearer`]) to the token checks and RBAC (not here);
//! - nothing ([`Presented::None`]) to the anonymous access rules (not here).
//!
//! Get User Delegation Key checks its body with [`delegation_key_request_error`] and answers
//! [`delegation_key`]; a user delegation SAS is then verified by re-deriving that key from the
//! SAS's `skoid`/`sktid`/`skt`/`ske`/`skv`, so no key is stored.
//!
//! Sources: learn.microsoft.com "Authorize with Shared Key", "Create a service SAS", "Create an
//! account SAS", "Create a user delegation SAS", "Get User Delegation Key" (Storage REST
//! reference); the string-to-sign layouts per version were cross-checked with the official
//! SDKs (azure-sdk-for-python `_shared_access_signature.py`, azure-sdk-for-java
//! `BlobSasImplUtil`) and Azurite (`src/blob/authentication`).

pub(crate) mod delegation;
mod error;
mod header_order;
pub(crate) mod permissions;
mod presented;
pub(crate) mod sas;
pub(crate) mod sas_params;
pub(crate) mod sas_string;
mod shared_key;
pub(crate) mod signature;
pub(crate) mod times;

pub(crate) use delegation::{delegation_key, delegation_key_request_error};
pub(crate) use error::AuthError;
pub(crate) use presented::{Presented, presented};
pub(crate) use sas::{SasKind, verify_sas};
pub(crate) use shared_key::verify_shared_key;
pub(crate) use times::key_time;

/// What the authenticator needs of a request.
pub(crate) struct SignedRequest<'a> {
    /// The HTTP method, uppercase.
    pub method: &'a str,
    /// The account name (lowercase).
    pub account: &'a str,
    /// The URL path exactly as on the wire (percent-encoded), e.g. `/acct/cont/a%20b`
    /// (path-style, account segment included) or `/cont/a%20b` (host-style).
    pub raw_path: &'a str,
    /// Whether `raw_path` starts with the account segment.
    pub path_style: bool,
    /// The container (decoded).
    pub container: Option<&'a str>,
    /// The blob name (decoded).
    pub blob: Option<&'a str>,
    /// The query's pairs (decoded), in order.
    pub query: &'a [(String, String)],
    /// The request headers.
    pub headers: &'a hyper::HeaderMap,
    /// Whether the request came over TLS (always on the emulator's listener; kept for `spr`).
    pub https: bool,
}

impl SignedRequest<'_> {
    /// The first value of query parameter `name` (names compared case-sensitively, as Storage
    /// reads SAS parameters).
    fn query_value(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The value of header `name` as text (`None` when absent or not visible ASCII).
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// An account's keys as authentication needs them.
pub(crate) struct AccountSecrets<'a> {
    /// The account name (lowercase).
    pub name: &'a str,
    /// The account keys (decoded bytes; key1 then key2).
    pub keys: &'a [Vec<u8>],
    /// `allowSharedKeyAccess`: false refuses Shared Key and account-key SAS.
    pub shared_key_allowed: bool,
}

impl std::fmt::Debug for AccountSecrets<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountSecrets")
            .field("name", &self.name)
            .field("keys", &crate::redact::REDACTED)
            .field("shared_key_allowed", &self.shared_key_allowed)
            .finish()
    }
}

#[cfg(test)]
mod test_support;
