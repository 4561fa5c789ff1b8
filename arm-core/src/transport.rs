//! The HTTP transport: reqwest over rustls with the ring provider, extra trusted roots, and
//! host rewrites (the IMDS endpoint override, and local servers in tests).

use crate::env::EnvSource;
use crate::error::{ConfigError, Error};
use async_trait::async_trait;
use azure_core::error::ErrorKind;
use azure_core::http::headers::{HeaderName, HeaderValue, Headers};
use azure_core::http::request::Body;
use azure_core::http::{AsyncRawResponse, HttpClient, Method, Request, StatusCode, Url};
use futures::TryStreamExt;
use rustls::pki_types::CertificateDer;
use rustls::pki_types::pem::PemObject;
use std::sync::Arc;
use std::time::Duration;

/// Variable naming a PEM file of extra root certificates to trust (e.g. the emulator's CA).
pub const AZ_CA_BUNDLE: &str = "AZ_CA_BUNDLE";
/// The default of [`HttpTransportBuilder::read_timeout`].
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(60);
/// The standard Azure SDK variable that moves the IMDS endpoint (`http://169.254.169.254`).
pub const AZURE_POD_IDENTITY_AUTHORITY_HOST: &str = "AZURE_POD_IDENTITY_AUTHORITY_HOST";

const IMDS_ORIGIN: &str = "http://169.254.169.254";

/// The HTTP client every arm-core pipeline and credential uses.
///
/// It speaks HTTP/1.1 over rustls with the `ring` provider, trusts the platform's roots plus any
/// given ones, and can send the requests for one origin to another (keeping path and query).
/// Cloning is cheap: connections are pooled and shared.
#[derive(Clone, Debug)]
pub struct HttpTransport {
    client: reqwest::Client,
    rewrites: Arc<[Rewrite]>,
}

#[derive(Debug)]
struct Rewrite {
    from: Url,
    to: Url,
}

impl HttpTransport {
    /// Starts a builder.
    pub fn builder() -> HttpTransportBuilder {
        HttpTransportBuilder::default()
    }

    /// A transport configured from `AZ_CA_BUNDLE` and `AZURE_POD_IDENTITY_AUTHORITY_HOST`.
    pub fn from_env(env: &dyn EnvSource) -> Result<Self, Error> {
        let mut builder = Self::builder();
        if let Some(path) = env.var(AZ_CA_BUNDLE) {
            let pem = std::fs::read(&path).map_err(|e| {
                ConfigError::new(
                    AZ_CA_BUNDLE,
                    format!("cannot read '{path}': {e}; expected a PEM file of CA certificates"),
                )
            })?;
            builder = builder.add_root_certificates_pem(AZ_CA_BUNDLE, &pem)?;
        }
        if let Some(imds) = env.var(AZURE_POD_IDENTITY_AUTHORITY_HOST) {
            builder = builder.rewrite_origin(AZURE_POD_IDENTITY_AUTHORITY_HOST, IMDS_ORIGIN, &imds)?;
        }
        builder.build()
    }

    /// This transport as the azure_core transport option.
    pub fn to_transport(&self) -> azure_core::http::Transport {
        azure_core::http::Transport::new(Arc::new(self.clone()))
    }

    fn rewritten(&self, url: &Url) -> Option<Url> {
        let rule = self.rewrites.iter().find(|r| same_origin(&r.from, url))?;
        let mut out = url.clone();
        out.set_scheme(rule.to.scheme()).ok()?;
        out.set_host(rule.to.host_str()).ok()?;
        out.set_port(rule.to.port()).ok()?;
        Some(out)
    }
}

fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str().map(str::to_ascii_lowercase) == b.host_str().map(str::to_ascii_lowercase)
        && a.port_or_known_default() == b.port_or_known_default()
}

#[async_trait]
impl HttpClient for HttpTransport {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let url = self.rewritten(request.url()).unwrap_or_else(|| request.url().clone());
        let mut builder = self.client.request(reqwest_method(request.method())?, url);
        for (name, value) in request.headers().iter() {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder = match request.body() {
            Body::Bytes(bytes) => builder.body(bytes.clone()),
            Body::SeekableStream(stream) => builder.body(reqwest::Body::wrap_stream(stream.clone())),
        };
        let response = builder.send().await.map_err(|error| {
            let kind = if error.is_connect() {
                ErrorKind::Connection
            } else {
                ErrorKind::Io
            };
            azure_core::Error::with_error(kind, error, "the HTTP request failed")
        })?;
        let status = StatusCode::from(response.status().as_u16());
        let mut headers = Headers::new();
        for (name, value) in response.headers() {
            if let Ok(value) = value.to_str() {
                headers.insert(
                    HeaderName::from(name.as_str().to_owned()),
                    HeaderValue::from(value.to_owned()),
                );
            }
        }
        // Streamed as it arrives: azure_core's transport policy reads it whole, inside the retry
        // loop, for `Pipeline::send`, and hands it over as it comes for `Pipeline::stream`, so
        // that a large download (an agent package) never sits whole in memory.
        let body = response
            .bytes_stream()
            .map_err(|error| azure_core::Error::with_error(ErrorKind::Io, error, "reading the HTTP response failed"));
        Ok(AsyncRawResponse::new(status, headers, Box::pin(body)))
    }
}

