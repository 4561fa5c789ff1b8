//! GET of a container group, and the lists by resource group and by subscription, a page at a
//! time.

use hyper::StatusCode;

use super::{group_id, not_found};
use crate::arm::error::ArmError;
use crate::arm::list::{self, ListRules};
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::store::Stored;
use crate::model::{World, ids};

/// Pages of 100 groups; `ContainerGroups_List` takes neither `$top` nor `$filter`.
const RULES: ListRules = ListRules {
    page: 100,
    top: false,
    filter: &[],
};

/// GET: the group with its instance view (secure values omitted).
pub(super) fn get(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    call.resource_group(&world)?;
    let group = world
        .container_groups
        .get(&group_id(call), now)
        .ok_or_else(|| not_found(call.params[1], call.params[2]))?;
    Ok(Reply::json(StatusCode::OK, &group.to_json(now)))
}

/// GET of a resource group's groups.
pub(super) fn list_resource_group(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let prefix = call.resource_group(&world)?.scope();
    list(call, &world, &prefix)
}

/// GET of a subscription's groups (those the caller may read).
pub(super) fn list_subscription(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    list(call, &world, &ids::resource_groups_of(call.params[0]))
}

/// A page of the groups under `prefix` the caller may read, after `$skiptoken`, with a
/// `nextLink` when more follow.
fn list(call: &ArmCall<'_>, world: &World, prefix: &str) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let groups = world
        .container_groups
        .under(prefix, now)
        .map(|group| group.to_json(now));
    list::respond(call, world, &RULES, groups)
}
