//! The one error type of arm-core, with ARM's error envelope, request ids and throttling data.

use crate::resource_id::ResourceIdError;
use azure_core::http::{StatusCode, headers::Headers};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

/// Everything that can go wrong when talking to Azure Resource Manager.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A setting (environment variable or option) is missing, malformed or contradictory.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A caller-supplied value was rejected before any request was sent.
    #[error("invalid {field}: {message}")]
    InvalidInput {
        /// The input that was wrong, e.g. `container_group_name`.
        field: String,
        /// What was wrong and what is expected.
        message: String,
    },
    /// A resource id could not be parsed.
    #[error(transparent)]
    ResourceId(#[from] ResourceIdError),
    /// No token could be obtained for the request.
    #[error("could not get an access token for {scope}: {}", credential_message(source))]
    Credential {
        /// The scope that was requested.
        scope: String,
        /// The credential's error.
        #[source]
        source: Box<azure_core::Error>,
    },
    /// The request could not be sent or its response could not be read.
    #[error("{method} {url} failed: {}", one_line(&source.to_string()))]
    Transport {
        /// HTTP method.
        method: String,
        /// URL without its query string.
        url: String,
        /// The transport error.
        #[source]
        source: Box<azure_core::Error>,
    },
    /// ARM answered with an error status.
    #[error("{0}")]
    Service(Box<ServiceError>),
    /// A success response did not hold the expected JSON.
    #[error("{method} {url}: the response is not a valid {expected}: {}", one_line(&source.to_string()))]
    Decode {
        /// HTTP method.
        method: String,
        /// URL without its query string.
        url: String,
        /// The type that was expected.
        expected: &'static str,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// A long-running operation reached `Failed` or `Canceled`.
    #[error("{0}")]
    OperationFailed(Box<OperationFailure>),
    /// A deadline set by the caller passed before the work was done.
    #[error("{what} did not finish within {after:?}")]
    DeadlineExceeded {
        /// What was being waited for.
        what: String,
        /// The deadline that passed.
        after: Duration,
    },
}

impl Error {
    /// The HTTP status ARM answered with, if this error came from a response.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Service(e) => Some(e.status),
            _ => None,
        }
    }

    /// The ARM error code (`ResourceGroupNotFound`, `AuthorizationFailed`, ...), if any.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Service(e) => e.error.as_ref().map(|b| b.code.as_str()),
            Error::OperationFailed(e) => e.error.as_ref().map(|b| b.code.as_str()),
            _ => None,
        }
    }

    /// The service error, if ARM answered with an error status.
    pub fn as_service(&self) -> Option<&ServiceError> {
        match self {
            Error::Service(e) => Some(e),
            _ => None,
        }
    }

    /// True when ARM said 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NotFound)
    }

    /// True when ARM throttled the request (429).
    pub fn is_throttled(&self) -> bool {
        self.status() == Some(StatusCode::TooManyRequests)
    }

    pub(crate) fn invalid_input(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// A missing, malformed or contradictory setting, naming the variable or option.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{variable}: {message}")]
pub struct ConfigError {
    /// The variable or option at fault, e.g. `AZ_MANAGED_IDENTITY`.
    pub variable: String,
    /// What is wrong and what is expected.
    pub message: String,
}

impl ConfigError {
    /// Creates a configuration error about `variable`.
    pub fn new(variable: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            variable: variable.into(),
            message: message.into(),
        }
    }
}

/// The body of ARM's error envelope (`{"error": {...}}`), as in the `ErrorDetail`/`CloudErrorBody`
/// definitions of the common types.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ArmErrorBody {
    /// An invariant identifier of the error.
    #[serde(default)]
    pub code: String,
    /// A human-readable message.
    #[serde(default)]
    pub message: String,
    /// The target of the error, e.g. a property name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Nested details.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub details: Vec<ArmErrorBody>,
    /// Additional information.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_info: Vec<ArmErrorAdditionalInfo>,
}

/// One entry of `additionalInfo` in an ARM error.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArmErrorAdditionalInfo {
    /// The kind of information.
    #[serde(rename = "type", default)]
    pub kind: String,
    /// The information itself.
    #[serde(default)]
    pub info: serde_json::Value,
}

