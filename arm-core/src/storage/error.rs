//! The error of [`crate::storage`]: one line naming the input, the Storage error code kept, a
//! `#[source]` chain down to azure_core, and never a SAS query.

use crate::storage::redact::scrub;
use azure_core::error::ErrorKind;
use azure_core::http::StatusCode;
use std::time::Duration;

/// Everything that can go wrong in a Blob transfer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Resolving the account through Azure Resource Manager failed (or a setting was wrong).
    #[error(transparent)]
    Arm(#[from] crate::Error),
    /// A caller-supplied value was rejected before any request was sent.
    #[error("invalid {field}: {message}")]
    InvalidInput {
        /// The input at fault, e.g. `expires_in`.
        field: String,
        /// What was wrong and what is expected.
        message: String,
    },
    /// A SAS URL was rejected before any request was sent (http, no signature, expired...).
    #[error("SAS URL {input}: {message}")]
    InvalidSas {
        /// The URL without its query (`https://acct.blob.core.windows.net/c/b?<redacted>`).
        input: String,
        /// What is wrong with it.
        message: String,
    },
    /// The Blob service answered with an error status.
    #[error(
        "{operation} {url} failed: {status}{}: {message}{}",
        code_suffix(code),
        request_suffix(request_id)
    )]
    Service {
        /// The Blob operation (`Put Block`, `Get Blob`...).
        operation: &'static str,
        /// The URL of the request, without its query.
        url: String,
        /// HTTP status.
        status: StatusCode,
        /// The Storage error code (`x-ms-error-code`), e.g. `ContainerNotFound`.
        code: Option<String>,
        /// The first line of the service's message (or the status text).
        message: String,
        /// `x-ms-request-id`.
        request_id: Option<String>,
        /// azure_core's error, rebuilt without any URL query.
        #[source]
        source: Box<azure_core::Error>,
    },
    /// The request could not be sent, or its response could not be read.
    #[error("{operation} {url} failed: {message}")]
    Transport {
        /// The Blob operation.
        operation: &'static str,
        /// The URL of the request, without its query.
        url: String,
        /// What went wrong, on one line.
        message: String,
        /// azure_core's error, rebuilt without any URL query.
        #[source]
        source: Box<azure_core::Error>,
    },
    /// Reading the data to upload failed.
    #[error("cannot read {input}: {source}")]
    Read {
        /// The file or stream being read.
        input: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A wait set by the caller passed.
    #[error("{what} did not happen within {after:?}")]
    TimedOut {
        /// What was waited for.
        what: String,
        /// The wait that passed.
        after: Duration,
    },
}

fn code_suffix(code: &Option<String>) -> String {
    code.as_ref().map(|c| format!(" {c}")).unwrap_or_default()
}

fn request_suffix(request_id: &Option<String>) -> String {
    request_id
        .as_ref()
        .map(|id| format!(" [x-ms-request-id: {id}]"))
        .unwrap_or_default()
}

impl Error {
    /// The HTTP status the Blob service answered with, if any.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Service { status, .. } => Some(*status),
            Error::Arm(e) => e.status(),
            _ => None,
        }
    }

    /// The Storage error code (`BlobNotFound`, `AuthenticationFailed`...), or ARM's code.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Service { code, .. } => code.as_deref(),
            Error::Arm(e) => e.code(),
            _ => None,
        }
    }

    pub(crate) fn invalid_input(field: &str, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.to_owned(),
            message: message.into(),
        }
    }

    /// Wraps azure_core's error of `operation` on `url` (which may carry a SAS query): the
    /// status, Storage code, request id and first line of the message are kept; the query of
    /// every URL in the text is dropped, and so is the response azure_core kept.
    pub(crate) fn from_azure(operation: &'static str, url: &url::Url, error: azure_core::Error) -> Self {
        let url = crate::url_without_query(url);
        match error.kind() {
            ErrorKind::HttpResponse {
                status,
                error_code,
                raw_response,
            } => {
                let status = *status;
                let body = raw_response.as_ref().map(|r| r.body().as_ref()).unwrap_or_default();
                let code = error_code.clone().or_else(|| xml_element(body, "Code"));
                let request_id = raw_response.as_ref().and_then(|r| {
                    r.headers()
                        .get_optional_str(&azure_core::http::headers::HeaderName::from_static("x-ms-request-id"))
                        .map(str::to_owned)
                });
                let message = xml_element(body, "Message")
                    .map(|m| first_line(&m))
                    .unwrap_or_else(|| status.canonical_reason().into_owned());
                let message = scrub(&message);
                let source = azure_core::Error::with_message(
                    ErrorKind::HttpResponse {
                        status,
                        error_code: code.clone(),
                        raw_response: None,
                    },
                    message.clone(),
                );
                Error::Service {
                    operation,
                    url,
                    status,
                    code,
                    message,
                    request_id,
                    source: Box::new(source),
                }
            }
            kind => {
                let message = scrub(&crate::error::one_line(&error.to_string()));
                let source = azure_core::Error::with_message(kind.clone(), message.clone());
                Error::Transport {
                    operation,
                    url,
                    message,
                    source: Box::new(source),
                }
            }
        }
    }
}

/// The text of the first `<name>` element of an XML error body (`<Error><Code>...`).
fn xml_element(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    let open = format!("<{name}>");
    let start = text.find(&open)? + open.len();
    let end = text[start..].find(&format!("</{name}>"))? + start;
    let value = text[start..end].trim();
    (!value.is_empty()).then(|| value.to_owned())
}

/// The first non-empty line (Azure's messages go on with `RequestId:` and `Time:` lines).
fn first_line(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or_default()
        .to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_azure_xml_errors() {
        let body = b"\xef\xbb\xbf<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>ContainerNotFound</Code><Message>The specified container does not exist.\nRequestId:1\nTime:2024</Message></Error>";
        assert_eq!(xml_element(body, "Code").as_deref(), Some("ContainerNotFound"));
        assert_eq!(
            first_line(&xml_element(body, "Message").unwrap()),
            "The specified container does not exist."
        );
        assert_eq!(xml_element(b"<html/>", "Code"), None);
    }

    #[test]
    fn transport_errors_lose_url_queries() {
        let url = url::Url::parse("https://a.blob.core.windows.net/c/b?sv=1&sig=SECRET").unwrap();
        let inner = azure_core::Error::with_message(
            ErrorKind::Io,
            "error sending request for url (https://a.blob.core.windows.net/c/b?sv=1&sig=SECRET)",
        );
        let error = Error::from_azure("Put Block", &url, inner);
        let mut text = error.to_string();
        let mut source = std::error::Error::source(&error);
        while let Some(s) = source {
            text.push_str(&s.to_string());
            source = s.source();
        }
        assert!(!text.contains("SECRET"), "{text}");
        assert!(
            text.starts_with("Put Block https://a.blob.core.windows.net/c/b failed"),
            "{text}"
        );
    }
}
