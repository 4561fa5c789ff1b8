//! PUT (create or update) and PATCH (tags) of a resource group.

use std::collections::BTreeMap;

use hyper::StatusCode;
use serde_json::Value;

use super::{being_deleted, not_found};
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::names::check_resource_group_name;
use crate::model::resource_groups::ResourceGroup;
use crate::model::{regions, tags};

/// The request body as a JSON object.
fn body_object(call: &ArmCall<'_>) -> Result<serde_json::Map<String, Value>, ArmError> {
    let invalid = |detail: String| {
        ArmError::bad_request(
            "InvalidRequestContent",
            format!("The request content was invalid and could not be deserialized: '{detail}'."),
        )
    };
    if call.request.body.iter().all(u8::is_ascii_whitespace) {
        return Err(invalid("Missing request content".to_owned()));
    }
    match serde_json::from_slice::<Value>(&call.request.body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(invalid("The request content must be a JSON object".to_owned())),
        Err(error) => Err(invalid(error.to_string())),
    }
}

/// The `tags` of a body, if present; an error if they are not an object of strings within ARM's
/// tag limits.
fn tags_of(body: &serde_json::Map<String, Value>) -> Result<Option<BTreeMap<String, String>>, ArmError> {
    let tags = strings_of(body)?;
    if let Some(tags) = &tags {
        tags::check(tags).map_err(|error| ArmError::bad_request(error.code, error.message))?;
    }
    Ok(tags)
}

/// The `tags` of a body, if present; an error if they are not an object of strings.
fn strings_of(body: &serde_json::Map<String, Value>) -> Result<Option<BTreeMap<String, String>>, ArmError> {
    match body.get("tags") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(tags)) => tags
            .iter()
            .map(|(key, value)| match value {
                Value::String(value) => Ok((key.clone(), value.clone())),
                other => Err(ArmError::bad_request(
                    "InvalidRequestContent",
                    format!(
                        "The request content was invalid and could not be deserialized: 'Error converting value {other} to type 'System.String'. Path 'tags.{key}'.'."
                    ),
                )),
            })
            .collect::<Result<_, _>>()
            .map(Some),
        Some(_) => Err(ArmError::bad_request(
            "InvalidRequestContent",
            "The request content was invalid and could not be deserialized: 'tags must be an object'.",
        )),
    }
}

/// PUT: creates (201) or updates (200) a group, validated like ARM.
pub(super) fn put(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (subscription, name) = (call.params[0], call.params[1]);
    check_resource_group_name(name).map_err(|message| ArmError::bad_request("InvalidResourceGroup", message))?;
    let body = body_object(call)?;
    let Some(Value::String(requested)) = body.get("location") else {
        return Err(ArmError::bad_request(
            "LocationRequired",
            "The location property is required for this definition.",
        ));
    };
    let location = regions::normalize(requested).ok_or_else(|| {
        ArmError::bad_request(
            "LocationNotAvailableForResourceGroup",
            format!(
                "The provided location '{requested}' is not available for resource group. List of available regions is '{}'.",
                regions::known_list()
            ),
        )
    })?;
    let tags = tags_of(&body)?.unwrap_or_default();
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    if let Some(existing) = world.groups.get_mut(subscription, name, now) {
        if existing.deletion.is_some() {
            return Err(being_deleted(&existing.name));
        }
        if existing.location != location {
            return Err(ArmError::new(
                StatusCode::CONFLICT,
                "InvalidResourceGroupLocation",
                format!(
                    "Invalid resource group location '{requested}'. The Resource group already exists in location '{}'.",
                    existing.location
                ),
            ));
        }
        existing.tags = tags;
        return Ok(Reply::json(StatusCode::OK, &existing.to_json()));
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
    let body = group.to_json();
    world.groups.insert(group);
    Ok(Reply::json(StatusCode::CREATED, &body))
}

/// PATCH: replaces the tags of an existing group.
pub(super) fn patch(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (subscription, name) = (call.params[0], call.params[1]);
    let body = body_object(call)?;
    let tags = tags_of(&body)?;
    let mut world = call.shared.write();
    let group = world
        .groups
        .get_mut(subscription, name, call.shared.clock.instant())
        .ok_or_else(|| not_found(name))?;
    if group.deletion.is_some() {
        return Err(being_deleted(&group.name));
    }
    if let Some(tags) = tags {
        group.tags = tags;
    }
    Ok(Reply::json(StatusCode::OK, &group.to_json()))
}
