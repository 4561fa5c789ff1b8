//! PUT (create or update) and PATCH (tags) of a resource group.

use hyper::StatusCode;
use serde_json::Value;

use super::{being_deleted, not_found};
use crate::arm::body;
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::ids;
use crate::model::names::check_resource_group_name;
use crate::model::resource_groups::ResourceGroup;
use crate::model::store::Stored;

/// PUT: creates (201) or updates (200) a group, validated like ARM.
pub(super) fn put(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (subscription, name) = (call.params[0], call.params[1]);
    check_resource_group_name(name).map_err(|message| ArmError::bad_request("InvalidResourceGroup", message))?;
    let body = body::object(call)?;
    let location = body::location(&body, None)?;
    let tags = body::tags(&body)?.unwrap_or_default();
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    if let Some(existing) = world.groups.get_mut(&ids::resource_group(subscription, name), now) {
        if existing.deletion.is_some() {
            return Err(being_deleted(&existing.name));
        }
        if existing.location != location {
            return Err(ArmError::new(
                StatusCode::CONFLICT,
                "InvalidResourceGroupLocation",
                format!(
                    "Invalid resource group location '{}'. The Resource group already exists in location '{}'.",
                    body.get("location").and_then(Value::as_str).unwrap_or_default(),
                    existing.location
                ),
            ));
        }
        existing.tags = tags;
        return Ok(Reply::json(StatusCode::OK, &existing.to_json(now)));
    }
    let subscription_id = world
        .subscription(subscription)
        .map_or_else(|| subscription.to_owned(), |s| s.id.clone());
    let group = ResourceGroup {
        subscription_id,
        name: name.to_owned(),
        location,
        tags,
        deletion: None,
    };
    let body = group.to_json(now);
    world.groups.insert(group);
    Ok(Reply::json(StatusCode::CREATED, &body))
}

/// PATCH: replaces the tags of an existing group.
pub(super) fn patch(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (subscription, name) = (call.params[0], call.params[1]);
    let body = body::object(call)?;
    let tags = body::tags(&body)?;
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    let group = world
        .groups
        .get_mut(&ids::resource_group(subscription, name), now)
        .ok_or_else(|| not_found(name))?;
    if group.deletion.is_some() {
        return Err(being_deleted(&group.name));
    }
    if let Some(tags) = tags {
        group.tags = tags;
    }
    Ok(Reply::json(StatusCode::OK, &group.to_json(now)))
}
