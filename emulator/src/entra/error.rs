//! Entra ID's error responses (`error`, `error_description` with an AADSTS code, trace ids).

use hyper::StatusCode;
use serde_json::json;
use time::OffsetDateTime;

use crate::http::{Reply, Request};
use crate::{clock, random};

/// An Entra error before it is stamped with trace and correlation ids.
#[derive(Debug)]
pub(crate) struct AadError {
    pub status: StatusCode,
    /// The OAuth error code, e.g. `invalid_client`.
    pub error: &'static str,
    /// The AADSTS number.
    pub code: u32,
    /// The text after `AADSTSnnn: `.
    pub message: String,
}

impl AadError {
    pub fn new(status: StatusCode, error: &'static str, code: u32, message: impl Into<String>) -> AadError {
        AadError {
            status,
            error,
            code,
            message: message.into(),
        }
    }

    /// `AADSTS900144`: a required form parameter is missing.
    pub fn missing_parameter(name: &str) -> AadError {
        AadError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            900_144,
            format!("The request body must contain the following parameter: '{name}'."),
        )
    }

    /// The response, in Entra's exact shape; `now` is the emulator's time.
    pub fn into_reply(self, request: &Request, now: OffsetDateTime) -> Reply {
        let ids = Ids::for_request(request);
        let timestamp = clock::entra_timestamp(now);
        let description = format!(
            "AADSTS{}: {}\r\nTrace ID: {}\r\nCorrelation ID: {}\r\nTimestamp: {}",
            self.code, self.message, ids.trace, ids.correlation, timestamp
        );
        let body = json!({
            "error": self.error,
            "error_description": description,
            "error_codes": [self.code],
            "timestamp": timestamp,
            "trace_id": ids.trace,
            "correlation_id": ids.correlation,
            "error_uri": format!("https://login.microsoftonline.com/error?code={}", self.code),
        });
        ids.stamp(Reply::json(self.status, &body))
    }
}

/// The trace id of a response and the correlation id (the client's request id when sent).
pub(crate) struct Ids {
    pub trace: String,
    pub correlation: String,
}

impl Ids {
    pub fn for_request(request: &Request) -> Ids {
        Ids {
            trace: random::uuid(),
            correlation: request.client_request_id().map_or_else(random::uuid, str::to_owned),
        }
    }

    /// Adds the headers Entra sends on every token endpoint response.
    pub fn stamp(&self, reply: Reply) -> Reply {
        reply
            .with_header("x-ms-request-id", &self.trace)
            .with_header("client-request-id", &self.correlation)
            .with_header("cache-control", "no-store, no-cache")
            .with_header("pragma", "no-cache")
    }
}
