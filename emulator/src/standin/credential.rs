//! The credential `configure` and `remove` use: `--auth pat` (`--token`, sent as Basic; an
//! Entra token works too) or `--auth sp` (`--clientId`, `--tenantId`, `--clientSecret`: an
//! Entra token for Azure DevOps from the emulator's login endpoint, sent as Bearer).

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hyper::Method;
use url::Url;

use super::Failure;
use super::client::{Body, Call, Client};
use super::inputs::Inputs;
use super::server::connect_failure;

/// The scope of an Entra token for Azure DevOps.
const DEVOPS_SCOPE: &str = "499b84ac-1321-427f-aa17-267ca6975798/.default";

/// A required input, or the failure naming it.
pub(crate) fn required<'a>(inputs: &'a Inputs, name: &str) -> Result<&'a str, Failure> {
    inputs.get(name).ok_or_else(|| {
        Failure::new(format!(
            "Missing required input: --{name} (or the variable VSTS_AGENT_INPUT_{}).",
            name.to_ascii_uppercase()
        ))
    })
}

/// The `Authorization` header value for the server.
pub(crate) async fn authorization(inputs: &Inputs, client: &Client, login: &str) -> Result<String, Failure> {
    let auth = inputs.get("auth").unwrap_or("pat").to_ascii_lowercase();
    match auth.as_str() {
        "pat" => {
            let token = required(inputs, "token")?;
            Ok(format!(
                "Basic {}",
                STANDARD.encode(format!("az-emulator-agent:{token}"))
            ))
        }
        "sp" => {
            let token = entra_token(inputs, client, login).await?;
            Ok(format!("Bearer {token}"))
        }
        other => Err(Failure::new(format!(
            "Authentication type '{other}' is not supported by this agent: use pat or sp."
        ))),
    }
}

/// The client credentials grant at `{login}/{tenantId}/oauth2/v2.0/token`.
async fn entra_token(inputs: &Inputs, client: &Client, login: &str) -> Result<String, Failure> {
    let client_id = required(inputs, "clientId")?;
    let tenant_id = required(inputs, "tenantId")?;
    let secret = required(inputs, "clientSecret")?;
    let endpoint = format!("{}/{tenant_id}/oauth2/v2.0/token", login.trim_end_matches('/'));
    let url = Url::parse(&endpoint).map_err(|e| Failure::new(format!("The login endpoint is not valid: {e}")))?;
    let form = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("grant_type", "client_credentials")
        .append_pair("client_id", client_id)
        .append_pair("client_secret", secret)
        .append_pair("scope", DEVOPS_SCOPE)
        .finish();
    let call = Call {
        method: Method::POST,
        url: &url,
        authorization: None,
        body: Some(Body::Form(form)),
    };
    let response = client.send(&call).await.map_err(|e| connect_failure(login, &e))?;
    let json = response.json();
    match json["access_token"].as_str() {
        Some(token) if response.status.is_success() => Ok(token.to_owned()),
        _ => Err(Failure::new(format!(
            "Failed to get an Entra token for client {client_id}: {}",
            json["error_description"].as_str().unwrap_or("no token in the answer")
        ))),
    }
}
