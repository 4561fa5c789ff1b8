//! The Entra ID (login) listener.

mod assertion;
mod discovery;
mod error;
mod openid;
mod token_endpoint;

use std::sync::Arc;

use hyper::{Method, StatusCode};

use crate::faults::ErrorFault;
use crate::http::{Family, Reply, Request};
use crate::listener_kind::ListenerKind;
use crate::shared::Shared;
use error::AadError;

/// Entra ID: token endpoint, OpenID Connect discovery and instance discovery.
pub(crate) struct Login {
    shared: Arc<Shared>,
}

impl Login {
    pub fn new(shared: Arc<Shared>) -> Self {
        Login { shared }
    }
}

impl Family for Login {
    const KIND: ListenerKind = ListenerKind::Login;

    fn handle(&self, request: &Request) -> Reply {
        let segments = &request.segments;
        match (&request.method, segments.as_slice()) {
            (&Method::POST, [tenant, _, _, _]) if request.path_is(&[tenant, "oauth2", "v2.0", "token"]) => {
                token_endpoint::handle(&self.shared, tenant, request)
            }
            (&Method::GET, [tenant, _, _, _])
                if request.path_is(&[tenant, "v2.0", ".well-known", "openid-configuration"]) =>
            {
                openid::handle(&self.shared, tenant, request)
            }
            (&Method::GET, _) if request.path_is(&["common", "discovery", "instance"]) => {
                discovery::handle(&self.shared, request)
            }
            _ => Reply::empty(StatusCode::NOT_FOUND),
        }
    }

    fn fault_reply(&self, fault: ErrorFault, request: &Request) -> Reply {
        let (status, error, code, message, retry_after) = match fault {
            ErrorFault::TooManyRequests { retry_after_secs } => (
                StatusCode::TOO_MANY_REQUESTS,
                "temporarily_unavailable",
                90_055,
                "There are too many incoming requests. Retry after the time in the Retry-After header.",
                Some(retry_after_secs),
            ),
            ErrorFault::Unavailable { retry_after_secs } => (
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily_unavailable",
                90_033,
                "A transient error has occurred. Please try again.",
                Some(retry_after_secs),
            ),
            ErrorFault::InternalError => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                50_000,
                "There was an error issuing a token or an issue with our sign-in service.",
                None,
            ),
        };
        let reply = AadError::new(status, error, code, message).into_reply(request, self.shared.clock.now());
        match retry_after {
            Some(seconds) => reply.with_header("retry-after", &seconds.to_string()),
            None => reply,
        }
    }
}
