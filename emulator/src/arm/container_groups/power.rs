//! POST stop, start and restart of a container group.

use hyper::StatusCode;

use super::{group_id, not_found, start_operation, transitioning};
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::containers;
use crate::http::Reply;
use crate::model::World;
use crate::model::container_groups::ContainerGroup;

/// The group of the path, unless missing (404) or being deleted (409).
fn group_mut<'w>(call: &ArmCall<'_>, world: &'w mut World) -> Result<&'w mut ContainerGroup, ArmError> {
    call.resource_group(world)?;
    let group = world
        .container_groups
        .get_mut(&group_id(call), call.shared.clock.instant())
        .ok_or_else(|| not_found(call.params[1], call.params[2]))?;
    if group.deletion.is_some() {
        return Err(transitioning(&group.name));
    }
    Ok(group)
}

/// POST stop: 204; the processes are killed, the containers `Terminated`, the group `Stopped`.
pub(super) fn stop(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let mut world = call.shared.write();
    let killed = group_mut(call, &mut world)?.stop(call.shared.clock.now());
    drop(world);
    call.shared.runtime.kill(&killed);
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}

/// POST start: 202 with `Azure-AsyncOperation`; the group provisions again and its containers
/// start (new processes) when the operation ends.
pub(super) fn start(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (now, wall) = (call.shared.clock.instant(), call.shared.clock.now());
    let due = now + call.shared.settings.operation_duration;
    let mut world = call.shared.write();
    let location = group_mut(call, &mut world)?.location.clone();
    let handle = start_operation(call, &mut world, &location, 204);
    let killed = group_mut(call, &mut world)?.start(due, wall);
    drop(world);
    call.shared.runtime.kill(&killed);
    call.shared.runtime.wake();
    Ok(handle.accepted_with_async_operation())
}

/// POST restart: 204; every container is restarted in place now (its process killed and
/// started again, `restartCount` + 1).
pub(super) fn restart(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let mut world = call.shared.write();
    let killed = group_mut(call, &mut world)?.restart(call.shared.clock.instant(), call.shared.clock.now());
    drop(world);
    call.shared.runtime.kill(&killed);
    containers::reconcile(call.shared);
    Ok(Reply::empty(StatusCode::NO_CONTENT))
}
