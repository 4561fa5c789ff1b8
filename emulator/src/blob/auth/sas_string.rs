//! The string-to-sign of each kind of SAS, per signed version (`sv`).
//!
//! From learn.microsoft.com "Create a service SAS", "Create an account SAS" and "Create a user
//! delegation SAS" (their "Version ... and later" sections), cross-checked with the official
//! SDKs, which switch layouts on the same versions: azure-sdk-for-java `BlobSasImplUtil`
//! (service: encryption scope from 2020-12-06; user delegation: `saoid`/`suoid`/`scid` from
//! 2020-02-10, encryption scope from 2020-12-06, `skdutid`/`sduoid` from 2025-07-05, signed
//! request headers and query parameters from 2026-04-06), azure-sdk-for-python
//! `_shared_access_signature.py` and `_shared/shared_access_signature.py` (newest layouts,
//! account SAS), and Azurite `IBlobSASSignatureValues.ts`.

use super::SignedRequest;
use super::sas_params::SasParams;

/// The Storage service versions a SAS may be signed for, oldest first: 2018-11-09 (the first
/// with `sr` and user delegation SAS in the string-to-sign) and every later published version
/// (azure-sdk-for-python azure-storage-blob 12.31.1 `_SUPPORTED_API_VERSIONS`).
pub(crate) const VERSIONS: &[&str] = &[
    "2018-11-09",
    "2019-02-02",
    "2019-07-07",
    "2019-10-10",
    "2019-12-12",
    "2020-02-10",
    "2020-04-08",
    "2020-06-12",
    "2020-08-04",
    "2020-10-02",
    "2020-12-06",
    "2021-02-12",
    "2021-04-10",
    "2021-06-08",
    "2021-08-06",
    "2021-12-02",
    "2022-11-02",
    "2023-01-03",
    "2023-05-03",
    "2023-08-03",
    "2023-11-03",
    "2024-05-04",
    "2024-08-04",
    "2024-11-04",
    "2025-01-05",
    "2025-05-05",
    "2025-07-05",
    "2025-11-05",
    "2026-02-06",
    "2026-04-06",
    "2026-06-06",
    "2026-10-06",
];

/// The first version with the encryption scope (`ses`) in every string-to-sign.
const ENCRYPTION_SCOPE_SINCE: &str = "2020-12-06";
/// The first version with `saoid`, `suoid` and `scid` in the user delegation string-to-sign.
const AGENT_OBJECT_IDS_SINCE: &str = "2020-02-10";
/// The first version with `skdutid` and `sduoid` in the user delegation string-to-sign.
const DELEGATED_USER_SINCE: &str = "2025-07-05";
/// The first version with signed request headers and query parameters (`srh`, `srq`).
const SIGNED_REQUEST_SINCE: &str = "2026-04-06";

/// Whether `sv` is a version the emulator verifies: a published one, or a later date (a
/// client newer than this list), verified with the newest layout. That last part is an
/// emulator choice: refusing every version newer than the list would break newer SDKs, and a
/// new version that changed the layout again would fail on the signature, with the string to
/// sign in the error.
pub(crate) fn recognised(sv: &str) -> bool {
    VERSIONS.contains(&sv) || (is_date(sv) && VERSIONS.last().is_some_and(|newest| sv > *newest))
}

/// Whether `text` has the shape `YYYY-MM-DD`.
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                *b == b'-'
            } else {
                b.is_ascii_digit()
            }
        })
}

/// The canonicalized resource of a service or user delegation SAS: `/blob/{account}/{container}`
/// and, for a blob, `/{blob}` (decoded names).
pub(crate) fn canonical_resource(account: &str, container: &str, blob: Option<&str>) -> String {
    match blob {
        Some(blob) => format!("/blob/{account}/{container}/{blob}"),
        None => format!("/blob/{account}/{container}"),
    }
}

/// A service SAS (signed with an account key).
pub(crate) fn service(params: &SasParams<'_>, sv: &str, canonical: &str) -> String {
    let mut fields = vec![
        or_empty(params.sp),
        or_empty(params.st),
        or_empty(params.se),
        canonical,
        or_empty(params.si),
        or_empty(params.sip),
        or_empty(params.spr),
        sv,
        or_empty(params.sr),
        "", // signedSnapshotTime: snapshots and versions (sr=bs, sr=bv) are not supported.
    ];
    if sv >= ENCRYPTION_SCOPE_SINCE {
        fields.push(or_empty(params.ses));
    }
    fields.extend(response_headers(params));
    fields.join("\n")
}

