//! Verification of service, account and user delegation SAS tokens, and what a verified one
//! grants.
//!
//! Checks, in order (learn.microsoft.com "Create a service SAS", "Create an account SAS",
//! "Create a user delegation SAS"): the version (`sv`); an account-key SAS on an account
//! without Shared Key access (`KeyBasedAuthenticationNotPermitted`; a user delegation SAS is
//! not key based and passes); the required fields; the signature, over the string-to-sign of
//! `sv` ([`super::sas_string`]) with the resource taken from the request, so a SAS for blob A
//! used on blob B fails here ("Signature did not match. String to sign used was ..."); the
//! delegation key's validity (user delegation SAS); the validity interval (`st`, `se`); the
//! protocol (`spr`). What the operation needs (`sp`, `sr`, `ss`, `srt`) is then
//! [`SasGrant::allows`].
//!
//! Times are compared without skew: Azure adds none (the documentation advises clients to
//! start a SAS 15 minutes early for clock skew), so neither does the emulator. Not checked:
//! `sip` (signed, but the request's client address is not part of [`SignedRequest`]); stored
//! access policies (`si`) are refused as unsupported; snapshots, versions and directories
//! (`sr=bs`, `bv`, `d`) are refused as unsupported.

use time::OffsetDateTime;

use super::permissions::{self, Permissions, ServiceReach};
use super::sas_params::SasParams;
use super::times::{parse_iso8601, rfc1123};
use super::{AccountSecrets, AuthError, SignedRequest, delegation_key, sas_string, signature};
use crate::rbac::blob::BlobOperation;

/// What a verified SAS grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct SasGrant {
    /// Who signed it.
    pub kind: SasKind,
    /// `sp`.
    pub permissions: Permissions,
    /// What it was signed for.
    pub scope: SasScope,
    /// `se`: when it stops working.
    pub expiry: OffsetDateTime,
    /// `rscc`, `rscd`, `rsce`, `rscl`, `rsct`: the response headers (Cache-Control,
    /// Content-Disposition, Content-Encoding, Content-Language, Content-Type) a read through
    /// this SAS answers with instead of the blob's own.
    pub response_headers: [Option<String>; 5],
}

/// Who signed a SAS.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SasKind {
    /// A service SAS, with an account key.
    Service,
    /// An account SAS, with an account key.
    Account,
    /// A user delegation SAS: it grants at most what this principal may do (RBAC, checked by
    /// the caller).
    UserDelegation {
        /// `skoid`.
        object_id: String,
        /// `sktid`.
        tenant_id: String,
    },
}

/// What a SAS was signed for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum SasScope {
    /// `sr=b`: one blob.
    Blob {
        /// The container.
        container: String,
        /// The blob.
        blob: String,
    },
    /// `sr=c`: one container and its blobs.
    Container(String),
    /// An account SAS.
    Account {
        /// `ss`.
        services: String,
        /// `srt`.
        resource_types: String,
    },
}

