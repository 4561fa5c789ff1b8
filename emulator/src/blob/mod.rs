//! The Blob service (`blob`, HTTPS): the data plane of the storage accounts the
//! `Microsoft.Storage` providers create, addressed path-style (`/{account}/{container}/{blob}`,
//! as Azurite) or host-style (`Host: {account}.blob.<suffix>`).
//!
//! Every request goes through the same steps: address, `x-ms-version`, operation, account,
//! network access, authentication and authorization ([`authorize`]), then the operation
//! ([`ops`]). Contents stream to and from disk ([`data`]); the containers themselves live in the
//! World, shared with ARM. Answers carry Storage's common headers and errors its XML
//! ([`wire`], [`error`]).

mod address;
pub(crate) mod auth;
mod authorize;
mod bearer;
mod call;
mod checksum;
mod conditions;
mod data;
mod error;
pub(crate) mod internal;
mod ops;
mod route;
mod wire;
mod xml;

use std::sync::Arc;

use hyper::{Method, StatusCode};

pub(crate) use data::BlobData;

use crate::faults::ErrorFault;
use crate::http::{BodyPolicy, Family, Reply, Request};
use crate::listener_kind::ListenerKind;
use crate::model::storage;
use crate::shared::Shared;
use call::Call;
use error::BlobError;
use wire::Stamp;

/// The Blob service.
pub(crate) struct Blob {
    shared: Arc<Shared>,
}

impl Blob {
    pub fn new(shared: Arc<Shared>) -> Self {
        Blob { shared }
    }

    /// The answer to `request`, and the version it was answered in.
    async fn answer(&self, request: &Request) -> (Result<Reply, BlobError>, Option<String>) {
        drop_orphans(&self.shared);
        let host = request.header("host");
        let Some(address) = address::parse(host, &request.path) else {
            let error = BlobError::new(
                StatusCode::BAD_REQUEST,
                "InvalidUri",
                "The requested URI does not represent any resource on the server.",
            );
            return (Err(error), None);
        };
        let version = match wire::version(request) {
            Ok(version) => version,
            Err(error) => return (Err(error), None),
        };
        let call = Call {
            shared: &self.shared,
            request,
            address,
            now: self.shared.clock.now(),
            instant: self.shared.clock.instant(),
        };
        let answer = match route::parse(&request.method, &call.address, &request.query) {
            Ok(op) => ops::run(&call, op).await,
            Err(error) => Err(error),
        };
        // A SAS request without x-ms-version is answered in its `sv`.
        let version = version.or_else(|| request.query("sv").map(str::to_owned));
        (answer, version)
    }
}

impl Family for Blob {
    const KIND: ListenerKind = ListenerKind::Blob;

    /// Writes stream to disk (Put Blob, Put Block, Append Block); the small XML bodies (Put
    /// Block List, Get User Delegation Key) are read by their operation with a limit.
    fn body_policy(&self, method: &Method, _path: &str) -> BodyPolicy {
        if *method == Method::PUT || *method == Method::POST {
            BodyPolicy::Stream
        } else {
            BodyPolicy::default()
        }
    }

    /// Never called: [`Family::respond`] answers every request (operations stream from disk).
    fn handle(&self, request: &Request) -> Reply {
        let request_id = request_id();
        stamp(&self.shared, request, &request_id, None).error(&BlobError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalError",
            "The server encountered an internal error. Please retry the request.",
        ))
    }

    async fn respond<'a>(&'a self, request: &'a Request) -> Reply {
        let request_id = request_id();
        let (answer, version) = self.answer(request).await;
        let stamp = stamp(&self.shared, request, &request_id, version.as_deref());
        match answer {
            Ok(reply) => stamp.apply(reply),
            Err(error) => stamp.error(&error),
        }
    }

    /// Storage's answers when it is throttled or failing: 503 `ServerBusy` ("The server is
    /// busy."), also for 429 (Storage throttles with 503 and with 429 `ServerBusy`), with
    /// `Retry-After`; 500 `InternalError`.
    fn fault_reply(&self, fault: ErrorFault, request: &Request) -> Reply {
        let error = match fault {
            ErrorFault::TooManyRequests { retry_after_secs } => {
                BlobError::new(StatusCode::TOO_MANY_REQUESTS, "ServerBusy", "The server is busy.")
                    .with_header("retry-after", retry_after_secs.to_string())
            }
            ErrorFault::Unavailable { retry_after_secs } => {
                BlobError::new(StatusCode::SERVICE_UNAVAILABLE, "ServerBusy", "The server is busy.")
                    .with_header("retry-after", retry_after_secs.to_string())
            }
            ErrorFault::InternalError => BlobError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "InternalError",
                "The server encountered an internal error. Please retry the request.",
            ),
        };
        stamp(&self.shared, request, &request_id(), None).error(&error)
    }
}

/// Drops the blob files of the containers the World no longer has: those of a deleted account,
/// or of the accounts of a deleted resource group (the group's cascade reaches the World only,
/// so the Blob service also sweeps before each request it answers).
pub(crate) fn drop_orphans(shared: &Shared) {
    shared.blob.sweep(|| storage::container_data_ids(&shared.read()));
}

/// A new `x-ms-request-id` (a GUID, as Storage's).
fn request_id() -> String {
    crate::random::uuid()
}

fn stamp<'a>(shared: &Shared, request: &'a Request, request_id: &'a str, version: Option<&'a str>) -> Stamp<'a> {
    Stamp {
        request_id,
        version,
        client_request_id: request.header("x-ms-client-request-id"),
        now: shared.clock.now(),
        head: wire::is_head(request),
    }
}
