//! The organization's REST API as the stand-in calls it, and how it reports failures (the real
//! agent's wording where there is one).

use std::time::Duration;

use hyper::{Method, StatusCode};
use url::Url;

use super::Failure;
use super::client::{Body, Call, Client, ClientError, Response};

/// The api-version the stand-in sends.
const API_VERSION: &str = "7.1";

/// One organization, with the credential to use.
pub(crate) struct Server {
    pub client: Client,
    /// The organization URL, without trailing slash.
    pub url: String,
    /// The `Authorization` header value.
    pub authorization: String,
}

impl Server {
    /// `{url}/_apis/distributedtask/{path}?{query}&api-version=7.1`.
    fn endpoint(&self, path: &str, query: &[(&str, &str)]) -> Result<Url, Failure> {
        let mut url = Url::parse(&format!("{}/_apis/distributedtask/{path}", self.url))
            .map_err(|e| Failure::new(format!("The server URL '{}' is not valid: {e}", self.url)))?;
        {
            let mut pairs = url.query_pairs_mut();
            for (name, value) in query {
                pairs.append_pair(name, value);
            }
            pairs.append_pair("api-version", API_VERSION);
        }
        Ok(url)
    }

    /// Sends a request; connection failures become `Failed to connect to {url}: ...`.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> Result<Response, Failure> {
        let url = self.endpoint(path, query)?;
        let call = Call {
            method,
            url: &url,
            authorization: Some(&self.authorization),
            body: body.map(Body::Json),
        };
        self.client
            .send(&call)
            .await
            .map_err(|e| connect_failure(&self.url, &e))
    }

    /// Sends a request and keeps only successful answers; 401 and 203 become `VS30063`, other
    /// errors the envelope's message.
    pub async fn expect(
        &self,
        method: Method,
        path: &str,
        query: &[(&str, &str)],
        body: Option<serde_json::Value>,
    ) -> Result<Response, Failure> {
        let response = self.send(method, path, query, body).await?;
        check(response, &self.url)
    }
}

/// `Failed to connect to {url}: {error}`.
pub(crate) fn connect_failure(url: &str, error: &ClientError) -> Failure {
    Failure::new(format!("Failed to connect to {url}: {error}"))
}

/// Successful answers pass; others become failures.
pub(crate) fn check(response: Response, url: &str) -> Result<Response, Failure> {
    match response.status {
        StatusCode::UNAUTHORIZED | StatusCode::NON_AUTHORITATIVE_INFORMATION => Err(not_authorized(url)),
        status if status.is_success() => Ok(response),
        _ => Err(Failure::new(response.error_message())),
    }
}

/// `VS30063: You are not authorized to access {url}.`
pub(crate) fn not_authorized(url: &str) -> Failure {
    Failure::new(format!("VS30063: You are not authorized to access {url}."))
}

/// How long to wait before polling again after a failed poll.
pub(crate) const POLL_BACKOFF: Duration = Duration::from_secs(1);
