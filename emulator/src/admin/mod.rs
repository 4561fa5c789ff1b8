//! The admin listener (plain HTTP): journal, faults, seeding, federated tokens, operations,
//! the emulator's clock, Azure DevOps pools, PATs and jobs, and a sink that streams a body of
//! any size (`PUT /sink`). Every request must carry the emulator's admin token
//! (`Authorization: Bearer <admin_token>`): the admin API queues jobs that run shell commands and
//! mints credentials, so it is not open to every local user.

mod clock;
mod devops;
mod operations;
mod seed;
mod sink;

use std::sync::Arc;

use hyper::{Method, StatusCode};
use serde::Deserialize;
use serde_json::json;

use crate::config::FaultConfig;
use crate::control::{Control, ControlError};
use crate::http::{BodyPolicy, Family, Reply, Request};
use crate::listener_kind::ListenerKind;
use crate::shared::Shared;

/// The admin API.
pub(crate) struct Admin {
    shared: Arc<Shared>,
    /// What the routes do, shared with the typed control API.
    control: Control,
    /// SHA-256 of the admin token (compared digest to digest, in constant time).
    token_digest: ring::digest::Digest,
}

impl Admin {
    /// The admin API of `shared`, open to requests that carry `token`.
    pub fn new(shared: Arc<Shared>, token: String) -> Self {
        let token_digest = ring::digest::digest(&ring::digest::SHA256, token.as_bytes());
        let control = Control::new(Arc::clone(&shared));
        Admin {
            shared,
            control,
            token_digest,
        }
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

/// A control error as the admin API answers it.
fn control_error(e: &ControlError) -> Reply {
    error(e.status(), &e.to_string())
}

/// A JSON body that does not fit: the message of a 400.
struct BadBody(String);

impl From<BadBody> for Reply {
    fn from(BadBody(message): BadBody) -> Reply {
        error(StatusCode::BAD_REQUEST, &message)
    }
}

/// The JSON body, or what is wrong with it.
fn parse<T: serde::de::DeserializeOwned>(request: &Request) -> Result<T, BadBody> {
    serde_json::from_slice(&request.body).map_err(|e| BadBody(e.to_string()))
}

impl Family for Admin {
    const KIND: ListenerKind = ListenerKind::Admin;

    /// `PUT /sink` streams its body; every other route reads a JSON body of at most 4 MiB.
    fn body_policy(&self, method: &Method, path: &str) -> BodyPolicy {
        if sink::is_sink(method, path) {
            BodyPolicy::Stream
        } else {
            BodyPolicy::default()
        }
    }

    async fn respond<'a>(&'a self, request: &'a Request) -> Reply {
        if request.method == Method::PUT && request.path_is(&["sink"]) && self.authorized(request) {
            return sink::handle(request).await;
        }
        self.handle(request)
    }

    fn handle(&self, request: &Request) -> Reply {
        if !self.authorized(request) {
            return unauthorized();
        }
        let (shared, control) = (&self.shared, &self.control);
        let path: Vec<&str> = request.segments.iter().map(String::as_str).collect();
        match (request.method.as_str(), path.as_slice()) {
            ("GET", ["health"]) => Reply::json(StatusCode::OK, &json!({ "status": "ok" })),
            ("GET", ["journal"]) => Reply::json(StatusCode::OK, &shared.journal.snapshot()),
            ("DELETE", ["journal"]) => {
                control.clear_journal();
                Reply::empty(StatusCode::NO_CONTENT)
            }
            ("PUT", ["faults"]) => replace_faults(control, request),
            ("POST", ["seed"]) => seed::handle(control, request),
            ("POST", ["federated-token"]) => federated_token(control, request),
            ("POST", ["operations"]) => operations::handle(shared, request),
            ("GET", ["clock"]) => clock::show(shared),
            ("POST", ["clock", "advance"]) => clock::advance(shared, control, request),
            (_, ["devops", rest @ ..]) => devops::handle(shared, control, request, rest),
            (_, ["health" | "journal" | "faults" | "seed" | "federated-token" | "operations" | "clock" | "sink"])
            | (_, ["clock", "advance"]) => error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed"),
            _ => error(StatusCode::NOT_FOUND, "no such admin endpoint"),
        }
    }
}

fn replace_faults(control: &Control, request: &Request) -> Reply {
    let config: FaultConfig = match parse(request) {
        Ok(config) => config,
        Err(bad) => return bad.into(),
    };
    match control.set_faults(&config) {
        Ok(()) => Reply::empty(StatusCode::NO_CONTENT),
        Err(e) => control_error(&e),
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FederatedTokenBody {
    issuer: String,
    subject: String,
    #[serde(default)]
    audience: Option<String>,
}

fn federated_token(control: &Control, request: &Request) -> Reply {
    let body: FederatedTokenBody = match parse(request) {
        Ok(body) => body,
        Err(bad) => return bad.into(),
    };
    let token = control.federated_token(&body.issuer, &body.subject, body.audience.as_deref());
    Reply::json(StatusCode::OK, &json!({ "token": token }))
}
