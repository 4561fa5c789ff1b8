//! DELETE of a resource group: a long-running operation polled through `Location`. What every
//! registered provider holds in the group is deleted (container processes killed) when the
//! deletion is accepted.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::json;

use super::not_found;
use crate::arm::error::ArmError;
use crate::arm::lro::{self, OperationHandle};
use crate::arm::registry;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::ids;
use crate::model::operations::{LocationStyle, NewOperation, Outcome};
use crate::model::resource_groups::Deletion;
use crate::random;

/// DELETE: 202 with `Location` and `Retry-After`; the group is `Deleting` until the operation ends.
pub(super) fn delete(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (subscription, name) = (call.params[0], call.params[1]);
    let settings = &call.shared.settings;
    let now = call.shared.clock.instant();
    let id = ids::resource_group(subscription, name);
    let mut world = call.shared.write();
    let group = world.groups.get(&id, now).ok_or_else(|| not_found(name))?.clone();
    if let Some(deletion) = &group.deletion
        && let Some(operation) = world.operations.get(&deletion.operation_id)
    {
        let handle = OperationHandle::of(operation, call.arm(), settings.retry_after_secs);
        return Ok(handle.accepted_with_location());
    }
    let job = json!({
        "jobId": format!(
            "ResourceGroupDeletionJob-{}-{}",
            group.name.to_ascii_uppercase(),
            random::uuid()[..8].to_ascii_uppercase()
        ),
        "jobLocation": group.location,
    });
    let spec = NewOperation {
        id: URL_SAFE_NO_PAD.encode(job.to_string()),
        subscription_id: group.subscription_id.clone(),
        namespace: "Microsoft.Resources".to_owned(),
        location: group.location.clone(),
        api_version: call.api_version.to_owned(),
        duration: settings.operation_duration,
        outcome: Outcome::Succeeded,
        success_status: 200,
        style: LocationStyle::Subscription,
    };
    let handle = lro::start(
        &mut world,
        spec,
        &call.shared.clock,
        call.arm(),
        settings.retry_after_secs,
    );
    if let Some(stored) = world.groups.get_mut(&id, now) {
        stored.deletion = Some(Deletion {
            operation_id: handle.id.clone(),
            until: now + settings.operation_duration,
        });
    }
    let killed = registry::delete_in_group(&mut world, &group, call.shared.clock.now());
    drop(world);
    call.shared.runtime.kill(&killed);
    crate::blob::drop_orphans(call.shared);
    Ok(handle.accepted_with_location())
}
