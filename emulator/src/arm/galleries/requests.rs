//! The requests on galleries: GET, PUT, DELETE of one, and the lists.

use hyper::StatusCode;

use super::compute::{self, NameRule};
use crate::arm::body::{self, string_at};
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::compute::{GALLERY_TYPE, Gallery, Lifecycle, gallery, images_of, insert_gallery};
use crate::model::store::Stored;
use crate::model::ids;

/// Gallery names: letters, digits, underscores and periods.
const NAME: NameRule = NameRule {
    kind: "gallery",
    punctuation: &['_', '.'],
    may_end_with_underscore: false,
    words: "The name can contain only letters, numbers, underscores and periods, and must start and end with a letter or number.",
};

/// Routes a request on one gallery by method.
pub(super) fn item(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "GET" => get(call),
        "PUT" => put(call),
        _ => delete(call),
    }
}

/// The id of the gallery of the request's path.
fn gallery_id(call: &ArmCall<'_>) -> String {
    ids::resource(call.params[0], call.params[1], GALLERY_TYPE, call.params[2])
}

/// GET: the gallery, or 404 `ResourceNotFound`.
fn get(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    compute::get::<Gallery>(call, &gallery_id(call), || {
        ArmError::resource_not_found(GALLERY_TYPE, call.params[2], call.params[1])
    })
}

/// PUT: creates a gallery (201, `Creating` until its operation completes) or updates the tags
/// and description of one (200); its region cannot change.
fn put(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let name = call.params[2];
    NAME.check(name)?;
    let body = body::object(call)?;
    let location = body::location(&body, Some(GALLERY_TYPE))?;
    let tags = body::tags(&body)?.unwrap_or_default();
    let description = match body.get("properties") {
        Some(serde_json::Value::Object(properties)) => string_at(properties, "description", "properties")?,
        _ => None,
    }
    .map(str::to_owned);
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    let group = call.resource_group(&world)?;
    let (subscription_id, resource_group) = (group.subscription_id.clone(), group.name.clone());
    let id = gallery_id(call);
    if let Some(existing) = gallery(&world, &id, now) {
        if existing.location != location {
            return Err(ArmError::location_conflict(name, &resource_group, &existing.location, &location));
        }
        let updated = Gallery {
            tags,
            description,
            ..existing.clone()
        };
        let reply = Reply::json(StatusCode::OK, &updated.to_json(now));
        insert_gallery(&mut world, updated);
        return Ok(reply);
    }
    let created = Gallery {
        subscription_id,
        resource_group,
        name: name.to_owned(),
        location,
        tags,
        description,
        lifecycle: Lifecycle::ready_at(now + call.shared.settings.operation_duration),
    };
    let reply = compute::created(call, &mut world, &created.location, &created.to_json(now));
    insert_gallery(&mut world, created);
    Ok(reply)
}

/// DELETE: 409 `CannotDeleteResource` while the gallery holds image definitions; else
/// [`compute::delete`]'s answers.
fn delete(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let id = gallery_id(call);
    compute::delete::<Gallery>(call, &id, |world, now| !images_of(world, &id, now).is_empty())
}
