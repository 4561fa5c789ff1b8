//! The managed identity listener: IMDS and the App Service identity endpoint (plain HTTP).

mod app_service;
mod imds;
mod select;
mod token_response;

use std::sync::Arc;

use hyper::{Method, StatusCode};

use crate::http::{Family, Reply, Request};
use crate::listener_kind::ListenerKind;
use crate::shared::Shared;

/// Path of the App Service identity endpoint on this listener.
pub(crate) const APP_SERVICE_PATH: &str = "/msi/token";

/// Managed identity token endpoints.
pub(crate) struct Identity {
    shared: Arc<Shared>,
}

impl Identity {
    pub fn new(shared: Arc<Shared>) -> Self {
        Identity { shared }
    }
}

impl Family for Identity {
    const KIND: ListenerKind = ListenerKind::Imds;

    fn handle(&self, request: &Request) -> Reply {
        if request.method != Method::GET {
            return Reply::empty(StatusCode::METHOD_NOT_ALLOWED);
        }
        if request.path_is(&["metadata", "identity", "oauth2", "token"]) {
            imds::handle(&self.shared, request)
        } else if request.path_is(&["msi", "token"]) {
            app_service::handle(&self.shared, request)
        } else {
            Reply::empty(StatusCode::NOT_FOUND)
        }
    }
}
