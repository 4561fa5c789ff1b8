//! `GET /msi/token`: the App Service / Functions / Container Apps `IDENTITY_ENDPOINT`.

use hyper::StatusCode;

use super::token_response::{APP_SERVICE_SELECTORS, error, issue};
use crate::http::{Reply, Request};
use crate::shared::Shared;

/// The api-version of the `IDENTITY_ENDPOINT` protocol.
const API_VERSION: &str = "2019-08-01";

/// Answers an App Service token request.
pub(crate) fn handle(shared: &Shared, request: &Request) -> Reply {
    match request.header("x-identity-header") {
        None => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Required header 'X-IDENTITY-HEADER' is missing",
            );
        }
        Some(secret) if secret != shared.settings.identity_header => {
            return error(
                StatusCode::UNAUTHORIZED,
                "unauthorized_client",
                "The X-IDENTITY-HEADER value is not valid",
            );
        }
        Some(_) => {}
    }
    match request.query("api-version") {
        Some(API_VERSION) => issue(shared, request, APP_SERVICE_SELECTORS),
        Some(other) => error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("Invalid api-version '{other}'. Supported version: {API_VERSION}"),
        ),
        None => error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Required query variable 'api-version' is missing",
        ),
    }
}
