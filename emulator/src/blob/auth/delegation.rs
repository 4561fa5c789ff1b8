//! User delegation keys, stateless: a key's value is an HMAC, under the emulator's delegation
//! secret, of the fields a user delegation SAS repeats (`skoid`, `sktid`, `skt`, `ske`, `sks`,
//! `skv`), so a SAS is verified by deriving the key again from the SAS itself and no key is
//! stored (Azurite does the same with a fixed secret). A SAS whose key fields were altered
//! derives another key and fails on its signature.
//!
//! learn.microsoft.com "Get User Delegation Key": the request body's `Start` (optional) and
//! `Expiry` are ISO 8601 times; "the expiry time must be within seven days of the current
//! time"; the answer carries `SignedOid`, `SignedTid`, `SignedStart`, `SignedExpiry`,
//! `SignedService` (`b`), `SignedVersion` and `Value` (base64).

use time::{Duration, OffsetDateTime};

use super::times::{parse_iso8601, rfc1123};
use super::{AuthError, signature};

/// The service a Blob delegation key is for.
const BLOB_SERVICE: &str = "b";

/// How far ahead a delegation key may expire.
const MAX_KEY_LIFETIME: Duration = Duration::days(7);

/// A user delegation key, as Get User Delegation Key answers it.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct UserDelegationKey {
    /// `SignedOid`: the object id of the principal the key was issued to.
    pub signed_oid: String,
    /// `SignedTid`: that principal's tenant.
    pub signed_tid: String,
    /// `SignedStart`, as the SAS will repeat it in `skt`.
    pub signed_start: String,
    /// `SignedExpiry`, as the SAS will repeat it in `ske`.
    pub signed_expiry: String,
    /// `SignedService`: `b`.
    pub signed_service: String,
    /// `SignedVersion`: the service version that issued the key.
    pub signed_version: String,
    /// `Value`: the key, base64 (a secret: redacted in `Debug`).
    pub value: String,
}

impl std::fmt::Debug for UserDelegationKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserDelegationKey")
            .field("signed_oid", &self.signed_oid)
            .field("signed_tid", &self.signed_tid)
            .field("signed_start", &self.signed_start)
            .field("signed_expiry", &self.signed_expiry)
            .field("signed_service", &self.signed_service)
            .field("signed_version", &self.signed_version)
            .field("value", &crate::redact::REDACTED)
            .finish()
    }
}

/// The key for `oid` in `tid`, valid from `start` to `expiry`, issued at `version`:
/// `Value = base64(HMAC-SHA256(delegation_secret, oid\ntid\nstart\nexpiry\nb\nversion))`.
/// `start` and `expiry` are kept verbatim: clients copy them into `skt` and `ske`.
pub(crate) fn delegation_key(
    delegation_secret: &[u8],
    oid: &str,
    tid: &str,
    start: &str,
    expiry: &str,
    version: &str,
) -> UserDelegationKey {
    let fields = [oid, tid, start, expiry, BLOB_SERVICE, version].join("\n");
    UserDelegationKey {
        signed_oid: oid.to_owned(),
        signed_tid: tid.to_owned(),
        signed_start: start.to_owned(),
        signed_expiry: expiry.to_owned(),
        signed_service: BLOB_SERVICE.to_owned(),
        signed_version: version.to_owned(),
        value: signature::sign(delegation_secret, &fields),
    }
}

