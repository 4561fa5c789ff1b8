//! What every Blob response carries: `x-ms-request-id`, `x-ms-version`, `Date`, the client's
//! `x-ms-client-request-id` echoed, and errors as XML with `x-ms-error-code`
//! (learn.microsoft.com "Common REST API error codes", "Versioning for Azure Storage").

use bytes::Bytes;
use hyper::{Method, StatusCode};
use time::OffsetDateTime;
use time::macros::format_description;

use super::auth::times::rfc1123;
use super::error::{BlobError, invalid_header};
use crate::http::{Reply, Request};

/// The oldest `x-ms-version` accepted.
pub(crate) const OLDEST_VERSION: &str = "2019-02-02";
/// The newest `x-ms-version` accepted (the spec in `api-examples/storage/`).
pub(crate) const NEWEST_VERSION: &str = "2027-03-07";

/// The error message's `Time:` (ISO 8601 with seven fractional digits).
pub(crate) fn error_time(at: OffsetDateTime) -> String {
    at.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:7]Z"
        ))
        .unwrap_or_default()
}

/// The `x-ms-version` of a request when it is one the emulator speaks: a date from
/// [`OLDEST_VERSION`] to [`NEWEST_VERSION`] (any date in between: the emulator does not keep the
/// list of published versions). `None` when absent; an error when unusable.
pub(crate) fn version(request: &Request) -> Result<Option<String>, BlobError> {
    let Some(value) = request.headers.get("x-ms-version") else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default();
    let is_date = time::Date::parse(text, format_description!("[year]-[month]-[day]")).is_ok();
    if is_date && (OLDEST_VERSION..=NEWEST_VERSION).contains(&text) {
        Ok(Some(text.to_owned()))
    } else {
        Err(invalid_header("x-ms-version", text))
    }
}

/// What the common headers need to know of a request.
pub(crate) struct Stamp<'a> {
    pub request_id: &'a str,
    pub version: Option<&'a str>,
    pub client_request_id: Option<&'a str>,
    pub now: OffsetDateTime,
    pub head: bool,
}

impl Stamp<'_> {
    /// Adds the common headers.
    pub fn apply(&self, mut reply: Reply) -> Reply {
        reply.set_header("x-ms-request-id", self.request_id);
        if let Some(version) = self.version {
            reply.set_header("x-ms-version", version);
        }
        if let Some(id) = self.client_request_id {
            reply.set_header("x-ms-client-request-id", id);
        }
        reply.set_header("date", &rfc1123(self.now));
        reply.set_header("server", "Windows-Azure-Blob/1.0 Microsoft-HTTPAPI/2.0");
        reply
    }

    /// The error as a reply: XML body (none for HEAD), `x-ms-error-code`.
    pub fn error(&self, error: &BlobError) -> Reply {
        let mut reply = if self.head {
            Reply::empty(error.status)
        } else {
            let body = error.xml_body(self.request_id, &error_time(self.now));
            Reply::bytes(error.status, Bytes::from(body)).with_header("content-type", "application/xml")
        };
        reply.set_header("x-ms-error-code", error.code);
        for (name, value) in &error.headers {
            reply.set_header(*name, value);
        }
        self.apply(reply)
    }
}

/// An XML reply of `status`.
pub(crate) fn xml(status: StatusCode, body: String) -> Reply {
    Reply::bytes(status, Bytes::from(body)).with_header("content-type", "application/xml")
}

/// Whether the request is a HEAD (answers carry no body).
pub(crate) fn is_head(request: &Request) -> bool {
    request.method == Method::HEAD
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::*;

    #[test]
    fn times_are_formatted_as_storage_writes_them() {
        let at = datetime!(2026-01-02 03:04:05.1234567 UTC);
        assert_eq!(error_time(at), "2026-01-02T03:04:05.1234567Z");
    }

    #[test]
    fn versions_in_range_are_accepted() {
        let request = |v: &str| {
            let mut headers = hyper::HeaderMap::new();
            headers.insert("x-ms-version", v.parse().unwrap());
            Request::new(Method::GET, "/", "", headers, Bytes::new())
        };
        assert_eq!(version(&request("2025-11-05")).unwrap().as_deref(), Some("2025-11-05"));
        assert!(version(&request("2019-02-02")).is_ok());
        assert!(version(&request("2018-11-09")).is_err());
        assert!(version(&request("2030-01-01")).is_err());
        assert!(version(&request("latest")).is_err());
    }
}
