//! The headers every ARM response carries (request, correlation and routing ids).

use time::OffsetDateTime;

use crate::http::{Reply, Request};
use crate::{clock, random};

/// Stamps a reply with ARM's tracking headers, echoing the client's ids; `now` is the emulator's
/// time.
pub(crate) fn stamp(reply: Reply, request: &Request, location: &str, now: OffsetDateTime) -> Reply {
    let request_id = random::uuid();
    let correlation = request
        .header("x-ms-correlation-request-id")
        .map_or_else(random::uuid, str::to_owned);
    let routing = format!(
        "{}:{}:{}",
        location.to_ascii_uppercase(),
        clock::routing_stamp(now),
        request_id
    );
    let mut reply = reply
        .with_header("x-ms-request-id", &request_id)
        .with_header("x-ms-correlation-request-id", &correlation)
        .with_header("x-ms-routing-request-id", &routing)
        .with_header("cache-control", "no-cache")
        .with_header("pragma", "no-cache")
        .with_header("expires", "-1")
        .with_header("x-content-type-options", "nosniff")
        .with_header("strict-transport-security", "max-age=31536000; includeSubDomains");
    if let Some(client) = request.header("x-ms-client-request-id") {
        reply.set_header("x-ms-client-request-id", client);
    }
    reply
}
