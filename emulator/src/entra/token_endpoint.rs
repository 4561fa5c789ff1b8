//! `POST /{tenant}/oauth2/v2.0/token`: the client credentials grant with a secret or a client
//! assertion.

use hyper::StatusCode;
use serde_json::json;

use super::assertion::{self, JWT_BEARER};
use super::error::{AadError, Ids};
use crate::http::{Reply, Request};
use crate::model::principals::ServicePrincipal;
use crate::shared::Shared;
use crate::token::{ClientAuth, resources};

/// Scopes MSAL may add that carry no resource.
const RESERVED_SCOPES: &[&str] = &["openid", "profile", "offline_access"];

/// Answers a token request for `tenant`.
pub(crate) fn handle(shared: &Shared, tenant: &str, request: &Request) -> Reply {
    match issue(shared, tenant, request) {
        Ok(reply) => reply,
        Err(error) => error.into_reply(request, shared.clock.now()),
    }
}

/// The form parameters of the request body.
struct Form(Vec<(String, String)>);

impl Form {
    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .filter(|value| !value.is_empty())
    }

    fn require(&self, name: &str) -> Result<&str, AadError> {
        self.get(name).ok_or_else(|| AadError::missing_parameter(name))
    }
}

fn issue(shared: &Shared, tenant: &str, request: &Request) -> Result<Reply, AadError> {
    let form = Form(url::form_urlencoded::parse(&request.body).into_owned().collect());
    let world = shared.read();
    let tenant = world.tenant(tenant).ok_or_else(|| {
        AadError::new(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            90_002,
            format!(
                "Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant."
            ),
        )
    })?;
    let grant_type = form.require("grant_type")?;
    if grant_type != "client_credentials" {
        return Err(AadError::new(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            70_003,
            format!("The app requested an unsupported grant type '{grant_type}'."),
        ));
    }
    let client_id = form.require("client_id")?;
    let resource = resource_of(form.require("scope")?)?;
    let app = world
        .service_principal(&tenant.id, client_id)
        .ok_or_else(|| {
            AadError::new(
                StatusCode::BAD_REQUEST,
                "unauthorized_client",
                700_016,
                format!(
                    "Application with identifier '{client_id}' was not found in the directory '{}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.",
                    tenant.id
                ),
            )
        })?;
    let auth = authenticate(shared, app, &form)?;
    if !resources::is_known(resource, &shared.endpoints.arm) {
        return Err(AadError::new(
            StatusCode::BAD_REQUEST,
            "invalid_resource",
            500_011,
            format!(
                "The resource principal named {resource} was not found in the tenant named {}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.",
                tenant.id
            ),
        ));
    }
    let issued = shared.tokens.for_app(app, resource, auth, shared.clock.unix_now());
    let body = json!({
        "token_type": "Bearer",
        "expires_in": issued.expires_in(),
        "ext_expires_in": issued.expires_in(),
        "access_token": issued.access_token,
    });
    Ok(Ids::for_request(request)
        .stamp(Reply::json(StatusCode::OK, &body))
        .by(Some(app.object_id.clone())))
}

/// The resource of a client credentials scope (`<resource>/.default`).
fn resource_of(scope: &str) -> Result<&str, AadError> {
    let scopes: Vec<&str> = scope
        .split_whitespace()
        .filter(|s| !RESERVED_SCOPES.contains(s))
        .collect();
    let [single] = scopes.as_slice() else {
        return Err(AadError::new(
            StatusCode::BAD_REQUEST,
            "invalid_scope",
            70_011,
            format!("The provided value for the input parameter 'scope' is not valid. The scope {scope} is not valid."),
        ));
    };
    single
        .strip_suffix("/.default")
        .filter(|resource| !resource.is_empty())
        .ok_or_else(|| {
            AadError::new(
                StatusCode::BAD_REQUEST,
                "invalid_scope",
                1_002_012,
                format!(
                    "The provided value for scope {single} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."
                ),
            )
        })
}

/// Checks the client secret or the client assertion.
fn authenticate(shared: &Shared, app: &ServicePrincipal, form: &Form) -> Result<ClientAuth, AadError> {
    if let Some(secret) = form.get("client_secret") {
        return if constant_time_eq(secret.as_bytes(), app.client_secret.as_bytes()) {
            Ok(ClientAuth::Secret)
        } else {
            Err(AadError::new(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                7_000_215,
                format!(
                    "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '{}'.",
                    app.client_id
                ),
            ))
        };
    }
    let Some(assertion) = form.get("client_assertion") else {
        return Err(AadError::new(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            7_000_218,
            "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.",
        ));
    };
    match form.get("client_assertion_type") {
        Some(JWT_BEARER) => {}
        Some(other) => {
            return Err(AadError::new(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                700_232,
                format!("The client_assertion_type '{other}' is not supported. Use '{JWT_BEARER}'."),
            ));
        }
        None => return Err(AadError::missing_parameter("client_assertion_type")),
    }
    assertion::check(&shared.tokens, app, assertion, shared.clock.unix_now())?;
    Ok(ClientAuth::Assertion)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::resource_of;

    #[test]
    fn scopes_must_be_one_default_scope() {
        assert_eq!(
            resource_of("https://management.azure.com/.default").unwrap(),
            "https://management.azure.com"
        );
        assert_eq!(
            resource_of("https://management.azure.com//.default offline_access").unwrap(),
            "https://management.azure.com/"
        );
        assert_eq!(
            resource_of("https://a/.default https://b/.default").unwrap_err().code,
            70_011
        );
        assert_eq!(
            resource_of("https://management.azure.com/user_impersonation")
                .unwrap_err()
                .code,
            1_002_012
        );
    }
}
