//! The token response and errors shared by the IMDS and App Service endpoints.

use hyper::StatusCode;
use serde_json::json;

use super::select::{self, IdKind, SelectorNames};
use crate::http::{Reply, Request};
use crate::shared::Shared;
use crate::token::resources;

/// An error in the managed identity endpoints' shape.
pub(crate) fn error(status: StatusCode, error: &str, description: &str) -> Reply {
    Reply::json(status, &json!({ "error": error, "error_description": description }))
}

/// Issues a token for the identity and resource the query names (after the endpoint checked its
/// own headers and api-version).
pub(crate) fn issue(shared: &Shared, request: &Request, names: SelectorNames) -> Reply {
    let Some(resource) = request.query("resource").filter(|r| !r.is_empty()) else {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "Required query variable 'resource' is missing",
        );
    };
    let selector = match select::from_query(&request.query, names) {
        Ok(selector) => selector,
        Err(description) => return error(StatusCode::BAD_REQUEST, "invalid_request", &description),
    };
    let world = shared.read();
    let identity = match select::select(&world, &selector) {
        Ok(identity) => identity,
        Err(description) => return error(StatusCode::BAD_REQUEST, "invalid_request", description),
    };
    if !resources::is_known(resource, &shared.endpoints.arm) {
        return error(
            StatusCode::BAD_REQUEST,
            "invalid_resource",
            &format!(
                "AADSTS500011: The resource principal named {resource} was not found in the tenant named {}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.",
                identity.tenant_id
            ),
        );
    }
    let issued = shared.tokens.for_identity(identity, resource, shared.clock.unix_now());
    let expires_in = issued.expires_in().to_string();
    Reply::json(
        StatusCode::OK,
        &json!({
            "access_token": issued.access_token,
            "client_id": identity.client_id,
            "expires_in": expires_in,
            "expires_on": issued.expires_on.to_string(),
            "ext_expires_in": expires_in,
            "not_before": issued.not_before.to_string(),
            "resource": resource,
            "token_type": "Bearer",
        }),
    )
    .by(Some(identity.principal_id.clone()))
}

/// IMDS's id parameters.
pub(crate) const IMDS_SELECTORS: SelectorNames = &[
    ("client_id", IdKind::Client),
    ("object_id", IdKind::Object),
    ("msi_res_id", IdKind::Resource),
    ("mi_res_id", IdKind::Resource),
];

/// App Service's id parameters.
pub(crate) const APP_SERVICE_SELECTORS: SelectorNames = &[
    ("client_id", IdKind::Client),
    ("principal_id", IdKind::Object),
    ("object_id", IdKind::Object),
    ("mi_res_id", IdKind::Resource),
    ("msi_res_id", IdKind::Resource),
];
