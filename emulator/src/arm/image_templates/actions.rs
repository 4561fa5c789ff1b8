//! POST `run` and `cancel` of a template (learn.microsoft.com "Virtual Machine Image Templates -
//! Run", "- Cancel"): both 202 with `Azure-AsyncOperation` and `Location`. A run needs a
//! provisioned template with no run in progress; a cancel a running run (else 409
//! `OperationNotAllowed`, with the message users report). A cancel takes one phase, or never
//! ends when scripted (`stuck_canceling`), as users report of Azure.

use std::time::Instant;

use super::log::LogWriter;
use super::plan::plan;
use super::template::ImageTemplate;
use super::{not_allowed, not_found, operation_spec, start, start_operation, template_id, templates, templates_mut};
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::control::image_builder::settings;
use crate::http::Reply;
use crate::model::World;
use crate::model::operations::{MAX_DURATION, NewOperation, Outcome};

/// The template of the path, unless missing (404) or being deleted (409).
fn template(call: &ArmCall<'_>, world: &World, now: Instant) -> Result<ImageTemplate, ArmError> {
    call.resource_group(world)?;
    templates(world)
        .and_then(|store| store.get(&template_id(call), now))
        .cloned()
        .ok_or_else(|| not_found(call))
}

/// POST run: plans the run and answers 202; the run's operation ends with it.
pub(super) fn run(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    let existing = template(call, &world, now)?;
    let busy = existing.run.as_ref().is_some_and(|run| run.is_active(now));
    if existing.provisioning_state(now) != "Succeeded" || busy {
        return Err(not_allowed("run/action", &existing, now));
    }
    let config = settings(&world);
    let operation_id = crate::random::uuid();
    let run = plan(call.shared, &world, &existing, &config, &operation_id);
    let outcome = match &run.end {
        super::run::End::Failed(message) if run.failed_distributors.is_empty() => Outcome::Failed {
            code: "PackerBuildFailed".to_owned(),
            message: message.clone(),
            status: 400,
        },
        super::run::End::Failed(message) | super::run::End::PartiallySucceeded(message) => Outcome::Failed {
            code: "InternalOperationError".to_owned(),
            message: message.clone(),
            status: 400,
        },
        super::run::End::Succeeded => Outcome::Succeeded,
    };
    let spec = NewOperation {
        id: operation_id,
        ..operation_spec(call, &world, &existing.location, run.ends_at() - now, outcome)
    };
    let handle = start(call, &mut world, spec);
    if let Some(stored) = templates_mut(&mut world).get_mut(&existing.id(), now) {
        stored.run = Some(run);
        stored.outputs.clear();
    }
    Ok(handle.accepted_with_async_operation())
}

/// POST cancel: the run goes `Canceling`, then `Canceled` after one phase (never, when
/// scripted); 202 with the cancel's operation. The run's own operation ends `Canceled` then.
pub(super) fn cancel(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    let existing = template(call, &world, now)?;
    let running = existing
        .run
        .as_ref()
        .is_some_and(|run| run.is_active(now) && run.cancel.is_none());
    if !running {
        return Err(not_allowed("cancel/action", &existing, now));
    }
    let config = settings(&world);
    let stuck = config
        .scripts
        .iter()
        .find(|script| script.matches(&existing.name))
        .is_some_and(|script| script.stuck_canceling);
    let Some(mut run) = existing.run.clone() else {
        return Err(not_allowed("cancel/action", &existing, now));
    };
    let phase = run.phase;
    let duration = (!stuck).then_some(phase);
    let writer = LogWriter {
        operation: &run.operation_id.clone(),
        started: run.started,
        started_at: run.started_at,
    };
    run.cancel(now, duration, |at, text| writer.line(at, text));
    let lasting = duration.unwrap_or(MAX_DURATION);
    let replaced = NewOperation {
        id: run.operation_id.clone(),
        ..operation_spec(call, &world, &existing.location, lasting, Outcome::Canceled)
    };
    world.operations.start(replaced, now, call.shared.clock.now());
    let handle = start_operation(call, &mut world, &existing.location, lasting, Outcome::Succeeded);
    if let Some(stored) = templates_mut(&mut world).get_mut(&existing.id(), now) {
        stored.run = Some(run);
    }
    Ok(handle.accepted_with_async_operation())
}
