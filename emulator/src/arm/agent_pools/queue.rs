//! POST `listQueueStatus` (`AgentPools_GetQueueStatus`): `{ "count": n }`, the runs waiting
//! `Queued` on the pool (a pool scaled to 0 keeps every run queued).

use hyper::StatusCode;
use serde_json::json;

use super::{not_found, pool_id};
use crate::arm::error::ArmError;
use crate::arm::registries::of_path;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::acr::agent_pool::agent_pool;
use crate::model::acr::run::queued_on;

/// The queue count of the pool of the path; 404 without the registry or the pool.
pub(super) fn list_queue_status(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let registry = of_path(call, &world)?;
    let pool = agent_pool(
        &world,
        &pool_id(&registry.id(), call.params[3]),
        call.shared.clock.instant(),
    )
    .ok_or_else(|| not_found(call))?;
    Ok(Reply::json(
        StatusCode::OK,
        &json!({ "count": queued_on(&world, &pool.id()) }),
    ))
}
