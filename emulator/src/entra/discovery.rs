//! `GET /common/discovery/instance`: Entra's instance discovery, which MSAL asks before it trusts
//! an authority. The emulator's login host (under `127.0.0.1` or `localhost`) is the only instance
//! it knows.

use hyper::StatusCode;
use serde_json::json;

use super::error::AadError;
use crate::http::{Reply, Request};
use crate::shared::Shared;

/// The discovery answer for the `authorization_endpoint` of the query.
pub(crate) fn handle(shared: &Shared, request: &Request) -> Reply {
    match discover(&shared.endpoints.login, request) {
        Ok(reply) => reply,
        Err(error) => error.into_reply(request, shared.clock.now()),
    }
}

fn discover(login: &str, request: &Request) -> Result<Reply, AadError> {
    let endpoint = request
        .query("authorization_endpoint")
        .filter(|value| !value.is_empty())
        .ok_or_else(|| {
            AadError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                90_014,
                "The required field 'authorization_endpoint' is missing.",
            )
        })?;
    let unknown = || {
        AadError::new(
            StatusCode::BAD_REQUEST,
            "invalid_instance",
            50_049,
            "Unknown or invalid instance.",
        )
    };
    let ours = url::Url::parse(login).map_err(|_| unknown())?;
    let asked = url::Url::parse(endpoint).map_err(|_| unknown())?;
    let port = ours.port_or_known_default().unwrap_or(443);
    let aliases = [format!("127.0.0.1:{port}"), format!("localhost:{port}")];
    let host = format!(
        "{}:{}",
        asked.host_str().unwrap_or_default(),
        asked.port_or_known_default().unwrap_or(0)
    );
    let tenant = asked
        .path_segments()
        .and_then(|mut segments| segments.next())
        .filter(|tenant| !tenant.is_empty());
    let (true, true, Some(tenant)) = (asked.scheme() == ours.scheme(), aliases.contains(&host), tenant) else {
        return Err(unknown());
    };
    Ok(Reply::json(
        StatusCode::OK,
        &json!({
            "tenant_discovery_endpoint": format!("{login}/{tenant}/v2.0/.well-known/openid-configuration"),
            "api-version": "1.1",
            "metadata": [{
                "preferred_network": aliases[0],
                "preferred_cache": aliases[0],
                "aliases": aliases,
            }],
        }),
    ))
}