/// A user delegation SAS; signed request headers and query parameters take their values from
/// `req`.
pub(crate) fn user_delegation(params: &SasParams<'_>, sv: &str, canonical: &str, req: &SignedRequest<'_>) -> String {
    let mut fields: Vec<String> = [
        params.sp,
        params.st,
        params.se,
        Some(canonical),
        params.skoid,
        params.sktid,
        params.skt,
        params.ske,
        params.sks,
        params.skv,
    ]
    .iter()
    .map(|field| or_empty(*field).to_owned())
    .collect();
    let mut push = |values: &[Option<&str>]| fields.extend(values.iter().map(|value| or_empty(*value).to_owned()));
    if sv >= AGENT_OBJECT_IDS_SINCE {
        push(&[params.saoid, params.suoid, params.scid]);
    }
    if sv >= DELEGATED_USER_SINCE {
        push(&[params.skdutid, params.sduoid]);
    }
    push(&[params.sip, params.spr, Some(sv), params.sr, Some("")]);
    if sv >= ENCRYPTION_SCOPE_SINCE {
        push(&[params.ses]);
    }
    if sv >= SIGNED_REQUEST_SINCE {
        fields.push(signed_request_headers(params.srh, req));
        fields.push(signed_request_query(params.srq, req));
    }
    fields.extend(response_headers(params).iter().map(|value| (*value).to_owned()));
    fields.join("\n")
}

/// An account SAS: every field followed by `\n` (the string ends with a newline).
pub(crate) fn account(params: &SasParams<'_>, sv: &str, account: &str) -> String {
    let mut fields = vec![
        account,
        or_empty(params.sp),
        or_empty(params.ss),
        or_empty(params.srt),
        or_empty(params.st),
        or_empty(params.se),
        or_empty(params.sip),
        or_empty(params.spr),
        sv,
    ];
    if sv >= ENCRYPTION_SCOPE_SINCE {
        fields.push(or_empty(params.ses));
    }
    fields.iter().map(|field| format!("{field}\n")).collect()
}

/// `rscc`, `rscd`, `rsce`, `rscl`, `rsct`: the response headers the SAS overrides.
fn response_headers<'a>(params: &SasParams<'a>) -> [&'a str; 5] {
    [params.rscc, params.rscd, params.rsce, params.rscl, params.rsct].map(or_empty)
}

/// The `srh` field: `name:value\n` for each header the SAS names (in its order), with the
/// request's value ("Create a user delegation SAS", "Version 2026-04-06 and later").
fn signed_request_headers(srh: Option<&str>, req: &SignedRequest<'_>) -> String {
    names(srh)
        .map(|name| {
            format!(
                "{name}:{}\n",
                req.header(&name.to_ascii_lowercase()).unwrap_or_default()
            )
        })
        .collect()
}

/// The `srq` field: `\nname:value` for each query parameter the SAS names, with the request's
/// value.
fn signed_request_query(srq: Option<&str>, req: &SignedRequest<'_>) -> String {
    names(srq)
        .map(|name| format!("\n{name}:{}", req.query_value(name).unwrap_or_default()))
        .collect()
}

/// The names of a comma-separated list.
fn names(list: Option<&str>) -> impl Iterator<Item = &str> {
    list.unwrap_or_default().split(',').filter(|name| !name.is_empty())
}

fn or_empty(value: Option<&str>) -> &str {
    value.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::recognised;

    #[test]
    fn versions_from_2018_11_09_and_later_dates_are_recognised() {
        for sv in ["2018-11-09", "2020-12-06", "2025-07-05", "2026-10-06", "2027-03-07"] {
            assert!(recognised(sv), "{sv}");
        }
        for sv in ["2015-04-05", "2018-03-28", "2020-12-07", "latest", "2027-3-7", ""] {
            assert!(!recognised(sv), "{sv}");
        }
    }
}
