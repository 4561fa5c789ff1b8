//! `GET pools` (by `poolName` or `poolIds`) and `GET pools/{poolId}`.

use hyper::StatusCode;

use super::Call;
use super::body::query;
use crate::http::Reply;
use crate::pools::error::AdoError;
use crate::pools::wire;

/// The pools, filtered by `poolName` (case-insensitive) and `poolIds` (comma separated).
pub(crate) fn list(call: &Call<'_>) -> Result<Reply, AdoError> {
    let name = query(call.request, "poolName");
    let ids: Option<Vec<i32>> =
        query(call.request, "poolIds").map(|ids| ids.split(',').filter_map(|id| id.trim().parse().ok()).collect());
    let state = call.shared.pools.lock(&call.shared.clock);
    let org = state
        .organization(&call.org)
        .ok_or_else(|| AdoError::pool_not_found(0))?;
    let pools = org
        .pools
        .iter()
        .filter(|p| name.is_none_or(|n| p.name.eq_ignore_ascii_case(n)))
        .filter(|p| ids.as_ref().is_none_or(|ids| ids.contains(&p.id)))
        .map(|p| wire::pool(p, &call.org_url))
        .collect();
    Ok(Reply::json(StatusCode::OK, &wire::list(pools)))
}

/// One pool.
pub(crate) fn get(call: &Call<'_>, pool_id: i32) -> Result<Reply, AdoError> {
    let state = call.shared.pools.lock(&call.shared.clock);
    let pool = state
        .organization(&call.org)
        .and_then(|o| o.pool(pool_id))
        .ok_or_else(|| AdoError::pool_not_found(pool_id))?;
    Ok(Reply::json(StatusCode::OK, &wire::pool(pool, &call.org_url)))
}
