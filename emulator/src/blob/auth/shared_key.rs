//! Shared Key authorization of Blob requests, as learn.microsoft.com "Authorize with Shared
//! Key" (Storage REST reference) describes it for version 2009-09-19 and later:
//!
//! ```text
//! StringToSign = VERB + "\n" + Content-Encoding + "\n" + Content-Language + "\n" +
//!                Content-Length + "\n" + Content-MD5 + "\n" + Content-Type + "\n" + Date + "\n" +
//!                If-Modified-Since + "\n" + If-Match + "\n" + If-None-Match + "\n" +
//!                If-Unmodified-Since + "\n" + Range + "\n" +
//!                CanonicalizedHeaders + CanonicalizedResource
//! ```
//!
//! - Content-Length is empty when it is 0 (version 2015-02-21 and later); Date is empty when
//!   `x-ms-date` is sent (it takes precedence).
//! - CanonicalizedHeaders: every `x-ms-` header, name lowercase, in Storage's order
//!   ([`super::header_order`]), `name:value\n`. The documentation also says to fold linear
//!   whitespace in values; the official SDKs sign the value as sent, so both forms are accepted.
//! - CanonicalizedResource: `/{account}{path as on the wire}`, then `\n{name}:{values}` per query
//!   parameter, names lowercase and sorted, values decoded, sorted and joined with `,`.
//!
//! Path-style URLs (`https://127.0.0.1:PORT/{account}/{container}/...`): every official SDK
//! signs `/{account}` + the URL path, so the account appears twice
//! (`/acct/acct/container`); this is what Azurite verifies (its `authenticationPath` is the
//! request path). We also accept the resource without the account segment
//! (`/acct/container`), which is the production form of the same request: a client that was
//! given the account's endpoint (`https://host/acct`) and signs the resource relative to it, as
//! it would against `acct.blob.core.windows.net`, computes that one. Both forms name the same
//! resource under the same key, so accepting both widens nothing.
//!
//! Either account key may sign. `SharedKeyLite` is not supported (refused with a clear detail).

use std::borrow::Cow;

use super::{AccountSecrets, AuthError, SignedRequest, header_order, signature};

/// The standard headers of the string-to-sign, in order, after the verb and before Date.
const CONTENT_HEADERS: [&str; 5] = [
    "content-encoding",
    "content-language",
    "content-length",
    "content-md5",
    "content-type",
];

/// The standard headers of the string-to-sign after Date.
const CONDITION_HEADERS: [&str; 5] = [
    "if-modified-since",
    "if-match",
    "if-none-match",
    "if-unmodified-since",
    "range",
];

/// The first version whose string-to-sign leaves a zero Content-Length empty.
const EMPTY_ZERO_LENGTH_SINCE: &str = "2015-02-21";

/// Verifies `req`'s `Authorization: SharedKey {account}:{signature}` against either key of
/// `account`.
pub(crate) fn verify_shared_key(req: &SignedRequest<'_>, account: &AccountSecrets<'_>) -> Result<(), AuthError> {
    if !account.shared_key_allowed {
        return Err(AuthError::key_based_not_permitted());
    }
    let authorization = req.header("authorization").unwrap_or_default().trim();
    let (scheme, credentials) = authorization.split_once(' ').unwrap_or((authorization, ""));
    match scheme {
        "SharedKey" => {}
        "SharedKeyLite" => {
            return Err(AuthError::authentication_failed(
                "SharedKeyLite authorization is not supported by this emulator; sign with SharedKey.",
            ));
        }
        _ => {
            return Err(AuthError::authentication_failed(format!(
                "The authorization scheme '{scheme}' is not supported; use SharedKey, Bearer or a SAS."
            )));
        }
    }
    let (name, presented) = credentials.trim().split_once(':').unwrap_or((credentials, ""));
    if name != account.name {
        return Err(AuthError::authentication_failed(format!(
            "The account '{name}' in the Authorization header is not the account '{}' the request is for.",
            account.name
        )));
    }
    let candidates = strings_to_sign(req);
    if let Some(presented) = signature::decode(presented) {
        let matched = candidates.iter().any(|candidate| {
            account
                .keys
                .iter()
                .any(|key| signature::matches(key, candidate, &presented))
        });
        if matched {
            return Ok(());
        }
    }
    Err(AuthError::authentication_failed(format!(
        "The MAC signature found in the HTTP request is not the same as any computed signature. Server used following string to sign: '{}'.",
        candidates[0]
    )))
}

