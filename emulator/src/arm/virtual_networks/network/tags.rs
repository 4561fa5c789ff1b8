//! PATCH of a virtual network, network security group or route table: Network's `UpdateTags`
//! (learn.microsoft.com "Virtual Networks - Update Tags", "Network Security Groups - Update
//! Tags", "Route Tables - Update Tags"): the body is a `TagsObject`, the resource's tags become
//! its `tags`, and the answer is 200 with the whole resource, synchronous (the specification
//! declares no long-running operation for it).

use hyper::StatusCode;

use super::{resource_id, resource_not_found, to_json};
use crate::arm::body;
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::network::{self as model, Kind};

/// PATCH of the `K` of the path: its tags replaced by the body's `tags` (none when the body has
/// none, the plausible reading of a `TagsObject` without tags: Network documents no merge);
/// 404 `ResourceNotFound` when there is no such resource.
pub(in crate::arm) fn update_tags<K: Kind>(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let body = body::object(call)?;
    let tags = body::tags(&body)?.unwrap_or_default();
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    call.resource_group(&world)?;
    let id = resource_id::<K>(call);
    let resource = model::store_mut::<K>(&mut world)
        .get_mut(&id, now)
        .ok_or_else(|| resource_not_found::<K>(call))?;
    resource.tags = tags;
    let found = model::get::<K>(&world, &id, now).ok_or_else(|| resource_not_found::<K>(call))?;
    Ok(Reply::json(StatusCode::OK, &to_json(&world, found, now)))
}
