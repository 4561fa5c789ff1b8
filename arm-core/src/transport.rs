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
use std::error::Error as StdError;
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
        let mut builder = self.client.request(reqwest_method(request.method())?, url.clone());
        for (name, value) in request.headers().iter() {
            builder = builder.header(name.as_str(), value.as_str());
        }
        builder = match request.body() {
            Body::Bytes(bytes) => builder.body(bytes.clone()),
            Body::SeekableStream(stream) => builder.body(reqwest::Body::wrap_stream(stream.clone())),
        };
        let response = builder.send().await.map_err(|error| send_error(&url, error))?;
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
        let body = response.bytes_stream().map_err(|error| {
            let error = error.without_url();
            let message = format!("reading the HTTP response failed: {}", root_cause(&error));
            azure_core::Error::with_error(ErrorKind::Io, error, message)
        });
        Ok(AsyncRawResponse::new(status, headers, Box::pin(body)))
    }
}

/// The azure_core error of a request that got no response, its message naming the cause.
///
/// A failure that retrying cannot fix (a certificate or TLS handshake the client rejects, a host
/// name that does not resolve, a refused connection to an endpoint outside Azure) gets
/// [`ErrorKind::Other`], which neither arm-core's retry policy nor azure_core's (used by the
/// credentials) retries; a failure to connect gets [`ErrorKind::Connection`] (nothing was sent),
/// anything else [`ErrorKind::Io`].
fn send_error(url: &Url, error: reqwest::Error) -> azure_core::Error {
    // reqwest's own message repeats the URL with its query (a SAS, a code): the caller names the
    // request without it.
    let error = error.without_url();
    let (kind, message) = match classify(url, &error) {
        Failure::Permanent(message) => (ErrorKind::Other, message),
        Failure::Transient(message) if error.is_connect() => (ErrorKind::Connection, message),
        Failure::Transient(message) => (ErrorKind::Io, message),
    };
    azure_core::Error::new(kind, SendFailure { message, source: error })
}

/// The error of a request that got no response: what happened, in words, over reqwest's error.
#[derive(Debug)]
pub(crate) struct SendFailure {
    message: String,
    source: reqwest::Error,
}

impl std::fmt::Display for SendFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl StdError for SendFailure {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        Some(&self.source)
    }
}

