//! `POST runs/{runId}/cancel`: the run becomes `Canceled` at once, the process of the step it
//! was running is killed (with every process it started), its log says so and is marked
//! complete, and its agent takes the next queued run. 2025-03-01-preview answers 200; the older
//! versions declare a long-running operation answering 200 or 202, and the emulator gives each
//! at random (seeded), the 202 with `Azure-AsyncOperation` and `Location`. Canceling a run that
//! already ended changes nothing and answers the same (emulator choice: ACR documents no error).

use hyper::StatusCode;

use super::read::{not_found, of_path, path_id};
use super::{dispatch, is_synchronous, log};
use crate::arm::error::ArmError;
use crate::arm::registries;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::acr::registry::registry;
use crate::model::acr::run::{RunStatus, runs_mut};

/// Cancels the run of the path.
pub(super) fn cancel(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (now, wall) = (call.shared.clock.instant(), call.shared.clock.now());
    let mut world = call.shared.write();
    of_path(call, &world)?;
    let run = runs_mut(&mut world)
        .get_mut(&path_id(call), now)
        .ok_or_else(|| not_found(call))?;
    let mut killed = None;
    if !run.status.is_terminal() {
        run.set_status(RunStatus::Canceled, wall);
        killed = run.process.take();
        let (log_blob, run_id) = (run.log.clone(), run.run_id.clone());
        log::append(
            call.shared,
            &world,
            &log_blob,
            &[format!("{} Run ID: {run_id} was canceled", log::stamp(wall))],
        );
        log::complete(call.shared, &world, &log_blob, RunStatus::Canceled);
        dispatch(&mut world, wall, now);
    }
    let legacy_accepted =
        !is_synchronous(call.api_version) && call.shared.settings.draws.pick(&[200u16, 202]) == Some(202);
    let reply = if legacy_accepted {
        let location = registry(&world, &registries::registry_id(call), now)
            .map_or_else(|| call.shared.settings.location.clone(), |r| r.location.clone());
        registries::start_operation(call, &mut world, &location, 200).accepted_with_async_operation()
    } else {
        Reply::empty(StatusCode::OK)
    };
    drop(world);
    if let Some(process) = killed {
        call.shared.runtime.kill(&[process]);
    }
    Ok(reply)
}
