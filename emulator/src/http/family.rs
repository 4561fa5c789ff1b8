//! What an endpoint family (one listener) implements.

use hyper::{Method, StatusCode};
use serde_json::json;

use super::{BodyPolicy, Reply, Request};
use crate::faults::ErrorFault;
use crate::listener_kind::ListenerKind;

/// An endpoint family: answers every request of its listener.
///
/// Adding a family (e.g. Blob) means a new module implementing this trait and a new listener in
/// [`crate::Emulator::start`].
pub(crate) trait Family: Send + Sync + 'static {
    /// Which listener this is (journal, fault rules).
    const KIND: ListenerKind;

    /// How this family wants the body of a request to `path` with `method`: read whole with a
    /// limit before the handler runs (the default: at most 4 MiB, answered 413 beyond), or
    /// left as a stream for the handler ([`Request::take_body`]).
    fn body_policy(&self, _method: &Method, _path: &str) -> BodyPolicy {
        BodyPolicy::default()
    }

    /// Answers a request.
    fn handle(&self, request: &Request) -> Reply;

    /// Answers a request, possibly waiting (long polls, work on blocking threads). The default
    /// answers with [`Family::handle`] at once.
    fn respond<'a>(&'a self, request: &'a Request) -> impl Future<Output = Reply> + Send + 'a {
        std::future::ready(self.handle(request))
    }

    /// The response for an injected fault, in this family's error format.
    fn fault_reply(&self, fault: ErrorFault, _request: &Request) -> Reply {
        oauth_style_fault(fault)
    }
}

/// An injected fault in the OAuth error shape (`error`, `error_description`) that the managed
/// identity endpoints use.
fn oauth_style_fault(fault: ErrorFault) -> Reply {
    match fault {
        ErrorFault::TooManyRequests { retry_after_secs } => Reply::json(
            StatusCode::TOO_MANY_REQUESTS,
            &json!({
                "error": "too_many_requests",
                "error_description": "Too many requests. Retry after the time in the Retry-After header."
            }),
        )
        .with_header("retry-after", &retry_after_secs.to_string()),
        ErrorFault::Unavailable { retry_after_secs } => Reply::json(
            StatusCode::SERVICE_UNAVAILABLE,
            &json!({
                "error": "service_unavailable",
                "error_description": "The service is temporarily unavailable."
            }),
        )
        .with_header("retry-after", &retry_after_secs.to_string()),
        ErrorFault::InternalError => Reply::json(
            StatusCode::INTERNAL_SERVER_ERROR,
            &json!({
                "error": "internal_error",
                "error_description": "An unexpected error occurred."
            }),
        ),
    }
}
