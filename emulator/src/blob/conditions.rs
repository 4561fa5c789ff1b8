//! Conditional headers on blob operations (learn.microsoft.com "Specifying conditional headers
//! for Blob service operations"): `If-Match`, `If-None-Match`, `If-Modified-Since`,
//! `If-Unmodified-Since`. A read whose `If-None-Match` or `If-Modified-Since` fails is 304 Not
//! Modified; any other failure is 412 `ConditionNotMet`, except a write with
//! `If-None-Match: *` on an existing blob, which is 409 `BlobAlreadyExists`.

use hyper::StatusCode;
use time::OffsetDateTime;

use super::auth::times::parse_rfc1123;
use super::call::Call;
use super::error::{BlobError, condition_not_met, invalid_header};

/// Whether the operation reads or writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Read,
    Write,
}

/// The ETag and last-modified time of the current resource (`None`: it does not exist).
pub(crate) type Current<'a> = Option<(&'a str, OffsetDateTime)>;

/// Checks the request's conditions against `current`.
pub(crate) fn check(call: &Call<'_>, current: Current<'_>, kind: Kind) -> Result<(), BlobError> {
    let etag_matches = |list: &str| {
        current.is_some_and(|(etag, _)| {
            list.split(',')
                .map(str::trim)
                .any(|tag| tag == "*" || tag == etag || tag.trim_matches('"') == etag.trim_matches('"'))
        })
    };
    let not_modified = || match kind {
        Kind::Read => BlobError::new(
            StatusCode::NOT_MODIFIED,
            "ConditionNotMet",
            "The condition specified using HTTP conditional header(s) is not met.",
        ),
        Kind::Write => condition_not_met(),
    };
    if let Some(list) = call.header("if-match")
        && !etag_matches(list)
    {
        return Err(condition_not_met());
    }
    if let Some(list) = call.header("if-none-match")
        && etag_matches(list)
    {
        if list.trim() == "*" && kind == Kind::Write {
            return Err(BlobError::new(
                StatusCode::CONFLICT,
                "BlobAlreadyExists",
                "The specified blob already exists.",
            ));
        }
        return Err(not_modified());
    }
    let modified = current.map(|(_, at)| at.replace_nanosecond(0).unwrap_or(at));
    if let Some(text) = call.header("if-modified-since") {
        let since = parse_rfc1123(text).ok_or_else(|| invalid_header("If-Modified-Since", text))?;
        if modified.is_some_and(|at| at <= since) {
            return Err(not_modified());
        }
    }
    if let Some(text) = call.header("if-unmodified-since") {
        let since = parse_rfc1123(text).ok_or_else(|| invalid_header("If-Unmodified-Since", text))?;
        if modified.is_some_and(|at| at > since) {
            return Err(condition_not_met());
        }
    }
    Ok(())
}

/// Storage has no leases in the emulator, so a request that names one (`x-ms-lease-id`) names a
/// lease that is not there: 412 `LeaseNotPresentWithBlobOperation` ("There is currently no lease
/// on the blob.") or, on a container, `LeaseNotPresentWithContainerOperation`.
pub(crate) fn no_lease(call: &Call<'_>, on_blob: bool) -> Result<(), BlobError> {
    if call.header("x-ms-lease-id").is_none() {
        return Ok(());
    }
    Err(if on_blob {
        BlobError::new(
            StatusCode::PRECONDITION_FAILED,
            "LeaseNotPresentWithBlobOperation",
            "There is currently no lease on the blob.",
        )
    } else {
        BlobError::new(
            StatusCode::PRECONDITION_FAILED,
            "LeaseNotPresentWithContainerOperation",
            "There is currently no lease on the container.",
        )
    })
}
