//! The admin listener (plain HTTP): journal, faults, seeding, federated tokens, operations,
//! the emulator's clock, Azure DevOps pools, PATs and jobs. Every request must carry the
//! emulator's admin token (`Authorization: Bearer <admin_token>`): the admin API queues jobs that
//! run shell commands and mints credentials, so it is not open to every local user.

mod clock;
mod devops;
mod operations;
mod seed;

use std::sync::Arc;

use hyper::StatusCode;
use serde::Deserialize;
use serde_json::json;

use crate::config::{DEFAULT_FEDERATED_AUDIENCE, FaultConfig};
use crate::http::{Family, Reply, Request};
use crate::listener_kind::ListenerKind;
use crate::shared::Shared;

/// The admin API.
pub(crate) struct Admin {
    shared: Arc<Shared>,
    /// SHA-256 of the admin token (compared digest to digest, in constant time).
    token_digest: ring::digest::Digest,
}

impl Admin {
    /// The admin API of `shared`, open to requests that carry `token`.
    pub fn new(shared: Arc<Shared>, token: String) -> Self {
        let token_digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
        Admin { shared, token_digest }
    }

    /// Whether `request` carries `Authorization: Bearer <admin token>` (the scheme in any case).
    /// Digests of equal length are compared in time that depends neither on where they differ
    /// nor on the length of what was sent.
    fn authorized(&self, request: &Request) -> bool {
        let Some(presented) = request
            .headers
            .get(hyper::header::AUTHORIZATION)
            .and_then(|value| value.as_bytes().split_first_chunk::<7>())
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case(b"bearer "))
            .map(|(_, token)| token)
        else {
            return false;
        };
        let presented = ring::digest::digest(&ring::digest::SHA256, presented);
        let difference = presented
            .as_ref()
            .iter()
            .zip(self.token_digest.as_ref())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y));
        std::hint::black_box(difference) == 0
    }
}

/// 401 for a request without the admin token: `{"error": "..."}` and a `WWW-Authenticate`
/// challenge.
fn unauthorized() -> Reply {
    error(
        StatusCode::UNAUTHORIZED,
        "the admin API needs 'Authorization: Bearer <admin_token>' (admin_token is in the JSON line the emulator prints on start)",
    )
    .with_header("www-authenticate", "Bearer realm=\"az-emulator-admin\"")
}

/// An admin error: `{"error": "..."}`.
fn error(status: StatusCode, message: &str) -> Reply {
    Reply::json(status, &json!({ "error": message }))
}

impl Family for Admin {
    const KIND: ListenerKind = ListenerKind::Admin;

    fn handle(&self, request: &Request) -> Reply {
        if !self.authorized(request) {
            return unauthorized();
        }
        let shared = &self.shared;
        let path: Vec<&str> = request.segments.iter().map(String::as_str).collect();
        match (request.method.as_str(), path.as_slice()) {
            ("GET", ["health"]) => Reply::json(StatusCode::OK, &json!({ "status": "ok" })),
            ("GET", ["journal"]) => Reply::json(StatusCode::OK, &shared.journal.snapshot()),
            ("DELETE", ["journal"]) => {
                shared.journal.clear();
                Reply::empty(StatusCode::NO_CONTENT)
            }
            ("PUT", ["faults"]) => replace_faults(shared, request),
            ("POST", ["seed"]) => seed::handle(shared, request),
            ("POST", ["federated-token"]) => federated_token(shared, request),
            ("POST", ["operations"]) => operations::handle(shared, request),
            ("GET", ["clock"]) => clock::show(shared),
            ("POST", ["clock", "advance"]) => clock::advance(shared, request),
            (_, ["devops", rest @ ..]) => devops::handle(shared, request, rest),
            (_, ["health" | "journal" | "faults" | "seed" | "federated-token" | "operations" | "clock"])
            | (_, ["clock", "advance"]) => error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed"),
            _ => error(StatusCode::NOT_FOUND, "no such admin endpoint"),
        }
    }
}

fn replace_faults(shared: &Shared, request: &Request) -> Reply {
    let config: FaultConfig = match serde_json::from_slice(&request.body) {
        Ok(config) => config,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    if let Err(e) = config.validate("faults") {
        return error(StatusCode::BAD_REQUEST, &e.to_string());
    }
    shared.faults.replace(&config);
    Reply::empty(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FederatedTokenBody {
    issuer: String,
    subject: String,
    #[serde(default)]
    audience: Option<String>,
}

fn federated_token(shared: &Shared, request: &Request) -> Reply {
    let body: FederatedTokenBody = match serde_json::from_slice(&request.body) {
        Ok(body) => body,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let audience = body.audience.as_deref().unwrap_or(DEFAULT_FEDERATED_AUDIENCE);
    let token = shared
        .tokens
        .federated(&body.issuer, &body.subject, audience, shared.clock.unix_now());
    Reply::json(StatusCode::OK, &json!({ "token": token }))
}