/// Verifies `req`'s SAS for `account` at `now`. `delegation_secret` is the emulator's secret
/// behind [`super::delegation_key`].
pub(crate) fn verify_sas(
    req: &SignedRequest<'_>,
    account: &AccountSecrets<'_>,
    delegation_secret: &[u8],
    now: OffsetDateTime,
) -> Result<SasGrant, AuthError> {
    let params = SasParams::of(req);
    let sv = params.sv.ok_or_else(|| mandatory("sv"))?;
    if !sas_string::recognised(sv) {
        return Err(AuthError::authentication_failed(format!(
            "The signed version [{sv}] is not supported: use 2018-11-09 or later."
        )));
    }
    let user_delegation = !params.is_account() && params.is_user_delegation();
    if !user_delegation && !account.shared_key_allowed {
        return Err(AuthError::key_based_not_permitted());
    }
    if params.si.is_some() {
        return Err(AuthError::authentication_failed(
            "Stored access policies (si) are not supported by this emulator.",
        ));
    }
    let sp = params.sp.ok_or_else(|| mandatory("sp"))?;
    let se = params.se.ok_or_else(|| mandatory("se"))?;
    let (scope, string_to_sign) = if params.is_account() {
        let scope = SasScope::Account {
            services: params.ss.ok_or_else(|| mandatory("ss"))?.to_owned(),
            resource_types: params.srt.ok_or_else(|| mandatory("srt"))?.to_owned(),
        };
        (scope, sas_string::account(&params, sv, account.name))
    } else {
        let (scope, canonical) = resource_scope(req, account.name, params.sr.ok_or_else(|| mandatory("sr"))?)?;
        let string_to_sign = if user_delegation {
            sas_string::user_delegation(&params, sv, &canonical, req)
        } else {
            sas_string::service(&params, sv, &canonical)
        };
        (scope, string_to_sign)
    };
    let presented = params.sig.and_then(signature::decode).unwrap_or_default();
    let kind = if user_delegation {
        let (object_id, tenant_id) =
            check_user_delegation(&params, delegation_secret, &string_to_sign, &presented, now)?;
        SasKind::UserDelegation { object_id, tenant_id }
    } else {
        if !account
            .keys
            .iter()
            .any(|key| signature::matches(key, &string_to_sign, &presented))
        {
            return Err(signature_mismatch(&string_to_sign));
        }
        if params.is_account() {
            SasKind::Account
        } else {
            SasKind::Service
        }
    };
    let expiry = check_interval(params.st, se, now)?;
    check_protocol(params.spr, req.https)?;
    let response_headers =
        [params.rscc, params.rscd, params.rsce, params.rscl, params.rsct].map(|value| value.map(str::to_owned));
    Ok(SasGrant {
        kind,
        permissions: Permissions::new(sp),
        scope,
        expiry,
        response_headers,
    })
}

impl SasGrant {
    /// Whether this SAS grants `op` on `container` and `blob` (the request's), with Azure's
    /// refusal when it does not: `AuthorizationServiceMismatch` and
    /// `AuthorizationResourceTypeMismatch` (account SAS), `AuthorizationResourceTypeMismatch` (a
    /// blob SAS for a container operation), `AuthorizationFailure` (another container or blob
    /// than the one signed for), `AuthorizationPermissionMismatch` (`sp` lacks the letters),
    /// and `AuthenticationFailed` for Get User Delegation Key (Entra ID only).
    pub fn allows(&self, op: BlobOperation, container: Option<&str>, blob: Option<&str>) -> Result<(), AuthError> {
        if op == BlobOperation::GetUserDelegationKey {
            return Err(AuthError::bearer_required());
        }
        let letters = match &self.scope {
            SasScope::Account {
                services,
                resource_types,
            } => {
                if !services.contains('b') {
                    return Err(AuthError::service_mismatch());
                }
                if !resource_types.contains(permissions::account_resource_type(op, container)) {
                    return Err(AuthError::resource_type_mismatch());
                }
                permissions::account_letters(op)
            }
            SasScope::Container(signed) => {
                if container != Some(signed.as_str()) {
                    return Err(AuthError::authorization_failure());
                }
                match permissions::service_reach(op) {
                    ServiceReach::Blob(letters) | ServiceReach::Container(letters) => letters,
                    ServiceReach::Never => &[],
                }
            }
            SasScope::Blob {
                container: signed_container,
                blob: signed_blob,
            } => {
                let letters = match permissions::service_reach(op) {
                    ServiceReach::Blob(letters) => letters,
                    ServiceReach::Container(_) => return Err(AuthError::resource_type_mismatch()),
                    ServiceReach::Never => &[],
                };
                if container != Some(signed_container.as_str()) || blob != Some(signed_blob.as_str()) {
                    return Err(AuthError::authorization_failure());
                }
                letters
            }
        };
        if self.permissions.any(letters) {
            Ok(())
        } else {
            Err(AuthError::permission_mismatch())
        }
    }
}

/// The resource a service or user delegation SAS signs, from `sr` and the request, and its
/// canonicalized form.
fn resource_scope(req: &SignedRequest<'_>, account: &str, sr: &str) -> Result<(SasScope, String), AuthError> {
    let container = req.container.ok_or_else(AuthError::resource_type_mismatch)?;
    match sr {
        "b" => {
            let blob = req.blob.ok_or_else(AuthError::resource_type_mismatch)?;
            let scope = SasScope::Blob {
                container: container.to_owned(),
                blob: blob.to_owned(),
            };
            Ok((scope, sas_string::canonical_resource(account, container, Some(blob))))
        }
        "c" => Ok((
            SasScope::Container(container.to_owned()),
            sas_string::canonical_resource(account, container, None),
        )),
        other => Err(AuthError::authentication_failed(format!(
            "The signed resource [{other}] is not supported by this emulator: use b (blob) or c (container)."
        ))),
    }
}

