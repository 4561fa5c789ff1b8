//! DELETE of an agent pool and its operation result.
//!
//! 2025-03-01-preview (`AgentPools_Delete`: 202 or 204, `final-state-via: location`): an
//! existing pool answers 202 with a `Location` under
//! `{registry}/agentPoolsOperationResults/{operationId}/status` (the path of the example
//! `AgentPoolsDelete.json`) and `Retry-After`; a missing one 204. 2019-06-01-preview documents
//! 200, 202 and 204: an existing pool draws one of them for each request (seeded). During a
//! deletion the pool is `Deleting`; a DELETE then repeats its 202. The result answers 202 while
//! the deletion runs, then 204.

use hyper::StatusCode;

use super::pool_id;
use crate::arm::error::ArmError;
use crate::arm::registries::{of_path, registry_id, start_operation};
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::acr::agent_pool::AgentPool;
use crate::model::operations::Outcome;
use crate::model::resource_groups::Deletion;

/// The statuses 2019-06-01-preview documents for the DELETE of an existing pool.
const PREVIEW_2019_STATUSES: [u16; 3] = [200, 202, 204];

/// The `Location` of the deletion `operation_id` of a pool of the registry `registry_id`.
fn location_url(call: &ArmCall<'_>, registry_id: &str, operation_id: &str) -> String {
    format!(
        "{}{registry_id}/agentPoolsOperationResults/{operation_id}/status?api-version={}",
        call.arm(),
        call.api_version
    )
}

/// 202 with the `Location` of the deletion and `Retry-After`.
fn accepted(call: &ArmCall<'_>, registry_id: &str, operation_id: &str) -> Reply {
    Reply::empty(StatusCode::ACCEPTED)
        .with_header("location", &location_url(call, registry_id, operation_id))
        .with_header("retry-after", &call.shared.settings.retry_after_secs.to_string())
}

/// DELETE of the pool of the path.
pub(super) fn delete(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let settings = &call.shared.settings;
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    let registry = of_path(call, &world)?;
    let registry_id = registry.id();
    let id = pool_id(&registry_id, call.params[3]);
    let Some(pool) = world.resources.get::<AgentPool>().and_then(|store| store.get(&id, now)) else {
        return Ok(Reply::empty(StatusCode::NO_CONTENT));
    };
    if let Some(deletion) = &pool.provisioning.deletion {
        return Ok(accepted(call, &registry_id, &deletion.operation_id));
    }
    let location = pool.location.clone();
    let drawn = if call.api_version == "2019-06-01-preview" {
        settings.draws.pick(&PREVIEW_2019_STATUSES)
    } else {
        Some(202)
    };
    if drawn != Some(202) {
        world.resources.get_mut::<AgentPool>().remove(&id);
        return Ok(Reply::empty(if drawn == Some(200) {
            StatusCode::OK
        } else {
            StatusCode::NO_CONTENT
        }));
    }
    let handle = start_operation(call, &mut world, &location, 204);
    if let Some(pool) = world.resources.get_mut::<AgentPool>().get_mut(&id, now) {
        pool.provisioning.deletion = Some(Deletion {
            operation_id: handle.id.clone(),
            until: now + settings.operation_duration,
        });
    }
    Ok(accepted(call, &registry_id, &handle.id))
}

/// GET `{registry}/agentPoolsOperationResults/{operationId}/status`: 202 with `Location` and
/// `Retry-After` while the deletion runs, 204 once done; 404 `OperationNotFound` for an
/// operation the emulator did not start in the path's subscription.
pub(super) fn result(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let operation_id = call.params[3];
    let registry_id = registry_id(call);
    let world = call.shared.read();
    call.resource_group(&world)?;
    let operation = world
        .operations
        .get(operation_id)
        .filter(|op| op.spec.subscription_id.eq_ignore_ascii_case(call.params[0]))
        .ok_or_else(|| {
            ArmError::new(
                StatusCode::NOT_FOUND,
                "OperationNotFound",
                format!("The operation '{operation_id}' could not be found."),
            )
        })?;
    match operation.outcome(call.shared.clock.instant()) {
        None => Ok(accepted(call, &registry_id, operation_id)),
        Some(Outcome::Succeeded) => Ok(Reply::empty(StatusCode::NO_CONTENT)),
        Some(Outcome::Failed { code, message, status }) => Err(ArmError::new(
            StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST),
            code.clone(),
            message.clone(),
        )),
        Some(Outcome::Canceled) => Err(ArmError::new(
            StatusCode::CONFLICT,
            "OperationCanceled",
            format!("The operation '{operation_id}' was canceled."),
        )),
    }
}
