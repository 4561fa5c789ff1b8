//! Per-request handling common to every listener: body (read whole or streamed, as the family
//! asks), faults, journal, logging.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::Bytes;
use hyper::body::Incoming;
use hyper::{Response, StatusCode};

use super::{Body, BodyError, BodyPolicy, Family, Reply, Request, RequestBody};
use crate::clock;
use crate::faults::{Decision, InjectedFault};
use crate::journal::{JournalEntry, redact_query};
use crate::listener_kind::ListenerKind;
use crate::shared::Shared;

/// Returned to hyper to close the connection without a response (injected drop, broken body).
#[derive(Debug)]
pub(crate) struct ConnectionDropped;

impl std::fmt::Display for ConnectionDropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by the emulator")
    }
}

impl std::error::Error for ConnectionDropped {}

/// Answers one request of family `F`.
pub(crate) async fn serve<F: Family>(
    family: Arc<F>,
    shared: Arc<Shared>,
    request: hyper::Request<Incoming>,
) -> Result<Response<Body>, ConnectionDropped> {
    let (parts, incoming) = request.into_parts();
    let path = parts.uri.path();
    let raw_query = parts.uri.query().unwrap_or("");
    // Bytes of the body read, by this layer or by the handler: the journal records the size,
    // never the content.
    let received = Arc::new(AtomicU64::new(0));
    let body = RequestBody::new(incoming, Arc::clone(&received));
    let request = match family.body_policy(&parts.method, path) {
        BodyPolicy::Buffer { limit } => match body.read_limited(limit).await {
            Ok(bytes) => Request::new(parts.method, path, raw_query, parts.headers, bytes),
            Err(BodyError::TooLarge) => return Ok(Reply::empty(StatusCode::PAYLOAD_TOO_LARGE).response),
            Err(_) => return Err(ConnectionDropped),
        },
        BodyPolicy::Stream => {
            Request::new(parts.method, path, raw_query, parts.headers, Bytes::new()).with_stream(body)
        }
    };

    let decision = if F::KIND == ListenerKind::Admin {
        Decision::default()
    } else {
        shared.faults.decide(F::KIND, request.method.as_str(), &request.path)
    };
    if !decision.latency.is_zero() {
        tokio::time::sleep(decision.latency).await;
    }
    let reply = match decision.fault {
        Some(InjectedFault::Drop) => None,
        Some(InjectedFault::Respond(fault)) => Some(family.fault_reply(fault, &request)),
        None => Some(family.respond(&request).await),
    };

    let status = reply.as_ref().map(|r| r.status().as_u16());
    tracing::debug!(
        listener = %F::KIND,
        method = %request.method,
        path = %request.path,
        status,
        fault = decision.fault.map(InjectedFault::label),
        "request"
    );
    if F::KIND != ListenerKind::Admin {
        shared.journal.record(JournalEntry {
            seq: 0,
            time: clock::rfc3339(shared.clock.now()),
            listener: F::KIND,
            method: request.method.to_string(),
            path: request.path.clone(),
            query: redact_query(&request.raw_query),
            status,
            client_request_id: request.client_request_id().map(str::to_owned),
            fault: decision.fault.map(|f| f.label().to_owned()),
            latency_ms: u64::try_from(decision.latency.as_millis()).unwrap_or(u64::MAX),
            principal: reply.as_ref().and_then(|r| r.principal.clone()),
            request_bytes: received.load(Ordering::Relaxed),
        });
    }
    reply.map(|r| r.response).ok_or(ConnectionDropped)
}