#[derive(Deserialize)]
struct Envelope {
    error: ArmErrorBody,
}

impl ArmErrorBody {
    /// Decodes an ARM error body: the `{"error": {...}}` envelope, or a bare `{"code", "message"}`
    /// object as some resource providers send. Returns `None` when neither fits.
    pub fn from_json(body: &[u8]) -> Option<Self> {
        if let Ok(envelope) = serde_json::from_slice::<Envelope>(body) {
            return Some(envelope.error);
        }
        serde_json::from_slice::<Self>(body).ok().filter(|b| !b.code.is_empty())
    }
}

impl fmt::Display for ArmErrorBody {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, one_line(&self.message))?;
        if let Some(target) = &self.target {
            write!(f, " (target: {target})")?;
        }
        for detail in &self.details {
            write!(f, "; {detail}")?;
        }
        Ok(())
    }
}

/// What Azure said about throttling in a response.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Throttling {
    /// The delay asked for by `Retry-After` (or `retry-after-ms` / `x-ms-retry-after-ms`).
    pub retry_after: Option<Duration>,
    /// The `x-ms-ratelimit-remaining-*` headers, name and value.
    pub remaining: Vec<(String, String)>,
}

impl Throttling {
    /// Reads the throttling headers of a response.
    pub fn from_headers(headers: &Headers) -> Self {
        let remaining = headers
            .iter()
            .filter(|(name, _)| name.as_str().starts_with("x-ms-ratelimit-remaining-"))
            .map(|(name, value)| (name.as_str().to_owned(), value.as_str().to_owned()))
            .collect();
        Self {
            retry_after: crate::retry::retry_after(headers),
            remaining,
        }
    }
}

/// An error status from ARM, with everything support needs to find the request.
#[derive(Debug, Clone)]
pub struct ServiceError {
    /// HTTP status.
    pub status: StatusCode,
    /// HTTP method of the request.
    pub method: String,
    /// URL of the request, without its query string.
    pub url: String,
    /// The decoded ARM error, when the body held one.
    pub error: Option<ArmErrorBody>,
    /// The start of the body when it was not an ARM error (at most 512 bytes).
    pub raw_body: Option<String>,
    /// `x-ms-request-id`.
    pub request_id: Option<String>,
    /// `x-ms-correlation-request-id`.
    pub correlation_id: Option<String>,
    /// `x-ms-client-request-id` as echoed by the service.
    pub client_request_id: Option<String>,
    /// Throttling information.
    pub throttling: Throttling,
}

impl ServiceError {
    /// Builds the error of a response with a non-success status.
    pub fn from_response(method: &str, url: &url::Url, status: StatusCode, headers: &Headers, body: &[u8]) -> Self {
        let error = ArmErrorBody::from_json(body);
        let raw_body = if error.is_none() && !body.is_empty() {
            let text = String::from_utf8_lossy(&body[..body.len().min(512)]);
            Some(one_line(&text))
        } else {
            None
        };
        let header = |name: &'static str| {
            crate::headers::header(headers, &azure_core::http::headers::HeaderName::from_static(name))
                .map(str::to_owned)
        };
        Self {
            status,
            method: method.to_owned(),
            url: url_without_query(url),
            error,
            raw_body,
            request_id: header("x-ms-request-id"),
            correlation_id: header("x-ms-correlation-request-id"),
            client_request_id: header("x-ms-client-request-id"),
            throttling: Throttling::from_headers(headers),
        }
    }
}

impl fmt::Display for ServiceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} returned {}", self.method, self.url, u16::from(self.status))?;
        match (&self.error, &self.raw_body) {
            (Some(error), _) => write!(f, ": {error}")?,
            (None, Some(raw)) => write!(f, ": {raw}")?,
            (None, None) => {}
        }
        if let Some(after) = self.throttling.retry_after {
            write!(f, " (retry after {}s)", after.as_secs())?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [x-ms-request-id: {id}")?;
            if let Some(corr) = &self.correlation_id {
                write!(f, ", x-ms-correlation-request-id: {corr}")?;
            }
            f.write_str("]")?;
        } else if let Some(corr) = &self.correlation_id {
            write!(f, " [x-ms-correlation-request-id: {corr}]")?;
        }
        Ok(())
    }
}