/// A user delegation SAS: its key fields, the key's validity at `now`, and the signature
/// under the key derived from them. Returns the signer's object and tenant ids.
fn check_user_delegation(
    params: &SasParams<'_>,
    delegation_secret: &[u8],
    string_to_sign: &str,
    presented: &[u8],
    now: OffsetDateTime,
) -> Result<(String, String), AuthError> {
    let skoid = params.skoid.ok_or_else(|| mandatory("skoid"))?;
    let sktid = params.sktid.ok_or_else(|| mandatory("sktid"))?;
    let skt = params.skt.ok_or_else(|| mandatory("skt"))?;
    let ske = params.ske.ok_or_else(|| mandatory("ske"))?;
    let skv = params.skv.ok_or_else(|| mandatory("skv"))?;
    if params.sks != Some("b") {
        return Err(AuthError::authentication_failed(
            "The signed key service (sks) must be b for the Blob service.",
        ));
    }
    let key = delegation_key(delegation_secret, skoid, sktid, skt, ske, skv);
    let key_bytes = signature::decode(&key.value).unwrap_or_default();
    if !signature::matches(&key_bytes, string_to_sign, presented) {
        return Err(signature_mismatch(string_to_sign));
    }
    let (Some(key_start), Some(key_expiry)) = (parse_iso8601(skt), parse_iso8601(ske)) else {
        return Err(not_well_formed());
    };
    if now < key_start || now > key_expiry {
        return Err(AuthError::authentication_failed(format!(
            "Signed key not valid in the specified time frame: Start [{}] - Expiry [{}] - Current [{}]",
            rfc1123(key_start),
            rfc1123(key_expiry),
            rfc1123(now)
        )));
    }
    Ok((skoid.to_owned(), sktid.to_owned()))
}

/// `st` (optional) and `se` at `now`; returns the expiry.
fn check_interval(st: Option<&str>, se: &str, now: OffsetDateTime) -> Result<OffsetDateTime, AuthError> {
    let expiry = parse_iso8601(se).ok_or_else(not_well_formed)?;
    let start = match st {
        Some(st) => Some(parse_iso8601(st).ok_or_else(not_well_formed)?),
        None => None,
    };
    if let Some(start) = start
        && start >= expiry
    {
        return Err(AuthError::authentication_failed(format!(
            "Signed expiry time [{}] must be after signed start time [{}]",
            rfc1123(expiry),
            rfc1123(start)
        )));
    }
    if start.is_some_and(|start| now < start) || now > expiry {
        return Err(AuthError::authentication_failed(format!(
            "Signature not valid in the specified time frame: Start [{}] - Expiry [{}] - Current [{}]",
            start.map(rfc1123).unwrap_or_default(),
            rfc1123(expiry),
            rfc1123(now)
        )));
    }
    Ok(expiry)
}

/// `spr`: absent or `https,http` allow both; `https` refuses http.
fn check_protocol(spr: Option<&str>, https: bool) -> Result<(), AuthError> {
    match spr {
        None | Some("https,http") | Some("http,https") => Ok(()),
        Some("https") if https => Ok(()),
        Some("https") => Err(AuthError::protocol_mismatch()),
        Some(other) => Err(AuthError::authentication_failed(format!(
            "The signed protocol [{other}] is not valid: use https or https,http."
        ))),
    }
}

/// A required field is missing: Storage's detail is "{field} is mandatory. Cannot be empty".
fn mandatory(field: &str) -> AuthError {
    AuthError::authentication_failed(format!("{field} is mandatory. Cannot be empty"))
}

/// A time field that is not ISO 8601.
fn not_well_formed() -> AuthError {
    AuthError::authentication_failed("Signature fields not well formed.")
}

/// The signature does not match: Storage shows the string it signed (never the signature).
fn signature_mismatch(string_to_sign: &str) -> AuthError {
    AuthError::authentication_failed(format!(
        "Signature did not match. String to sign used was {string_to_sign}"
    ))
}

#[cfg(test)]
mod tests;
