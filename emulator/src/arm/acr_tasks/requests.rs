//! The task requests that read or remove: GET, list, `listDetails`, DELETE.

use hyper::StatusCode;

use super::write;
use crate::arm::error::ArmError;
use crate::arm::galleries::compute;
use crate::arm::registries::{of_path, registry_id};
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::acr::task::{TASK_TYPE, Task, task};

/// The statuses `Tasks_Delete` documents for an existing task.
const DELETE_STATUSES: [u16; 2] = [200, 204];

/// The id of the task of the path.
pub(super) fn task_id(call: &ArmCall<'_>) -> String {
    format!("{}/tasks/{}", registry_id(call), call.params[3])
}

/// ARM's 404 for the task of the path.
pub(super) fn not_found(call: &ArmCall<'_>) -> ArmError {
    ArmError::resource_not_found(
        TASK_TYPE,
        &format!("{}/{}", call.params[2], call.params[3]),
        call.params[1],
    )
}

/// The task of the path, by method.
pub(super) fn item(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "PUT" => write::put(call),
        "PATCH" => write::patch(call),
        "DELETE" => delete(call),
        _ => {
            {
                let world = call.shared.read();
                of_path(call, &world)?;
            }
            compute::get::<Task>(call, &task_id(call), || not_found(call))
        }
    }
}

/// GET of the registry's tasks (secrets masked).
pub(super) fn list(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let registry = of_path(call, &world)?;
    compute::list_under::<Task>(call, &world, &format!("{}/tasks/", registry.id()))
}

/// POST `listDetails`: the task with its secrets.
pub(super) fn list_details(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    of_path(call, &world)?;
    let found = task(&world, &task_id(call), call.shared.clock.instant()).ok_or_else(|| not_found(call))?;
    Ok(Reply::json(StatusCode::OK, &found.details_json()))
}

/// DELETE: 204 when there is none; else 200 or 204, drawn for each request (seeded).
fn delete(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let mut world = call.shared.write();
    of_path(call, &world)?;
    if world.resources.get_mut::<Task>().remove(&task_id(call)).is_none() {
        return Ok(Reply::empty(StatusCode::NO_CONTENT));
    }
    Ok(Reply::empty(match call.shared.settings.draws.pick(&DELETE_STATUSES) {
        Some(200) => StatusCode::OK,
        _ => StatusCode::NO_CONTENT,
    }))
}
