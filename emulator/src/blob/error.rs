//! Blob service errors: Azure Storage's XML body
//! `<Error><Code>..</Code><Message>..\nRequestId:..\nTime:..</Message></Error>` (with
//! `<AuthenticationErrorDetail>` for authentication failures) and the code again in the
//! `x-ms-error-code` header (learn.microsoft.com "Status and error codes" and "Blob service error
//! codes", Storage REST reference). A HEAD response carries the header only.

use hyper::StatusCode;

use super::auth::AuthError;
use super::xml;
use crate::rbac::StorageError;

/// A Blob service error, before the request id and time are known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct BlobError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The error code (also `x-ms-error-code`).
    pub code: &'static str,
    /// The message, before the `RequestId`/`Time` lines.
    pub message: String,
    /// `AuthenticationErrorDetail`, for authentication failures.
    pub detail: Option<String>,
    /// Extra headers (e.g. `Retry-After` of an injected fault).
    pub headers: Vec<(&'static str, String)>,
}

impl BlobError {
    /// An error of `status` with `code` and `message`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> BlobError {
        BlobError {
            status,
            code,
            message: message.into(),
            detail: None,
            headers: Vec::new(),
        }
    }

    /// The same error with a header added.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> BlobError {
        self.headers.push((name, value.into()));
        self
    }

    /// The XML body for a request answered at `time` (seven fractional digits, as Storage).
    pub fn xml_body(&self, request_id: &str, time: &str) -> String {
        let detail = self
            .detail
            .as_ref()
            .map(|detail| {
                format!(
                    "<AuthenticationErrorDetail>{}</AuthenticationErrorDetail>",
                    xml::escape(detail)
                )
            })
            .unwrap_or_default();
        format!(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{}</Code><Message>{}\nRequestId:{request_id}\nTime:{time}</Message>{detail}</Error>",
            self.code,
            xml::escape(&self.message)
        )
    }
}

impl From<AuthError> for BlobError {
    fn from(error: AuthError) -> Self {
        BlobError {
            status: StatusCode::from_u16(error.status).unwrap_or(StatusCode::FORBIDDEN),
            code: error.code,
            message: error.message,
            detail: error.detail,
            headers: Vec::new(),
        }
    }
}

impl From<StorageError> for BlobError {
    fn from(error: StorageError) -> Self {
        BlobError::new(
            StatusCode::from_u16(error.status).unwrap_or(StatusCode::FORBIDDEN),
            error.code,
            error.message,
        )
    }
}

/// 404 `ContainerNotFound`: "The specified container does not exist."
pub(crate) fn container_not_found() -> BlobError {
    BlobError::new(
        StatusCode::NOT_FOUND,
        "ContainerNotFound",
        "The specified container does not exist.",
    )
}

/// 404 `BlobNotFound`: "The specified blob does not exist."
pub(crate) fn blob_not_found() -> BlobError {
    BlobError::new(
        StatusCode::NOT_FOUND,
        "BlobNotFound",
        "The specified blob does not exist.",
    )
}

/// 400 `InvalidHeaderValue`: "The value for one of the HTTP headers is not in the correct format."
pub(crate) fn invalid_header(name: &str, value: &str) -> BlobError {
    BlobError::new(
        StatusCode::BAD_REQUEST,
        "InvalidHeaderValue",
        format!(
            "The value for one of the HTTP headers is not in the correct format. Header '{name}' has value '{value}'."
        ),
    )
}

/// 400 `InvalidQueryParameterValue`: "Value for one of the query parameters specified in the
/// request URI is invalid."
pub(crate) fn invalid_query(name: &str, value: &str) -> BlobError {
    BlobError::new(
        StatusCode::BAD_REQUEST,
        "InvalidQueryParameterValue",
        format!(
            "Value for one of the query parameters specified in the request URI is invalid. Query parameter '{name}' has value '{value}'."
        ),
    )
}

/// 400 `MissingRequiredHeader`: "An HTTP header that's mandatory for this request is not
/// specified."
pub(crate) fn missing_header(name: &str) -> BlobError {
    BlobError::new(
        StatusCode::BAD_REQUEST,
        "MissingRequiredHeader",
        format!("An HTTP header that's mandatory for this request is not specified. Header '{name}' is missing."),
    )
}

/// 400 `InvalidXmlDocument`: "XML specified is not syntactically valid."
pub(crate) fn invalid_xml() -> BlobError {
    BlobError::new(
        StatusCode::BAD_REQUEST,
        "InvalidXmlDocument",
        "XML specified is not syntactically valid.",
    )
}

/// 413 `RequestBodyTooLarge`: "The request body is too large and exceeds the maximum permissible
/// limit." followed by the limit.
pub(crate) fn body_too_large(limit: u64) -> BlobError {
    BlobError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "RequestBodyTooLarge",
        format!("The request body is too large and exceeds the maximum permissible limit of {limit} bytes."),
    )
}

/// 412 `ConditionNotMet`: "The condition specified using HTTP conditional header(s) is not met."
pub(crate) fn condition_not_met() -> BlobError {
    BlobError::new(
        StatusCode::PRECONDITION_FAILED,
        "ConditionNotMet",
        "The condition specified using HTTP conditional header(s) is not met.",
    )
}

/// 500 `InternalError`: "The server encountered an internal error. Please retry the request."
/// The cause is logged, never sent.
pub(crate) fn internal(cause: &dyn std::fmt::Display) -> BlobError {
    tracing::warn!(%cause, "blob request failed");
    BlobError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "InternalError",
        "The server encountered an internal error. Please retry the request.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_is_storage_s_xml_with_the_detail_escaped() {
        let mut error = blob_not_found();
        assert_eq!(
            error.xml_body("r", "2026-01-02T03:04:05.0000000Z"),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>BlobNotFound</Code><Message>The specified blob does not exist.\nRequestId:r\nTime:2026-01-02T03:04:05.0000000Z</Message></Error>"
        );
        error.detail = Some("a<b".into());
        assert!(
            error
                .xml_body("r", "t")
                .ends_with("<AuthenticationErrorDetail>a&lt;b</AuthenticationErrorDetail></Error>")
        );
    }
}