/// Why Azure would refuse a Get User Delegation Key body with `start` (absent: now) and
/// `expiry` at `now`; `None` when it is acceptable. Each refusal is a 400
/// `InvalidXmlNodeValue` naming the node ([`AuthError::invalid_xml_node_value`]): a time that
/// is not ISO 8601, an expiry in the past or more than seven days ahead, a start not before
/// the expiry.
pub(crate) fn delegation_key_request_error(
    start: Option<&str>,
    expiry: &str,
    now: OffsetDateTime,
) -> Option<AuthError> {
    let Some(expiry_time) = parse_iso8601(expiry) else {
        return Some(AuthError::invalid_xml_node_value(format!(
            "Expiry: '{expiry}' is not an ISO 8601 time."
        )));
    };
    let start_time = match start {
        Some(start) => match parse_iso8601(start) {
            Some(time) => time,
            None => {
                return Some(AuthError::invalid_xml_node_value(format!(
                    "Start: '{start}' is not an ISO 8601 time."
                )));
            }
        },
        None => now,
    };
    if expiry_time <= now {
        return Some(AuthError::invalid_xml_node_value(format!(
            "Expiry: [{}] is not in the future (current time [{}]).",
            rfc1123(expiry_time),
            rfc1123(now)
        )));
    }
    if expiry_time > now + MAX_KEY_LIFETIME {
        return Some(AuthError::invalid_xml_node_value(format!(
            "Expiry: [{}] is more than seven days after the current time [{}].",
            rfc1123(expiry_time),
            rfc1123(now)
        )));
    }
    if start_time >= expiry_time {
        return Some(AuthError::invalid_xml_node_value(format!(
            "Start: [{}] is not before Expiry [{}].",
            rfc1123(start_time),
            rfc1123(expiry_time)
        )));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{delegation_key, delegation_key_request_error};
    use crate::blob::auth::signature;
    use time::macros::datetime;

    #[test]
    fn the_key_is_an_hmac_of_its_fields_and_never_debug_printed() {
        let key = delegation_key(
            b"secret",
            "oid",
            "tid",
            "2026-01-01T00:00:00Z",
            "2026-01-02T00:00:00Z",
            "2026-10-06",
        );
        assert_eq!(
            key.value,
            signature::sign(
                b"secret",
                "oid\ntid\n2026-01-01T00:00:00Z\n2026-01-02T00:00:00Z\nb\n2026-10-06"
            )
        );
        assert_eq!(key.signed_service, "b");
        assert_eq!(key.signed_start, "2026-01-01T00:00:00Z");
        let other = delegation_key(
            b"secret",
            "oid",
            "tid",
            "2026-01-01T00:00:00Z",
            "2026-01-03T00:00:00Z",
            "2026-10-06",
        );
        assert_ne!(key.value, other.value);
        let debug = format!("{key:?}");
        assert!(!debug.contains(&key.value), "{debug}");
        assert!(debug.contains("<redacted>"));
    }

    #[test]
    fn requests_are_checked_as_azure_does() {
        let now = datetime!(2026-01-01 12:00 UTC);
        assert_eq!(delegation_key_request_error(None, "2026-01-08T12:00:00Z", now), None);
        assert_eq!(
            delegation_key_request_error(Some("2026-01-01T11:00:00Z"), "2026-01-02T00:00:00Z", now),
            None
        );
        let refused = [
            (None, "tomorrow", "Expiry: 'tomorrow' is not an ISO 8601 time."),
            (
                Some("soon"),
                "2026-01-02T00:00:00Z",
                "Start: 'soon' is not an ISO 8601 time.",
            ),
            (
                None,
                "2026-01-08T12:00:01Z",
                "Expiry: [Thu, 08 Jan 2026 12:00:01 GMT] is more than seven days after the current time [Thu, 01 Jan 2026 12:00:00 GMT].",
            ),
            (
                None,
                "2026-01-01T11:00:00Z",
                "Expiry: [Thu, 01 Jan 2026 11:00:00 GMT] is not in the future (current time [Thu, 01 Jan 2026 12:00:00 GMT]).",
            ),
            (
                Some("2026-01-02T00:00:00Z"),
                "2026-01-02T00:00:00Z",
                "Start: [Fri, 02 Jan 2026 00:00:00 GMT] is not before Expiry [Fri, 02 Jan 2026 00:00:00 GMT].",
            ),
        ];
        for (start, expiry, detail) in refused {
            let error = delegation_key_request_error(start, expiry, now).unwrap();
            assert_eq!((error.status, error.code), (400, "InvalidXmlNodeValue"));
            assert_eq!(error.detail.as_deref(), Some(detail));
        }
    }
}