fn reqwest_method(method: Method) -> azure_core::Result<reqwest::Method> {
    reqwest::Method::from_bytes(method.as_ref().as_bytes())
        .map_err(|error| azure_core::Error::with_error(ErrorKind::Other, error, "unsupported HTTP method"))
}

/// Builds an [`HttpTransport`].
#[derive(Debug, Default)]
pub struct HttpTransportBuilder {
    roots: Vec<CertificateDer<'static>>,
    rewrites: Vec<Rewrite>,
    timeout: Option<Duration>,
    read_timeout: Option<Duration>,
}

impl HttpTransportBuilder {
    /// Trusts the certificates of a PEM bundle in addition to the platform's roots. `source` names
    /// the bundle in errors.
    pub fn add_root_certificates_pem(mut self, source: &str, pem: &[u8]) -> Result<Self, Error> {
        let before = self.roots.len();
        for cert in CertificateDer::pem_slice_iter(pem) {
            let cert =
                cert.map_err(|e| ConfigError::new(source, format!("is not a valid PEM certificate bundle: {e}")))?;
            self.roots.push(cert);
        }
        if self.roots.len() == before {
            return Err(ConfigError::new(
                source,
                "holds no PEM certificate (expected -----BEGIN CERTIFICATE-----)",
            )
            .into());
        }
        Ok(self)
    }

    /// Sends every request for the origin `from` (scheme, host and port) to the origin `to`,
    /// keeping path and query. `source` names the setting in errors.
    pub fn rewrite_origin(mut self, source: &str, from: &str, to: &str) -> Result<Self, Error> {
        let parse = |value: &str| {
            Url::parse(value)
                .ok()
                .filter(|u| u.host_str().is_some())
                .ok_or_else(|| {
                    ConfigError::new(source, format!("'{value}' is not a URL; expected scheme://host[:port]"))
                })
        };
        self.rewrites.push(Rewrite {
            from: parse(from)?,
            to: parse(to)?,
        });
        Ok(self)
    }

    /// Sets how long a request may wait for the next bytes of its response before it fails with
    /// an I/O error (default 60 s); this is what ends a try against a server that stopped
    /// answering. Unlike [`HttpTransportBuilder::timeout`] it costs no timer per request.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = Some(timeout);
        self
    }

    /// Sets a timeout for each whole request (default: none; the read timeout bounds a try whose
    /// server stopped answering).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Builds the transport.
    pub fn build(self) -> Result<HttpTransport, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier = rustls_platform_verifier::Verifier::new_with_extra_roots(self.roots, provider.clone())
            .map_err(|e| ConfigError::new(AZ_CA_BUNDLE, format!("cannot set up certificate verification: {e}")))?;
        let tls = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| ConfigError::new("tls", e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(verifier))
            .with_no_client_auth();
        let mut builder = reqwest::Client::builder()
            .use_preconfigured_tls(tls)
            .connect_timeout(Duration::from_secs(20))
            .read_timeout(self.read_timeout.unwrap_or(DEFAULT_READ_TIMEOUT))
            .redirect(reqwest::redirect::Policy::none())
            .pool_idle_timeout(Duration::from_secs(90));
        if let Some(timeout) = self.timeout {
            builder = builder.timeout(timeout);
        }
        let client = builder
            .build()
            .map_err(|e| ConfigError::new("tls", format!("cannot build the HTTP client: {e}")))?;
        Ok(HttpTransport {
            client,
            rewrites: self.rewrites.into(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn rewrites_only_the_matching_origin() {
        let t = HttpTransport::builder()
            .rewrite_origin("test", "https://management.azure.com", "http://127.0.0.1:9000")
            .unwrap()
            .build()
            .unwrap();
        let moved = t
            .rewritten(&Url::parse("https://MANAGEMENT.azure.com:443/subscriptions?api-version=1").unwrap())
            .unwrap();
        assert_eq!(moved.as_str(), "http://127.0.0.1:9000/subscriptions?api-version=1");
        assert!(
            t.rewritten(&Url::parse("https://login.microsoftonline.com/x").unwrap())
                .is_none()
        );
        assert!(
            t.rewritten(&Url::parse("https://management.azure.com:8443/x").unwrap())
                .is_none()
        );
    }

    #[test]
    fn from_env_names_bad_variables() {
        let env: HashMap<String, String> = [(AZ_CA_BUNDLE.to_owned(), "/nonexistent/ca.pem".to_owned())].into();
        let err = HttpTransport::from_env(&env).unwrap_err().to_string();
        assert!(
            err.starts_with("AZ_CA_BUNDLE: cannot read '/nonexistent/ca.pem'"),
            "{err}"
        );
        let env: HashMap<String, String> = [(AZURE_POD_IDENTITY_AUTHORITY_HOST.to_owned(), "nohost".to_owned())].into();
        let err = HttpTransport::from_env(&env).unwrap_err().to_string();
        assert!(
            err.starts_with("AZURE_POD_IDENTITY_AUTHORITY_HOST: 'nohost' is not a URL"),
            "{err}"
        );
        let bad = HttpTransport::builder()
            .add_root_certificates_pem("bundle", b"nothing here")
            .unwrap_err()
            .to_string();
        assert!(bad.contains("holds no PEM certificate"), "{bad}");
    }
}
