//! DELETE of a container group: its processes are killed at once, and it answers, drawn at random
//! (seeded, `[responses]`) for each request, one of the shapes `ContainerGroups_Delete`
//! documents: 200 with the group as it was, 202 with an Azure-AsyncOperation during which the
//! group reads `Deleting`, or 204; after 200 and 204 the group is gone at once.

use hyper::StatusCode;

use super::{resource_group, start_operation};
use crate::arm::error::ArmError;
use crate::arm::lro::OperationHandle;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::resource_groups::Deletion;

/// DELETE of an existing group: 200 with the group, 202 with `Azure-AsyncOperation`, `Location`
/// and `Retry-After`, or 204, drawn among `[responses] container_group_delete`; a DELETE while a
/// 202's operation runs repeats that 202. 204 when the group does not exist.
pub(super) fn delete(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (subscription, rg, name) = (call.params[0], call.params[1], call.params[2]);
    let (now, wall) = (call.shared.clock.instant(), call.shared.clock.now());
    let settings = &call.shared.settings;
    let mut world = call.shared.write();
    resource_group(&world, subscription, rg, now, false)?;
    let Some(group) = world.container_groups.get(subscription, rg, name, now) else {
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
            let killed = world.container_groups.remove(subscription, rg, name, wall);
            drop(world);
            call.shared.runtime.kill(&killed);
            return Ok(Reply::json(StatusCode::OK, &body));
        }
        Some(204) => {
            let killed = world.container_groups.remove(subscription, rg, name, wall);
            drop(world);
            call.shared.runtime.kill(&killed);
            return Ok(Reply::empty(StatusCode::NO_CONTENT));
        }
        _ => {}
    }
    let location = group.location.clone();
    let handle = start_operation(call, &mut world, &location, 204);
    let mut killed = Vec::new();
    if let Some(group) = world.container_groups.get_mut(subscription, rg, name, now) {
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
