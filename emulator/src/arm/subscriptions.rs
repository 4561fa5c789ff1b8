//! `Microsoft.Resources/subscriptions`: list and get.

use hyper::StatusCode;
use serde_json::json;

use super::api_version::{ApiVersions, MICROSOFT_RESOURCES};
use super::error::ArmError;
use super::provider::ResourceProvider;
use super::route::{Access, ArmCall, Route};
use crate::http::Reply;
use crate::rbac::Scope;

/// The subscriptions provider.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(MICROSOFT_RESOURCES)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions",
                methods: &["GET"],
                access: Access::Filtered,
                handler: list,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}",
                methods: &["GET"],
                access: Access::Related { scope_len: 2 },
                handler: get,
            },
        ]
    }
}

/// The subscriptions of the token's tenant where the caller has any role.
fn list(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let value: Vec<_> = world
        .subscriptions
        .iter()
        .filter(|s| s.tenant_id.eq_ignore_ascii_case(&call.caller.tid))
        .filter(|s| {
            world
                .authorizer()
                .has_any_assignment_related_to(&call.caller.oid, &Scope::parse(&format!("/subscriptions/{}", s.id)))
        })
        .map(|s| s.to_json())
        .collect();
    let count = value.len();
    Ok(Reply::json(
        StatusCode::OK,
        &json!({ "value": value, "count": { "type": "Total", "value": count } }),
    ))
}

fn get(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let subscription = world
        .subscription(call.params[0])
        .ok_or_else(|| not_found(call.params[0]))?;
    Ok(Reply::json(StatusCode::OK, &subscription.to_json()))
}

/// ARM's 404 for a subscription that does not exist.
pub(crate) fn not_found(id: &str) -> ArmError {
    ArmError::new(
        StatusCode::NOT_FOUND,
        "SubscriptionNotFound",
        format!("The subscription '{id}' could not be found."),
    )
}
