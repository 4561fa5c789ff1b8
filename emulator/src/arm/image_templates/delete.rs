//! DELETE of a template (learn.microsoft.com "Virtual Machine Image Templates - Delete"): 202
//! with `Location` and `Azure-AsyncOperation` (204 when there is none); refused with 409
//! `OperationNotAllowed` while a run is running or canceling, as Azure does. The staging group
//! Image Builder created is deleted with it, a group the caller gave is emptied; the template
//! reads `Deleting` until the operation ends.

use hyper::StatusCode;

use super::staging;
use super::{not_allowed, start_operation, template_id, templates, templates_mut};
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::operations::Outcome;
use crate::model::resource_groups::Deletion;

/// DELETE: 202, 204 for a template that does not exist, 409 while it runs or cancels.
pub(super) fn delete(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (now, wall) = (call.shared.clock.instant(), call.shared.clock.now());
    let duration = call.shared.settings.operation_duration;
    let id = template_id(call);
    let mut world = call.shared.write();
    call.resource_group(&world)?;
    let Some(existing) = templates(&world).and_then(|store| store.get(&id, now)).cloned() else {
        return Ok(Reply::empty(StatusCode::NO_CONTENT));
    };
    if existing.run.as_ref().is_some_and(|run| run.is_active(now)) {
        return Err(not_allowed("delete", &existing, now));
    }
    let handle = start_operation(call, &mut world, &existing.location, duration, Outcome::Succeeded);
    if existing.deletion.is_none() {
        let killed = existing
            .staging
            .as_ref()
            .map(|staging| staging::remove(&mut world, staging, wall, now + duration, now))
            .unwrap_or_default();
        if let Some(template) = templates_mut(&mut world).get_mut(&id, now) {
            template.deletion = Some(Deletion {
                operation_id: handle.id.clone(),
                until: now + duration,
            });
        }
        drop(world);
        call.shared.runtime.kill(&killed);
    }
    Ok(handle.accepted_with_async_operation())
}