/// A long-running operation that ended `Failed` or `Canceled`.
#[derive(Debug, Clone)]
pub struct OperationFailure {
    /// The terminal status as ARM spelled it.
    pub status: String,
    /// The URL of the operation (or of the resource when its `provisioningState` was polled).
    pub url: String,
    /// The ARM error carried by the operation, if any.
    pub error: Option<ArmErrorBody>,
}

impl fmt::Display for OperationFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "long-running operation {} ended {}", self.url, self.status)?;
        if let Some(error) = &self.error {
            write!(f, ": {error}")?;
        }
        Ok(())
    }
}

/// A credential's error on one line, led by the failure of its token request when it got no
/// response: azure_identity says only "non-transport error occurred which will not be retried"
/// for a certificate it rejected.
fn credential_message(source: &azure_core::Error) -> String {
    let message = one_line(&source.to_string());
    match crate::transport::send_failure(source) {
        Some(cause) if !message.contains(cause) => format!("{cause} ({message})"),
        _ => message,
    }
}

/// Replaces line breaks so that a message stays on one line.
pub(crate) fn one_line(text: &str) -> String {
    text.split(['\r', '\n'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// `url` without its query and fragment, for messages and logs (a SAS or a code never shows).
pub fn url_without_query(url: &url::Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use azure_core::http::headers::HeaderName;

    #[test]
    fn decodes_envelope_and_bare_bodies() {
        let envelope =
            br#"{"error":{"code":"ResourceGroupNotFound","message":"Resource group 'x' could not be found."}}"#;
        let body = ArmErrorBody::from_json(envelope).unwrap();
        assert_eq!(body.code, "ResourceGroupNotFound");
        let bare = br#"{"code":"InvalidParameter","message":"bad","target":"name"}"#;
        assert_eq!(ArmErrorBody::from_json(bare).unwrap().target.as_deref(), Some("name"));
        assert!(ArmErrorBody::from_json(b"<html>gateway</html>").is_none());
        assert!(ArmErrorBody::from_json(br#"{"value":[]}"#).is_none());
    }

    #[test]
    fn service_error_display_is_one_line_with_ids() {
        let mut headers = Headers::new();
        headers.insert(HeaderName::from_static("x-ms-request-id"), "req-1");
        headers.insert(HeaderName::from_static("x-ms-correlation-request-id"), "corr-1");
        headers.insert(HeaderName::from_static("retry-after"), "7");
        headers.insert(
            HeaderName::from_static("x-ms-ratelimit-remaining-subscription-reads"),
            "0",
        );
        let url = url::Url::parse("https://management.azure.com/subscriptions/s?api-version=1").unwrap();
        let body = br#"{"error":{"code":"TooManyRequests","message":"slow\ndown","details":[{"code":"Inner","message":"more"}]}}"#;
        let error = ServiceError::from_response("GET", &url, StatusCode::TooManyRequests, &headers, body);
        let text = Error::Service(Box::new(error.clone())).to_string();
        assert_eq!(
            text,
            "GET https://management.azure.com/subscriptions/s returned 429: TooManyRequests: slow down; Inner: more (retry after 7s) [x-ms-request-id: req-1, x-ms-correlation-request-id: corr-1]"
        );
        assert_eq!(error.throttling.retry_after, Some(Duration::from_secs(7)));
        assert_eq!(
            error.throttling.remaining,
            vec![("x-ms-ratelimit-remaining-subscription-reads".to_owned(), "0".to_owned())]
        );
    }

    #[test]
    fn non_arm_bodies_are_kept_short() {
        let url = url::Url::parse("https://management.azure.com/x").unwrap();
        let body = vec![b'a'; 2000];
        let error = ServiceError::from_response("GET", &url, StatusCode::BadGateway, &Headers::new(), &body);
        assert_eq!(error.raw_body.unwrap().len(), 512);
    }
}
