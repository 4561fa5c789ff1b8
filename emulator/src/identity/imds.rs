//! `GET /metadata/identity/oauth2/token`: the Instance Metadata Service token endpoint.

use hyper::StatusCode;

use super::token_response::{IMDS_SELECTORS, error, issue};
use crate::http::{Reply, Request};
use crate::shared::Shared;

/// api-versions IMDS accepts for identity tokens.
const API_VERSIONS: &[&str] = &["2018-02-01", "2019-08-01"];

/// Answers an IMDS token request.
pub(crate) fn handle(shared: &Shared, request: &Request) -> Reply {
    if !request
        .header("metadata")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Required metadata header not specified",
        );
    }
    match request.query("api-version") {
        None => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Required query variable 'api-version' is missing",
            );
        }
        Some(version) if !API_VERSIONS.contains(&version) => {
            return error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &format!(
                    "Invalid api-version '{version}'. Supported versions: {}",
                    API_VERSIONS.join(", ")
                ),
            );
        }
        Some(_) => {}
    }
    issue(shared, request, IMDS_SELECTORS)
}