/// Every string-to-sign the request may have been signed with, the documented one first.
fn strings_to_sign(req: &SignedRequest<'_>) -> Vec<String> {
    let mut resources = vec![canonicalized_resource(req, req.raw_path)];
    if req.path_style {
        let without_account = req
            .raw_path
            .strip_prefix('/')
            .and_then(|rest| rest.strip_prefix(req.account))
            .unwrap_or(req.raw_path);
        resources.push(canonicalized_resource(req, without_account));
    }
    let mut header_forms = vec![canonicalized_headers(req, false)];
    let folded = canonicalized_headers(req, true);
    if folded != header_forms[0] {
        header_forms.push(folded);
    }
    let head = standard_headers(req);
    let mut candidates = Vec::new();
    for headers in &header_forms {
        for resource in &resources {
            candidates.push(format!("{head}{headers}{resource}"));
        }
    }
    candidates
}

/// The verb and the standard headers, each followed by `\n`.
fn standard_headers(req: &SignedRequest<'_>) -> String {
    let modern_length = req
        .header("x-ms-version")
        .is_none_or(|version| version >= EMPTY_ZERO_LENGTH_SINCE);
    let mut head = format!("{}\n", req.method.to_ascii_uppercase());
    for name in CONTENT_HEADERS {
        let value = req.header(name).unwrap_or_default();
        let value = if name == "content-length" && value == "0" && modern_length {
            ""
        } else {
            value
        };
        head.push_str(value);
        head.push('\n');
    }
    let date = if req.headers.contains_key("x-ms-date") {
        ""
    } else {
        req.header("date").unwrap_or_default()
    };
    head.push_str(date);
    head.push('\n');
    for name in CONDITION_HEADERS {
        head.push_str(req.header(name).unwrap_or_default());
        head.push('\n');
    }
    head
}

/// The `x-ms-` headers as `name:value\n` in Storage's order; `fold` replaces each run of
/// linear whitespace in a value with one space.
fn canonicalized_headers(req: &SignedRequest<'_>, fold: bool) -> String {
    let mut names: Vec<&str> = req
        .headers
        .keys()
        .map(|name| name.as_str())
        .filter(|name| name.starts_with("x-ms-"))
        .collect();
    names.sort_by(|a, b| header_order::compare(a, b));
    names.dedup();
    let mut canonical = String::new();
    for name in names {
        let values: Vec<Cow<'_, str>> = req
            .headers
            .get_all(name)
            .iter()
            .map(|value| String::from_utf8_lossy(value.as_bytes()))
            .collect();
        let value = values.join(",");
        let value = if fold {
            value.split_whitespace().collect::<Vec<_>>().join(" ")
        } else {
            value.trim().to_owned()
        };
        canonical.push_str(&format!("{name}:{value}\n"));
    }
    canonical
}

/// `/{account}{path}` and the query, for the 2009-09-19+ format.
fn canonicalized_resource(req: &SignedRequest<'_>, path: &str) -> String {
    let path = if path.is_empty() { "/" } else { path };
    let mut resource = format!("/{}{path}", req.account);
    let mut names: Vec<String> = req.query.iter().map(|(name, _)| name.to_ascii_lowercase()).collect();
    names.sort();
    names.dedup();
    for name in names {
        let mut values: Vec<&str> = req
            .query
            .iter()
            .filter(|(key, _)| key.eq_ignore_ascii_case(&name))
            .map(|(_, value)| value.as_str())
            .collect();
        values.sort_unstable();
        resource.push_str(&format!("\n{name}:{}", values.join(",")));
    }
    resource
}

#[cfg(test)]
mod tests;
