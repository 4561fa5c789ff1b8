//! `GET /clock` and `POST /clock/advance`: reading and moving the emulator's time forward, so
//! that tests make operations finish, containers start and tokens expire without waiting.

use std::time::Duration;

use hyper::StatusCode;
use serde::Deserialize;
use serde_json::json;

use super::{control_error, error, parse};
use crate::clock;
use crate::control::Control;
use crate::http::{Reply, Request};
use crate::shared::Shared;

/// The body of `POST /clock/advance`: how far to move (the two add up).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct AdvanceBody {
    #[serde(default)]
    seconds: Option<u64>,
    #[serde(default)]
    milliseconds: Option<u64>,
}

/// The emulator's time and how far it is ahead of the real clock.
pub(crate) fn show(shared: &Shared) -> Reply {
    let offset_ms = u64::try_from(shared.clock.offset().as_millis()).unwrap_or(u64::MAX);
    Reply::json(
        StatusCode::OK,
        &json!({ "now": clock::rfc3339(shared.clock.now()), "offset_ms": offset_ms }),
    )
}

/// Moves the emulator's time forward (every resource provider catches up, the container
/// runtime plans its next wake-up from it), and answers like [`show`].
pub(crate) fn advance(shared: &Shared, control: &Control, request: &Request) -> Reply {
    let body: AdvanceBody = match parse(request) {
        Ok(body) => body,
        Err(bad) => return bad.into(),
    };
    if body.seconds.is_none() && body.milliseconds.is_none() {
        return error(StatusCode::BAD_REQUEST, "give seconds or milliseconds");
    }
    let by = Duration::from_secs(body.seconds.unwrap_or(0))
        .checked_add(Duration::from_millis(body.milliseconds.unwrap_or(0)))
        .unwrap_or(Duration::MAX);
    match control.advance_clock(by) {
        Ok(_) => show(shared),
        Err(e) => control_error(&e),
    }
}
