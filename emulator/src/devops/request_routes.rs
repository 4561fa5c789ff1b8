//! Job requests: `GET pools/{poolId}/jobrequests[?$top=N][&completedRequestCount=N]`,
//! `GET .../jobrequests/{requestId}`, and the listener's `PATCH .../jobrequests/{requestId}?lockToken=`
//! (renew the lock, or finish with `result`).

use hyper::StatusCode;
use serde::Deserialize;

use super::Call;
use super::auth::Caller;
use super::body::{count, json, query};
use crate::http::Reply;
use crate::pools::error::AdoError;
use crate::pools::requests::{self, RequestUpdate};
use crate::pools::state::TaskResult;
use crate::pools::wire;

/// The requests of a pool: unfinished first, then finished ones, newest first.
pub(crate) fn list(call: &Call<'_>, pool_id: i32) -> Result<Reply, AdoError> {
    let top = count(call.request, "$top")?;
    let completed = count(call.request, "completedRequestCount")?;
    let state = call.shared.pools.lock(&call.shared.clock);
    let org = state
        .organization(&call.org)
        .ok_or_else(|| AdoError::pool_not_found(pool_id))?;
    org.pool(pool_id).ok_or_else(|| AdoError::pool_not_found(pool_id))?;
    let values = requests::list(org, pool_id, top, completed)
        .into_iter()
        .map(|r| wire::job_request(r, org, &call.org_url))
        .collect();
    Ok(Reply::json(StatusCode::OK, &wire::list(values)))
}

/// One request.
pub(crate) fn get(call: &Call<'_>, pool_id: i32, request_id: i64) -> Result<Reply, AdoError> {
    let state = call.shared.pools.lock(&call.shared.clock);
    let org = state
        .organization(&call.org)
        .ok_or_else(|| AdoError::pool_not_found(pool_id))?;
    let request = org
        .request(request_id)
        .filter(|r| r.pool_id == pool_id)
        .ok_or_else(|| AdoError::request_not_found(request_id))?;
    Ok(Reply::json(
        StatusCode::OK,
        &wire::job_request(request, org, &call.org_url),
    ))
}

/// The fields of the listener's PATCH body that matter.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UpdateBody {
    #[serde(default)]
    result: Option<String>,
}

/// Renews the lock, or finishes the request with `result`; answers with the request.
pub(crate) fn update(call: &Call<'_>, pool_id: i32, request_id: i64) -> Result<Reply, AdoError> {
    let Caller::Agent { agent_id, .. } = call.caller else {
        return Err(AdoError::access_denied(
            "Only the agent running a job request may update it.",
        ));
    };
    let body: UpdateBody = json(call.request)?;
    let result = body
        .result
        .map(|text| {
            TaskResult::parse(&text).ok_or_else(|| AdoError::argument(format!("'{text}' is not a task result.")))
        })
        .transpose()?;
    let update = RequestUpdate {
        pool_id,
        request_id,
        agent_id,
        lock_token: query(call.request, "lockToken"),
        result,
    };
    let now = call.shared.clock.now();
    let reply = {
        let mut state = call.shared.pools.lock(&call.shared.clock);
        let org = state
            .organization_mut(&call.org)
            .ok_or_else(|| AdoError::pool_not_found(pool_id))?;
        requests::update(org, &update, now)?;
        let request = org
            .request(request_id)
            .ok_or_else(|| AdoError::request_not_found(request_id))?;
        Reply::json(StatusCode::OK, &wire::job_request(request, org, &call.org_url))
    };
    call.shared.pools.wake();
    Ok(reply)
}
