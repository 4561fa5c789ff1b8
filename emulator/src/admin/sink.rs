//! `PUT /sink`: reads a request body of any size as a stream and answers how many bytes came.
//! It exercises the generic upload path ([`crate::http::RequestBody::copy_to`], which Blob
//! uploads will use with a file) with memory bounded by one chunk whatever the size, and is what
//! the `emulator_upload` benchmark measures. The admin token is checked before a byte is read.

use hyper::{Method, StatusCode};
use serde_json::json;

use super::error;
use crate::http::{BodyError, Reply, Request};

/// Whether a request (method, path as sent) goes to the sink.
pub(crate) fn is_sink(method: &Method, path: &str) -> bool {
    method == Method::PUT && path.trim_end_matches('/').eq_ignore_ascii_case("/sink")
}

/// Copies the body to nowhere; `{"bytes": n}`.
pub(crate) async fn handle(request: &Request) -> Reply {
    let Some(body) = request.take_body() else {
        return error(StatusCode::INTERNAL_SERVER_ERROR, "the body was already read");
    };
    match body.copy_to(&mut tokio::io::sink(), u64::MAX).await {
        Ok(bytes) => Reply::json(StatusCode::OK, &json!({ "bytes": bytes })),
        Err(BodyError::TooLarge) => error(StatusCode::PAYLOAD_TOO_LARGE, "the body is too large"),
        Err(e) => error(StatusCode::BAD_REQUEST, &e.to_string()),
    }
}
