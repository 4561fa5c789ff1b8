//! GET of a container group, and the lists by resource group and by subscription, a page at a
//! time.

use hyper::StatusCode;
use serde_json::{Value, json};

use super::{NAMESPACE, not_found, resource_group};
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::arm::skip_token;
use crate::http::Reply;
use crate::model::container_groups::{ContainerGroup, prefix};
use crate::model::roles::{Action, is_authorized};

/// Groups per page of a list.
const PAGE: usize = 100;

/// GET: the group with its instance view (secure values omitted).
pub(super) fn get(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (subscription, rg, name) = (call.params[0], call.params[1], call.params[2]);
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    resource_group(&world, subscription, rg, now, false)?;
    let group = world
        .container_groups
        .get(subscription, rg, name, now)
        .ok_or_else(|| not_found(rg, name))?;
    Ok(Reply::json(StatusCode::OK, &group.to_json(now)))
}

/// GET of a resource group's groups.
pub(super) fn list_resource_group(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (subscription, rg) = (call.params[0], call.params[1]);
    resource_group(
        &call.shared.read(),
        subscription,
        rg,
        call.shared.clock.instant(),
        false,
    )?;
    list(call, &prefix(subscription, Some(rg)))
}

/// GET of a subscription's groups (those the caller may read).
pub(super) fn list_subscription(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    list(call, &prefix(call.params[0], None))
}

/// A page of the groups under `prefix` the caller may read, after `$skiptoken`, with a
/// `nextLink` when more follow.
fn list(call: &ArmCall<'_>, prefix: &str) -> Result<Reply, ArmError> {
    let after = skip_token::after(call)?;
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    let readable = |group: &ContainerGroup| {
        is_authorized(
            &world.role_assignments,
            &call.caller.oid,
            Action::Read,
            &[
                "subscriptions",
                &group.subscription_id,
                "resourcegroups",
                &group.resource_group,
                "providers",
                NAMESPACE,
                "containerGroups",
                &group.name,
            ],
        )
    };
    let mut groups = world
        .container_groups
        .list_after(prefix, after.as_deref(), now)
        .filter(|(_, group)| readable(group));
    let page: Vec<(&String, &ContainerGroup)> = groups.by_ref().take(PAGE).collect();
    let value: Vec<Value> = page.iter().map(|(_, group)| group.to_json(now)).collect();
    let mut body = json!({ "value": value });
    if let (Some((last, _)), Some(_)) = (page.last(), groups.next()) {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("api-version", call.api_version)
            .append_pair("$skiptoken", &skip_token::encode(last))
            .finish();
        body["nextLink"] = json!(format!("{}{}?{query}", call.arm(), call.request.path));
    }
    Ok(Reply::json(StatusCode::OK, &body))
}
