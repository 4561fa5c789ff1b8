//! The admin listener (plain HTTP): journal, faults, seeding, federated tokens, operations,
//! the emulator's clock, Azure DevOps pools, PATs and jobs.

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
}

impl Admin {
    pub fn new(shared: Arc<Shared>) -> Self {
        Admin { shared }
    }
}

/// An admin error: `{"error": "..."}`.
fn error(status: StatusCode, message: &str) -> Reply {
    Reply::json(status, &json!({ "error": message }))
}

impl Family for Admin {
    const KIND: ListenerKind = ListenerKind::Admin;

    fn handle(&self, request: &Request) -> Reply {
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
