//! A small HTTPS client for the stand-in agent: one HTTP/1.1 connection per request (hyper over
//! tokio-rustls), trusting only the emulator's CA, with retries of transient failures
//! (dropped connections, 429, 5xx) the way the real agent's HTTP stack retries.

use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Method, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use url::Url;

/// How many times a request is sent at most.
const ATTEMPTS: u32 = 5;
/// The longest `Retry-After` honoured.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(5);

/// Why a request got no response.
#[derive(Debug)]
pub(crate) enum ClientError {
    /// The server could not be reached (refused, unresolvable, TLS failure).
    Connect(std::io::Error),
    /// The connection broke during the exchange.
    Http(String),
}

impl std::fmt::Display for ClientError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClientError::Connect(error) => write!(f, "{error}"),
            ClientError::Http(error) => f.write_str(error),
        }
    }
}

/// A response read whole.
pub(crate) struct Response {
    pub status: StatusCode,
    pub retry_after: Option<Duration>,
    pub body: Bytes,
}

impl Response {
    /// The body as JSON (`Null` when it is not JSON).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }

    /// The `message` of an Azure DevOps error envelope, else the status.
    pub fn error_message(&self) -> String {
        match self.json()["message"].as_str() {
            Some(message) => message.to_owned(),
            None => format!("the server answered {}", self.status),
        }
    }
}

/// A request to send.
pub(crate) struct Call<'a> {
    pub method: Method,
    pub url: &'a Url,
    /// The whole `Authorization` header value.
    pub authorization: Option<&'a str>,
    pub body: Option<Body>,
}

/// A request body.
pub(crate) enum Body {
    Json(serde_json::Value),
    Form(String),
}

/// The client.
pub(crate) struct Client {
    tls: TlsConnector,
}

impl Client {
    /// A client trusting only the certificates of `ca_pem`.
    pub fn new(ca_pem: &str) -> Result<Client, String> {
        let mut roots = rustls::RootCertStore::empty();
        for cert in CertificateDer::pem_slice_iter(ca_pem.as_bytes()) {
            let cert = cert.map_err(|e| format!("the emulator's CA is not valid PEM: {e}"))?;
            roots
                .add(cert)
                .map_err(|e| format!("the emulator's CA is not accepted: {e}"))?;
        }
        let config = rustls::ClientConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
            .with_safe_default_protocol_versions()
            .map_err(|e| e.to_string())?
            .with_root_certificates(roots)
            .with_no_client_auth();
        Ok(Client {
            tls: TlsConnector::from(Arc::new(config)),
        })
    }

    /// Sends a request, again after a dropped connection, a 429 or a 5xx (at most
    /// [`ATTEMPTS`] times); a refused connection fails at once.
    pub async fn send(&self, call: &Call<'_>) -> Result<Response, ClientError> {
        let mut delay = Duration::from_millis(250);
        for attempt in 1..=ATTEMPTS {
            let last = attempt == ATTEMPTS;
            match self.send_once(call).await {
                Ok(response) if !last && is_transient(response.status) => {
                    tokio::time::sleep(response.retry_after.unwrap_or(delay).min(MAX_RETRY_AFTER)).await;
                }
                Err(ClientError::Http(_)) if !last => tokio::time::sleep(delay).await,
                result => return result,
            }
            delay *= 2;
        }
        Err(ClientError::Http("no attempt was made".to_owned()))
    }

    async fn send_once(&self, call: &Call<'_>) -> Result<Response, ClientError> {
        let url = call.url;
        let host = url
            .host_str()
            .ok_or_else(|| ClientError::Connect(std::io::Error::other("the URL has no host")))?;
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let port = url.port_or_known_default().unwrap_or(443);
        let tcp = TcpStream::connect((host, port)).await.map_err(ClientError::Connect)?;
        let _ = tcp.set_nodelay(true);
        let request = build(call)?;
        if url.scheme() == "https" {
            let name =
                ServerName::try_from(host.to_owned()).map_err(|e| ClientError::Connect(std::io::Error::other(e)))?;
            let tls = self.tls.connect(name, tcp).await.map_err(ClientError::Connect)?;
            exchange(tls, request).await
        } else {
            exchange(tcp, request).await
        }
    }
}

fn is_transient(status: StatusCode) -> bool {
    status == StatusCode::TOO_MANY_REQUESTS || status.is_server_error()
}

/// The hyper request of a call.
fn build(call: &Call<'_>) -> Result<hyper::Request<Full<Bytes>>, ClientError> {
    let url = call.url;
    let mut target = url.path().to_owned();
    if let Some(query) = url.query() {
        target.push('?');
        target.push_str(query);
    }
    let host = match url.port() {
        Some(port) => format!("{}:{port}", url.host_str().unwrap_or_default()),
        None => url.host_str().unwrap_or_default().to_owned(),
    };
    let mut builder = hyper::Request::builder()
        .method(call.method.clone())
        .uri(target)
        .header("host", host)
        .header("accept", "application/json")
        .header(
            "user-agent",
            "VSServices/az-emulator-agent (az-emulator stand-in Azure Pipelines agent)",
        );
    if let Some(authorization) = call.authorization {
        builder = builder.header("authorization", authorization);
    }
    let body = match &call.body {
        None => Bytes::new(),
        Some(Body::Json(value)) => {
            builder = builder.header("content-type", "application/json; charset=utf-8");
            Bytes::from(value.to_string())
        }
        Some(Body::Form(form)) => {
            builder = builder.header("content-type", "application/x-www-form-urlencoded");
            Bytes::from(form.clone())
        }
    };
    builder
        .body(Full::new(body))
        .map_err(|e| ClientError::Http(e.to_string()))
}

/// One request over one connection.
async fn exchange<I>(io: I, request: hyper::Request<Full<Bytes>>) -> Result<Response, ClientError>
where
    I: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + 'static,
{
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(io))
        .await
        .map_err(|e| ClientError::Http(e.to_string()))?;
    let driver = tokio::spawn(connection);
    let result = async {
        let response = sender.send_request(request).await?;
        let status = response.status();
        let retry_after = response
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let body = response.into_body().collect().await?.to_bytes();
        Ok::<_, hyper::Error>(Response {
            status,
            retry_after,
            body,
        })
    }
    .await
    .map_err(|e| ClientError::Http(e.to_string()));
    driver.abort();
    result
}
