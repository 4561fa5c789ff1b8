//! `GET runs/{id}`, `GET runs` (`$filter`, `$top`: newest first), `PATCH runs/{id}`
//! (`isArchiveEnabled`, the one property `RunUpdateParameters` has) and
//! `POST runs/{id}/listLogSasUrl` (a read-only SAS URL to the run's log blob).
//!
//! The list answers every matching run on one page, newest first, cut to `$top` when given (the
//! spec: "limits the maximum number of runs to return"; emulator choice: no `nextLink`, as a
//! registry's runs here are few). `logArtifactLink` is left out: the emulator archives no log
//! into the registry, and the Azure CLI then follows `logLink` (`_stream_utils.py`).

use hyper::StatusCode;
use serde_json::{Value, json};

use super::filter::RunFilter;
use super::storage::{self, LOG_SAS_LIFETIME};
use crate::arm::body;
use crate::arm::error::ArmError;
use crate::arm::registries;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::World;
use crate::model::acr::run::{RUN_TYPE, Run, run_id, runs, runs_mut, runs_of};
use crate::model::store::Stored;

/// ARM's 404 for a run the registry does not have.
pub(super) fn not_found(call: &ArmCall<'_>) -> ArmError {
    ArmError::resource_not_found(
        RUN_TYPE,
        &format!("{}/{}", call.params[2], call.params[3]),
        call.params[1],
    )
}

/// The id of the run of the path (`.../registries/{r}/runs/{runId}`).
pub(super) fn path_id(call: &ArmCall<'_>) -> String {
    run_id(&registries::registry_id(call), call.params[3])
}

/// The run of the path, after its registry.
pub(super) fn of_path<'w>(call: &ArmCall<'_>, world: &'w World) -> Result<&'w Run, ArmError> {
    registries::of_path(call, world)?;
    runs(world)
        .and_then(|store| store.get(&path_id(call), call.shared.clock.instant()))
        .ok_or_else(|| not_found(call))
}

/// `GET runs/{runId}`.
pub(super) fn get(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let run = of_path(call, &world)?;
    Ok(Reply::json(StatusCode::OK, &run.to_json(call.shared.clock.instant())))
}

/// `GET runs`.
pub(super) fn list(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let filter = call.request.query("$filter").map(RunFilter::parse).transpose()?;
    let top = match call.request.query("$top") {
        None => None,
        Some(raw) => Some(raw.parse::<usize>().ok().filter(|top| *top > 0).ok_or_else(|| {
            ArmError::bad_request(
                "InvalidQueryParameterValue",
                format!("The value '{raw}' of query parameter '$top' is not valid: expected a positive integer."),
            )
        })?),
    };
    let world = call.shared.read();
    let registry = registries::of_path(call, &world)?;
    let now = call.shared.clock.instant();
    let mut matching: Vec<&Run> = runs_of(&world, &registry.id(), now)
        .into_iter()
        .filter(|run| filter.as_ref().is_none_or(|filter| filter.matches(run)))
        .collect();
    matching.sort_by_key(|run| std::cmp::Reverse(run.number));
    let value: Vec<Value> = matching
        .into_iter()
        .take(top.unwrap_or(usize::MAX))
        .map(|run| run.to_json(now))
        .collect();
    Ok(Reply::json(StatusCode::OK, &json!({ "value": value })))
}

/// `PATCH runs/{runId}`: `isArchiveEnabled`. 200 with the run in every version (2019-06-01-preview
/// also documents 201, for an update still in progress; this one is done at once).
pub(super) fn patch(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let update = body::object(call)?;
    let archive = match update.get("isArchiveEnabled") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(archive)) => Some(*archive),
        Some(other) => return Err(body::converting(other, "System.Boolean", "isArchiveEnabled")),
    };
    let mut world = call.shared.write();
    of_path(call, &world)?;
    let (now, wall) = (call.shared.clock.instant(), call.shared.clock.now());
    let run = runs_mut(&mut world)
        .get_mut(&path_id(call), now)
        .ok_or_else(|| not_found(call))?;
    if let Some(archive) = archive {
        run.is_archive_enabled = archive;
        run.last_updated = wall;
    }
    Ok(Reply::json(StatusCode::OK, &run.to_json(now)))
}

/// `POST runs/{runId}/listLogSasUrl`: `{logLink}`, read-only.
pub(super) fn log_sas(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let run = of_path(call, &world)?;
    let link = storage::sas_url(call.shared, &world, &run.log, "r", LOG_SAS_LIFETIME)?;
    Ok(Reply::json(StatusCode::OK, &json!({ "logLink": link })))
}