/// What went wrong with the request under `error` that got no response, if one did: a
/// credential's error hides it behind its own words.
pub(crate) fn send_failure<'a>(error: &'a (dyn StdError + 'static)) -> Option<&'a str> {
    chain(error).find_map(|e| e.downcast_ref::<SendFailure>().map(|f| f.message.as_str()))
}

/// What the error of a request that got no response says about trying it again.
#[derive(Debug, PartialEq, Eq)]
enum Failure {
    /// Retrying cannot help; the message says why.
    Permanent(String),
    /// It may work the next time.
    Transient(String),
}

/// Classifies the error chain of a request to `url` (the URL actually connected to, after any
/// rewrite).
fn classify(url: &Url, error: &(dyn StdError + 'static)) -> Failure {
    let host = url.host_str().unwrap_or_default();
    let port = url.port_or_known_default().unwrap_or_default();
    if let Some(tls) = chain(error).find_map(|e| e.downcast_ref::<rustls::Error>()) {
        return Failure::Permanent(describe_tls(host, tls));
    }
    // hyper-util reports a failed lookup as "dns error" caused by getaddrinfo's message.
    if let Some(lookup) = chain(error).find(|e| e.to_string() == "dns error") {
        let cause = lookup.source().map(|c| c.to_string()).unwrap_or_default();
        let lower = cause.to_ascii_lowercase();
        // EAI_AGAIN ("Temporary failure in name resolution", musl's "Try again") may pass.
        if lower.contains("temporar") || lower.contains("try again") {
            return Failure::Transient(format!("cannot resolve the host name {host} for now: {cause}"));
        }
        return Failure::Permanent(format!("the host name {host} does not resolve ({cause})"));
    }
    let refused = chain(error)
        .filter_map(|e| e.downcast_ref::<std::io::Error>())
        .any(|io| io.kind() == std::io::ErrorKind::ConnectionRefused);
    if refused {
        let message = format!("{host}:{port} refused the connection");
        // An Azure front end that refuses is being replaced; anything else (a local emulator, a
        // mistyped custom endpoint) has nothing listening, and will not have the next second.
        return if is_azure_host(host) {
            Failure::Transient(message)
        } else {
            Failure::Permanent(format!("{message}: nothing listens there"))
        };
    }
    Failure::Transient(format!("the HTTP request failed: {}", root_cause(error)))
}

/// The errors of a chain, looking inside `std::io::Error`s (whose `source` skips the error they
/// wrap, where rustls puts its own).
fn chain<'a>(error: &'a (dyn StdError + 'static)) -> impl Iterator<Item = &'a (dyn StdError + 'static)> {
    let mut next = Some(error);
    std::iter::from_fn(move || {
        let current = next?;
        next = match current
            .downcast_ref::<std::io::Error>()
            .and_then(std::io::Error::get_ref)
        {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => current.source(),
        };
        Some(current)
    })
}

/// The message of the innermost error of a chain: the cause, without the layers' wrapping.
fn root_cause(error: &(dyn StdError + 'static)) -> String {
    chain(error).last().map(|e| e.to_string()).unwrap_or_default()
}

/// What was wrong with the TLS connection to `host`, naming the check that failed.
fn describe_tls(host: &str, error: &rustls::Error) -> String {
    use rustls::CertificateError as Cert;
    let rustls::Error::InvalidCertificate(cert) = error else {
        return format!("the TLS handshake with {host} failed: {error}");
    };
    let why = match cert {
        Cert::UnknownIssuer => "it is not issued by a trusted certificate authority (UnknownIssuer); to trust a \
                                private CA, set AZ_CA_BUNDLE to a PEM file of it"
            .to_owned(),
        Cert::NotValidForName | Cert::NotValidForNameContext { .. } => {
            format!("it is not valid for the name {host} ({cert})")
        }
        Cert::Expired | Cert::ExpiredContext { .. } => format!("it has expired ({cert})"),
        Cert::NotValidYet | Cert::NotValidYetContext { .. } => {
            format!("it is not valid yet; check this machine's clock ({cert})")
        }
        Cert::Revoked => "it has been revoked (Revoked)".to_owned(),
        other => format!("{other}"),
    };
    format!("the TLS certificate of {host} was rejected: {why}")
}

/// Whether `host` is a name of Azure's public or national clouds (or IMDS), where a refused
/// connection is a front end being replaced and worth retrying.
fn is_azure_host(host: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "azure.com",
        "azure.net",
        "azure.cn",
        "azure.us",
        "windows.net",
        "microsoft.com",
        "microsoftonline.com",
        "microsoftonline.us",
        "chinacloudapi.cn",
        "usgovcloudapi.net",
        "visualstudio.com",
        "azurecr.io",
        "azurecr.cn",
        "azurecr.us",
        "azureedge.net",
        "azurefd.net",
        "vsassets.io",
    ];
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    host == "169.254.169.254"
        || SUFFIXES.iter().any(|suffix| {
            host.strip_suffix(suffix)
                .is_some_and(|rest| rest.is_empty() || rest.ends_with('.'))
        })
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

    /// An error layer as hyper-util and reqwest stack them: a message and a cause.
    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<dyn StdError + Send + Sync>>);

    impl std::fmt::Display for Layer {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.0)
        }
    }

    impl StdError for Layer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            self.1.as_deref().map(|e| e as &(dyn StdError + 'static))
        }
    }

    /// `cause` under the layers reqwest and hyper-util put over a connect error.
    fn connect_error(step: &'static str, cause: impl StdError + Send + Sync + 'static) -> Layer {
        Layer(
            "client error (Connect)",
            Some(Box::new(Layer(step, Some(Box::new(cause))))),
        )
    }

    fn url(text: &str) -> Url {
        Url::parse(text).unwrap()
    }

    #[test]
    fn a_refused_connection_is_permanent_only_outside_azure() {
        let refused = connect_error(
            "tcp connect error",
            std::io::Error::from(std::io::ErrorKind::ConnectionRefused),
        );
        assert_eq!(
            classify(&url("http://127.0.0.1:1/x"), &refused),
            Failure::Permanent("127.0.0.1:1 refused the connection: nothing listens there".to_owned())
        );
        assert_eq!(
            classify(&url("https://management.azure.com/x"), &refused),
            Failure::Transient("management.azure.com:443 refused the connection".to_owned())
        );
        assert!(matches!(
            classify(&url("http://169.254.169.254/metadata"), &refused),
            Failure::Transient(_)
        ));
    }

    #[test]
    fn a_name_that_does_not_resolve_is_permanent_unless_the_lookup_may_pass_later() {
        let unknown = connect_error(
            "dns error",
            std::io::Error::other("failed to lookup address information: Name or service not known"),
        );
        assert_eq!(
            classify(&url("https://nowhere.invalid/x"), &unknown),
            Failure::Permanent(
                "the host name nowhere.invalid does not resolve (failed to lookup address information: Name or service not known)"
                    .to_owned()
            )
        );
        let temporary = connect_error(
            "dns error",
            std::io::Error::other("failed to lookup address information: Temporary failure in name resolution"),
        );
        assert!(matches!(
            classify(&url("https://management.azure.com/x"), &temporary),
            Failure::Transient(m) if m.contains("cannot resolve the host name management.azure.com for now")
        ));
    }

    #[test]
    fn certificate_errors_inside_io_errors_name_the_check() {
        let tls = |cert: rustls::CertificateError| {
            connect_error(
                "tls handshake",
                std::io::Error::new(std::io::ErrorKind::InvalidData, rustls::Error::InvalidCertificate(cert)),
            )
        };
        let target = url("https://127.0.0.1:8443/");
        let Failure::Permanent(untrusted) = classify(&target, &tls(rustls::CertificateError::UnknownIssuer)) else {
            panic!("an unknown issuer is permanent");
        };
        assert!(
            untrusted.starts_with("the TLS certificate of 127.0.0.1 was rejected: it is not issued by a trusted certificate authority (UnknownIssuer)"),
            "{untrusted}"
        );
        let Failure::Permanent(expired) = classify(&target, &tls(rustls::CertificateError::Expired)) else {
            panic!("an expired certificate is permanent");
        };
        assert!(expired.contains("it has expired"), "{expired}");
        let alert = connect_error(
            "tls handshake",
            std::io::Error::new(
                std::io::ErrorKind::InvalidData,
                rustls::Error::AlertReceived(rustls::AlertDescription::HandshakeFailure),
            ),
        );
        assert!(matches!(
            classify(&target, &alert),
            Failure::Permanent(m) if m.starts_with("the TLS handshake with 127.0.0.1 failed: received fatal alert: HandshakeFailure")
        ));
    }

    #[test]
    fn other_failures_are_transient_and_name_the_root_cause() {
        let reset = Layer(
            "error reading a body from connection",
            Some(Box::new(std::io::Error::from(std::io::ErrorKind::ConnectionReset))),
        );
        assert_eq!(
            classify(&url("https://management.azure.com/x"), &reset),
            Failure::Transient("the HTTP request failed: connection reset".to_owned())
        );
    }

    #[test]
    fn azure_hosts() {
        for host in [
            "management.azure.com",
            "login.microsoftonline.com",
            "dev.azure.com",
            "contoso.visualstudio.com",
            "acct.blob.core.windows.net",
            "management.chinacloudapi.cn",
            "MANAGEMENT.USGOVCLOUDAPI.NET.",
        ] {
            assert!(is_azure_host(host), "{host}");
        }
        for host in [
            "127.0.0.1",
            "localhost",
            "notazure.com",
            "azure.com.evil.example",
            "tfs.contoso.com",
        ] {
            assert!(!is_azure_host(host), "{host}");
        }
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
