//! GET of a container's log: `{"content": "..."}`, with `tail` and `timestamps`.

use hyper::StatusCode;
use serde_json::json;

use super::{group_id, not_found};
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::http::Reply;

fn invalid_parameter(name: &str, raw: &str, expected: &str) -> ArmError {
    ArmError::bad_request(
        "InvalidQueryParameterValue",
        format!("The value '{raw}' of query parameter '{name}' is not valid. It must be {expected}."),
    )
}

/// GET: the log of the container's current (or last) run; `tail` keeps the last N lines,
/// `timestamps=true` prefixes each line with the RFC 3339 time it was written.
pub(super) fn get(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let container = call.params[3];
    let tail = match call.request.query("tail") {
        None => None,
        Some(raw) => Some(
            raw.parse::<usize>()
                .map_err(|_| invalid_parameter("tail", raw, "a non-negative integer"))?,
        ),
    };
    let timestamps = match call.request.query("timestamps") {
        None => false,
        Some(raw) if raw.eq_ignore_ascii_case("true") => true,
        Some(raw) if raw.eq_ignore_ascii_case("false") => false,
        Some(raw) => return Err(invalid_parameter("timestamps", raw, "true or false")),
    };
    let world = call.shared.read();
    call.resource_group(&world)?;
    let group = world
        .container_groups
        .get(&group_id(call), call.shared.clock.instant())
        .ok_or_else(|| not_found(call.params[1], call.params[2]))?;
    let index = group
        .spec
        .containers
        .iter()
        .position(|c| c.name == container)
        .ok_or_else(|| {
            ArmError::new(
                StatusCode::NOT_FOUND,
                "ContainerNotFound",
                format!(
                    "The container '{container}' could not be found in container group '{}'.",
                    group.name
                ),
            )
        })?;
    let content = group.runs[index].log.content(tail, timestamps);
    Ok(Reply::json(StatusCode::OK, &json!({ "content": content })))
}
