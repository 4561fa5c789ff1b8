//! `GET /{tenant}/v2.0/.well-known/openid-configuration`: where MSAL finds the token endpoint.
//!
//! As in Azure, the v2 document names the v2 issuer `https://login.microsoftonline.com/{tenant}/v2.0`
//! while the access tokens for ARM are v1 tokens (`iss` `https://sts.windows.net/{tenant}/`), even
//! when asked for at the v2 endpoint: ARM accepts v1 tokens only.

use hyper::StatusCode;
use serde_json::json;

use super::error::AadError;
use crate::http::{Reply, Request};
use crate::shared::Shared;

/// The tenant's OpenID Connect discovery document.
pub(crate) fn handle(shared: &Shared, tenant: &str, request: &Request) -> Reply {
    let world = shared.read();
    let Some(tenant) = world.tenant(tenant) else {
        return AadError::new(
            StatusCode::BAD_REQUEST,
            "invalid_tenant",
            90_002,
            format!("Tenant '{tenant}' not found."),
        )
        .into_reply(request, shared.clock.now());
    };
    let login = &shared.endpoints.login;
    let id = &tenant.id;
    Reply::json(
        StatusCode::OK,
        &json!({
            "issuer": format!("https://login.microsoftonline.com/{id}/v2.0"),
            "token_endpoint": format!("{login}/{id}/oauth2/v2.0/token"),
            "authorization_endpoint": format!("{login}/{id}/oauth2/v2.0/authorize"),
            "token_endpoint_auth_methods_supported": ["client_secret_post", "private_key_jwt"],
            "grant_types_supported": ["client_credentials"],
            "response_types_supported": ["token"],
            "subject_types_supported": ["pairwise"],
            "id_token_signing_alg_values_supported": ["HS256"],
            "tenant_region_scope": null,
            "cloud_instance_name": "az-emulator",
        }),
    )
}
