//! DELETE of a container group: its processes are killed at once, and it answers, drawn at random
//! (seeded, `[responses]`) for each request, one of the shapes `ContainerGroups_Delete`
//! documents: 200 with the group as it was, 202 with an Azure-AsyncOperation during which the
//! group reads `Deleting`, or 204; after 200 and 204 the group is gone at once.

use std::sync::RwLockWriteGuard;

use hyper::StatusCode;

use super::{group_id, start_operation};
use crate::arm::error::ArmError;
use crate::arm::lro::OperationHandle;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::World;
use crate::model::resource_groups::Deletion;
use crate::model::store::Stored;

/// DELETE of an existing group: 200 with the group, 202 with `Azure-AsyncOperation`, `Location`
/// and `Retry-After`, or 204, drawn among `[responses] container_group_delete`; a DELETE while a
/// 202's operation runs repeats that 202. 204 when the group does not exist.
pub(super) fn delete(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (now, wall) = (call.shared.clock.instant(), call.shared.clock.now());
    let settings = &call.shared.settings;
    let id = group_id(call);
    let mut world = call.shared.write();
    call.resource_group(&world)?;
    let Some(group) = world.container_groups.get(&id, now) else {
        return Ok(Reply::empty(StatusCode::NO_CONTENT));
    };
    if let Some(deletion) = &group.deletion
        && let Some(operation) = world.operations.get(&deletion.operation_id)
    {
        let handle = OperationHandle::of(operation, call.arm(), settings.retry_after_secs);
        return Ok(handle.accepted_with_async_operation());
    }
    match settings.draws.pick(&settings.container_group_delete) {
        Some(200) => {
            let body = group.to_json(now);
            remove(call, world, &id);
            return Ok(Reply::json(StatusCode::OK, &body));
        }
        Some(204) => {
            remove(call, world, &id);
            return Ok(Reply::empty(StatusCode::NO_CONTENT));
        }
        _ => {}
    }
    let location = group.location.clone();
    let handle = start_operation(call, &mut world, &location, 204);
    let mut killed = Vec::new();
    if let Some(group) = world.container_groups.get_mut(&id, now) {
        killed = group.kill_all(wall);
        group.deletion = Some(Deletion {
            operation_id: handle.id.clone(),
            until: now + settings.operation_duration,
        });
    }
    drop(world);
    call.shared.runtime.kill(&killed);
    Ok(handle.accepted_with_async_operation())
}

/// Removes group `id` at once (a deletion answered 200 or 204) and kills its processes once
/// `world` is unlocked.
fn remove(call: &ArmCall<'_>, mut world: RwLockWriteGuard<'_, World>, id: &str) {
    let killed = world
        .container_groups
        .remove(id)
        .map(|mut group| group.kill_all(call.shared.clock.now()))
        .unwrap_or_default();
    drop(world);
    call.shared.runtime.kill(&killed);
}
