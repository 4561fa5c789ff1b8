//! Responses: a small builder plus the principal to record in the journal.

use bytes::Bytes;
use hyper::header::{CONTENT_TYPE, HeaderName, HeaderValue};
use hyper::{Response, StatusCode};
use serde::Serialize;

use super::Body;

/// `Content-Type` of every JSON body the emulator sends.
const JSON: &str = "application/json; charset=utf-8";

/// A response plus what the journal should know about it.
pub(crate) struct Reply {
    pub response: Response<Body>,
    /// Object id of the principal the request acted as, if any.
    pub principal: Option<String>,
}

impl Reply {
    /// A JSON reply.
    pub fn json(status: StatusCode, body: &impl Serialize) -> Reply {
        let bytes = serde_json::to_vec(body).unwrap_or_default();
        let mut reply = Reply::bytes(status, Bytes::from(bytes));
        reply.set_header(CONTENT_TYPE, JSON);
        reply
    }

    /// A reply without a body.
    pub fn empty(status: StatusCode) -> Reply {
        Reply::bytes(status, Bytes::new())
    }

    /// A reply with a raw body and no content type.
    pub fn bytes(status: StatusCode, body: Bytes) -> Reply {
        Reply::body(status, Body::bytes(body))
    }

    /// A reply with any body (e.g. a file streamed from disk) and no content type.
    pub fn body(status: StatusCode, body: Body) -> Reply {
        let mut response = Response::new(body);
        *response.status_mut() = status;
        Reply {
            response,
            principal: None,
        }
    }

    /// Sets (replaces) a header; values that are not valid header text are skipped.
    pub fn set_header(&mut self, name: impl TryInto<HeaderName>, value: &str) {
        if let (Ok(name), Ok(value)) = (name.try_into(), HeaderValue::from_str(value)) {
            self.response.headers_mut().insert(name, value);
        }
    }

    /// Builder form of [`Reply::set_header`].
    pub fn with_header(mut self, name: impl TryInto<HeaderName>, value: &str) -> Reply {
        self.set_header(name, value);
        self
    }

    /// Records the acting principal.
    pub fn by(mut self, principal: Option<String>) -> Reply {
        self.principal = principal;
        self
    }

    /// The status code.
    pub fn status(&self) -> StatusCode {
        self.response.status()
    }
}
