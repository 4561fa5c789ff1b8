//! DELETE of a registry: 204 when there is none; else an answer drawn for each request (seeded:
//! `[responses] seed`) among those the specification documents for `Registries_Delete` (200,
//! 202, 204): 200 or 204 with the registry gone at once, or 202 with `Azure-AsyncOperation`,
//! `Location` and `Retry-After`, the registry `Deleting` until the operation completes, then
//! gone. Its agent pools, tasks and runs (their processes, source and log blobs) go with it at
//! once (what ACR does with them while it deletes is undocumented; emulator choice).

use hyper::StatusCode;

use super::lookup::path_id;
use super::operation;
use crate::arm::error::ArmError;
use crate::arm::lro::OperationHandle;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::acr::agent_pool::AgentPool;
use crate::model::acr::registry::Registry;
use crate::model::acr::task::Task;
use crate::model::resource_groups::Deletion;

/// The statuses `Registries_Delete` documents for an existing registry.
const DELETE_STATUSES: [u16; 3] = [200, 202, 204];

/// DELETE of the registry of the path.
pub(super) fn delete(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let settings = &call.shared.settings;
    let now = call.shared.clock.instant();
    let id = path_id(call);
    let mut world = call.shared.write();
    call.resource_group(&world)?;
    let Some(existing) = world.resources.get::<Registry>().and_then(|store| store.get(&id, now)) else {
        return Ok(Reply::empty(StatusCode::NO_CONTENT));
    };
    if let Some(operation) = existing
        .provisioning
        .deletion
        .as_ref()
        .and_then(|deletion| world.operations.get(&deletion.operation_id))
    {
        return Ok(
            OperationHandle::of(operation, call.arm(), settings.retry_after_secs).accepted_with_async_operation()
        );
    }
    let location = existing.location.clone();
    let children = format!("{id}/");
    world.resources.get_mut::<AgentPool>().remove_under(&children);
    world.resources.get_mut::<Task>().remove_under(&children);
    // Its runs stop and their source and log blobs go too.
    crate::arm::acr_runs::remove_registry_runs(call.shared, &mut world, &id);
    Ok(match settings.draws.pick(&DELETE_STATUSES) {
        Some(202) => {
            let handle = operation::start(call, &mut world, &location, 204);
            if let Some(registry) = world.resources.get_mut::<Registry>().get_mut(&id, now) {
                registry.provisioning.deletion = Some(Deletion {
                    operation_id: handle.id.clone(),
                    until: now + settings.operation_duration,
                });
            }
            handle.accepted_with_async_operation()
        }
        drawn => {
            world.resources.get_mut::<Registry>().remove(&id);
            Reply::empty(if drawn == Some(200) {
                StatusCode::OK
            } else {
                StatusCode::NO_CONTENT
            })
        }
    })
}
