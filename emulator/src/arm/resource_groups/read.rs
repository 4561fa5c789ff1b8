//! GET and HEAD of a resource group.

use hyper::StatusCode;

use super::not_found;
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::ids;
use crate::model::store::Stored;

/// GET: the group, or 404 `ResourceGroupNotFound`.
pub(super) fn get(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (subscription, name) = (call.params[0], call.params[1]);
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    let group = world
        .groups
        .get(&ids::resource_group(subscription, name), now)
        .ok_or_else(|| not_found(name))?;
    Ok(Reply::json(StatusCode::OK, &group.to_json(now)))
}

/// HEAD: 204 if the group exists, else 404.
pub(super) fn head(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (subscription, name) = (call.params[0], call.params[1]);
    let exists = call
        .shared
        .read()
        .groups
        .get(&ids::resource_group(subscription, name), call.shared.clock.instant())
        .is_some();
    Ok(Reply::empty(if exists {
        StatusCode::NO_CONTENT
    } else {
        StatusCode::NOT_FOUND
    }))
}
