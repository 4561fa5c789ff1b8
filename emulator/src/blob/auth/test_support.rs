//! A request builder for the unit tests: owns what a [`SignedRequest`] borrows.

use hyper::HeaderMap;
use hyper::header::{HeaderName, HeaderValue};

use super::SignedRequest;

/// The account of the tests.
pub(crate) const ACCOUNT: &str = "acct";

/// An owned request; [`Request::signed`] views it as the authenticator does.
#[derive(Clone)]
pub(crate) struct Request {
    method: String,
    raw_path: String,
    path_style: bool,
    container: Option<String>,
    blob: Option<String>,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    https: bool,
}

impl Request {
    /// A path-style GET of `raw_path` (`/acct/container/blob`, percent-encoded).
    pub fn get(raw_path: &str) -> Request {
        Request::new("GET", raw_path)
    }

    /// A path-style request when the path starts with `/acct`, else a host-style one.
    pub fn new(method: &str, raw_path: &str) -> Request {
        let account_segment = format!("/{ACCOUNT}");
        let path_style = raw_path == account_segment || raw_path.starts_with(&format!("{account_segment}/"));
        Request::addressed(method, raw_path, path_style)
    }

    /// The same request read host-style (`{account}.blob...` in `Host`): the whole path is
    /// container and blob.
    pub fn into_host_style(self) -> Request {
        Request {
            query: self.query,
            headers: self.headers,
            https: self.https,
            ..Request::addressed(&self.method, &self.raw_path, false)
        }
    }

    fn addressed(method: &str, raw_path: &str, path_style: bool) -> Request {
        let rest = if path_style {
            &raw_path[ACCOUNT.len() + 1..]
        } else {
            raw_path
        };
        let rest = rest.strip_prefix('/').unwrap_or(rest);
        let (container, blob) = rest.split_once('/').unwrap_or((rest, ""));
        let decode = |text: &str| {
            percent_encoding::percent_decode_str(text)
                .decode_utf8_lossy()
                .into_owned()
        };
        Request {
            method: method.to_owned(),
            raw_path: raw_path.to_owned(),
            path_style,
            container: (!container.is_empty()).then(|| decode(container)),
            blob: (!blob.is_empty()).then(|| decode(blob)),
            query: Vec::new(),
            headers: HeaderMap::new(),
            https: true,
        }
    }

    /// With a query parameter (decoded) appended.
    pub fn query(mut self, name: &str, value: &str) -> Request {
        self.query.push((name.to_owned(), value.to_owned()));
        self
    }

    /// With query parameters (decoded) appended.
    pub fn queries(mut self, pairs: &[(&str, &str)]) -> Request {
        for (name, value) in pairs {
            self = self.query(name, value);
        }
        self
    }

    /// With a header appended.
    pub fn header(mut self, name: &str, value: &str) -> Request {
        self.headers.append(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
        self
    }

    /// With header `name` replaced by one value.
    pub fn replace_header(mut self, name: &str, value: &str) -> Request {
        self.headers.insert(
            HeaderName::from_bytes(name.as_bytes()).unwrap(),
            HeaderValue::from_str(value).unwrap(),
        );
        self
    }

    /// With the headers of `other` (this request's own headers replaced).
    pub fn copy_headers_from(mut self, other: &Request) -> Request {
        self.headers = other.headers.clone();
        self
    }

    /// Over plain http.
    pub fn over_http(mut self) -> Request {
        self.https = false;
        self
    }

    /// The authenticator's view.
    pub fn signed(&self) -> SignedRequest<'_> {
        SignedRequest {
            method: &self.method,
            account: ACCOUNT,
            raw_path: &self.raw_path,
            path_style: self.path_style,
            container: self.container.as_deref(),
            blob: self.blob.as_deref(),
            query: &self.query,
            headers: &self.headers,
            https: self.https,
        }
    }
}
