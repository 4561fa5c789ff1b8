//! A request as handlers see it: method, decoded path segments, query pairs, headers, and the
//! body: read whole, or left as a stream for the handler, as its family asked
//! ([`super::Family::body_policy`]).

use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use hyper::{HeaderMap, Method};

use super::RequestBody;

/// A request.
pub(crate) struct Request {
    pub method: Method,
    /// The path as sent (still percent-encoded).
    pub path: String,
    /// Percent-decoded, non-empty path segments.
    pub segments: Vec<String>,
    /// The raw query string (without `?`).
    pub raw_query: String,
    /// Decoded query pairs in order.
    pub query: Vec<(String, String)>,
    pub headers: HeaderMap,
    /// The whole body, when the family asked for it read ([`super::BodyPolicy::Buffer`]);
    /// empty when it asked for a stream.
    pub body: Bytes,
    /// The unread body, when the family asked for a stream ([`super::BodyPolicy::Stream`]).
    stream: Mutex<Option<RequestBody>>,
}

impl Request {
    /// Builds a request from its parts.
    pub fn new(method: Method, path: &str, raw_query: &str, headers: HeaderMap, body: Bytes) -> Self {
        let segments = path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(|s| percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned())
            .collect();
        let query = url::form_urlencoded::parse(raw_query.as_bytes()).into_owned().collect();
        Request {
            method,
            path: path.to_owned(),
            segments,
            raw_query: raw_query.to_owned(),
            query,
            headers,
            body,
            stream: Mutex::new(None),
        }
    }

    /// The same request with its body left unread, for the handler to take.
    pub fn with_stream(self, body: RequestBody) -> Self {
        *self.stream.lock().unwrap_or_else(PoisonError::into_inner) = Some(body);
        self
    }

    /// The unread body, once (`None` when the body was read whole, or already taken).
    pub fn take_body(&self) -> Option<RequestBody> {
        self.stream.lock().unwrap_or_else(PoisonError::into_inner).take()
    }

    /// The first value of a query parameter (exact name).
    pub fn query(&self, name: &str) -> Option<&str> {
        self.query
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// A header value, if present and visible ASCII.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The client's request id (`x-ms-client-request-id`, or MSAL's `client-request-id`).
    pub fn client_request_id(&self) -> Option<&str> {
        self.header("x-ms-client-request-id")
            .or_else(|| self.header("client-request-id"))
    }

    /// Whether the path segments are exactly these literals (case-insensitive).
    pub fn path_is(&self, literals: &[&str]) -> bool {
        self.segments.len() == literals.len()
            && self
                .segments
                .iter()
                .zip(literals)
                .all(|(segment, literal)| segment.eq_ignore_ascii_case(literal))
    }
}

#[cfg(test)]
mod tests {
    use bytes::Bytes;
    use hyper::{HeaderMap, Method};

    use super::Request;

    #[test]
    fn segments_are_decoded_and_queries_parsed() {
        let request = Request::new(
            Method::GET,
            "/subscriptions/s//resourceGroups/rg%28a%29/",
            "api-version=2024-01-01&%24top=2",
            HeaderMap::new(),
            Bytes::new(),
        );
        assert_eq!(request.segments, ["subscriptions", "s", "resourceGroups", "rg(a)"]);
        assert_eq!(request.query("api-version"), Some("2024-01-01"));
        assert_eq!(request.query("$top"), Some("2"));
        assert!(request.path_is(&["SUBSCRIPTIONS", "s", "resourcegroups", "RG(A)"]));
    }
}
