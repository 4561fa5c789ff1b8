//! The requests on child resources (subnets, security rules, routes), the same for every kind:
//! GET, the list, PUT and DELETE.

use std::time::Instant;

use hyper::StatusCode;
use serde_json::{Map, Value};

use super::{
    Drawn, check_name, child_not_found, deletion_in_progress, draw_delete, properties_of, resource_id,
    resource_not_found, written,
};
use crate::arm::body;
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::World;
use crate::model::network::{self as model, Child, Kind, Lifecycle, Resource};
use crate::model::store::Stored;

/// The id of the child of the path
/// (`subscriptions/{s}/resourceGroups/{g}/.../{parent}/{children}/{name}`).
fn child_id<K: Kind>(call: &ArmCall<'_>) -> String {
    format!("{}/{}/{}", resource_id::<K>(call), K::CHILDREN, call.params[3])
}

/// The parent of the path, or 404 `ResourceNotFound` naming it.
fn parent<'w, K: Kind>(call: &ArmCall<'_>, world: &'w World, now: Instant) -> Result<&'w Resource<K>, ArmError> {
    call.resource_group(world)?;
    model::get::<K>(world, &resource_id::<K>(call), now).ok_or_else(|| resource_not_found::<K>(call))
}

/// GET of the child of the path.
pub(in crate::arm) fn get_child<K: Kind>(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    let parent = parent::<K>(call, &world, now)?;
    let child = parent
        .child(call.params[3], now)
        .ok_or_else(|| child_not_found(&child_id::<K>(call)))?;
    Ok(Reply::json(
        StatusCode::OK,
        &child.to_json(&Stored::id(parent), K::CHILDREN, now),
    ))
}

/// GET of the children of the parent of the path, in the order written (one page).
pub(in crate::arm) fn list_children<K: Kind>(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    let parent = parent::<K>(call, &world, now)?;
    let id = Stored::id(parent);
    let value: Vec<Value> = parent
        .live_children(now)
        .map(|child| child.to_json(&id, K::CHILDREN, now))
        .collect();
    Ok(Reply::json(StatusCode::OK, &serde_json::json!({ "value": value })))
}

/// Reads and validates a child's `properties` (named `name`) for `parent`, against `world`.
pub(in crate::arm) type ParseChild<K> =
    fn(&World, &Resource<K>, &str, &Map<String, Value>, Instant) -> Result<Map<String, Value>, ArmError>;

/// PUT of the child of the path: its name (1 to 80 characters), the kind's `parse`; 201 for a
/// new one, 200 for an existing one; 404 `ResourceNotFound` without the parent.
pub(in crate::arm) fn put_child<K: Kind>(call: &ArmCall<'_>, parse: ParseChild<K>) -> Result<Reply, ArmError> {
    let name = call.params[3];
    check_name(name, 1, 80)?;
    let body = body::object(call)?;
    let properties = properties_of(&body)?;
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    let parent = parent::<K>(call, &world, now)?;
    let existing = parent.child(name, now).map(|child| child.name.clone());
    let properties = parse(&world, parent, name, &properties, now)?;
    let (parent_id, location) = (Stored::id(parent), parent.location.clone());
    let child = Child {
        name: existing.clone().unwrap_or_else(|| name.to_owned()),
        properties,
        lifecycle: Lifecycle::ready_at(now + call.shared.settings.operation_duration),
    };
    let json = child.to_json(&parent_id, K::CHILDREN, now);
    let reply = written(call, &mut world, &location, existing.is_none(), &json);
    if let Some(parent) = model::store_mut::<K>(&mut world).get_mut(&parent_id, now) {
        parent.put_child(child, now);
    }
    Ok(reply)
}

/// DELETE of the child of the path: 404 without the parent; 204 when there is none; else an
/// answer drawn among 200, 202 and 204 (202: `Deleting` until its operation completes). A
/// DELETE during a 202's operation repeats its 202.
pub(in crate::arm) fn delete_child<K: Kind>(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    let parent = parent::<K>(call, &world, now)?;
    let Some(child) = parent.child(call.params[3], now) else {
        return Ok(Reply::empty(StatusCode::NO_CONTENT));
    };
    if let Some(repeat) = deletion_in_progress(call, &world, &child.lifecycle) {
        return Ok(repeat);
    }
    let (parent_id, location, name) = (Stored::id(parent), parent.location.clone(), child.name.clone());
    let drawn = draw_delete(call, &mut world, &location, now);
    let Some(parent) = model::store_mut::<K>(&mut world).get_mut(&parent_id, now) else {
        return Ok(Reply::empty(StatusCode::NO_CONTENT));
    };
    Ok(match drawn {
        Drawn::Later(handle, deletion) => {
            if let Some(child) = parent.children.iter_mut().find(|c| c.name == name) {
                child.lifecycle.deletion = Some(deletion);
            }
            handle.accepted_with_async_operation()
        }
        Drawn::Now(status) => {
            parent.children.retain(|c| c.name != name);
            Reply::empty(status)
        }
    })
}
