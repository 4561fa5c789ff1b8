//! The ARM client: requests relative to a cloud's ARM endpoint (absolute URLs only on its
//! origin), with bearer auth per try, on the [`ServicePipeline`] every client of the workspace
//! shares. The api-version of each request is the service client's.

use crate::clock::{Clock, TokioClock};
use crate::cloud::Cloud;
use crate::error::{Error, ServiceError, url_without_query};
use crate::lro::{LroPoller, PollOptions};
use crate::pager::Pager;
use crate::retry::RetryOptions;
use crate::service::ServicePipeline;
use azure_core::credentials::TokenCredential;
use azure_core::http::headers::Headers;
use azure_core::http::policies::Policy;
use azure_core::http::policies::auth::BearerTokenAuthorizationPolicy;
use azure_core::http::{ClientOptions, Method, RawResponse, StatusCode, Url};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::Duration;

/// Options of an [`ArmClient`].
#[derive(Clone, Debug, Default)]
pub struct ArmClientOptions {
    /// azure_core client options: extra policies, user agent application id, and the transport
    /// (default: an [`HttpTransport`] with the platform's roots). Their `retry` is ignored:
    /// use [`ArmClientOptions::retry`].
    pub client_options: ClientOptions,
    /// How requests are retried.
    pub retry: RetryOptions,
    /// The clock of retries and pollers (default: the real clock).
    pub clock: Option<Arc<dyn Clock>>,
}

/// A client for Azure Resource Manager, shared by every service client of this workspace.
///
/// It is cheap to clone. Requests are relative to the cloud's ARM endpoint; absolute URLs (a
/// `nextLink`, an operation URL) are only followed on that same origin, so a token never leaves
/// ARM.
///
/// ```no_run
/// use arm_core::{ArmClient, ArmEnvironment};
///
/// # async fn run() -> Result<(), arm_core::Error> {
/// let env = ArmEnvironment::from_env(&arm_core::ProcessEnv)?;
/// let arm: ArmClient = env.arm_client()?;
/// let response = arm.send(arm.request(azure_core::http::Method::Get, "/subscriptions", "2022-12-01")?).await?;
/// println!("{}", response.status());
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ArmClient {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    service: ServicePipeline,
    endpoint: Url,
    clock: Arc<dyn Clock>,
}

impl ArmClient {
    /// Creates a client for the ARM endpoint of `cloud`, authenticating with `credential`.
    pub fn new(
        cloud: &Cloud,
        credential: Arc<dyn TokenCredential>,
        options: Option<ArmClientOptions>,
    ) -> Result<Self, Error> {
        Self::for_crate(
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION"),
            cloud,
            credential,
            options,
        )
    }

    /// Like [`ArmClient::new`], for a service crate that names itself in the `User-Agent`.
    pub fn for_crate(
        crate_name: &'static str,
        crate_version: &'static str,
        cloud: &Cloud,
        credential: Arc<dyn TokenCredential>,
        options: Option<ArmClientOptions>,
    ) -> Result<Self, Error> {
        let options = options.unwrap_or_default();
        let clock = options.clock.clone().unwrap_or_else(|| Arc::new(TokioClock));
        let scope = cloud.arm_scope();
        let bearer: Arc<dyn Policy> = Arc::new(BearerTokenAuthorizationPolicy::new(credential, [scope.clone()]));
        let pipeline = crate::pipeline::pipeline(
            crate_name,
            crate_version,
            options.client_options,
            options.retry,
            clock.clone(),
            vec![bearer],
        )?;
        Ok(Self {
            inner: Arc::new(Inner {
                service: ServicePipeline::new(pipeline, scope),
                endpoint: cloud.arm_endpoint().clone(),
                clock,
            }),
        })
    }

    /// The ARM endpoint this client talks to.
    pub fn endpoint(&self) -> &Url {
        &self.inner.endpoint
    }

    /// The clock of this client's retries and pollers, for waiters built on it.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// Starts a request for `path` (e.g. `/subscriptions/{id}/resourcegroups/{name}`) with
    /// `api_version`: the service client's, which its options can override (national clouds lag
    /// behind the public cloud).
    pub fn request(&self, method: Method, path: &str, api_version: &str) -> Result<ArmRequest, Error> {
        if !path.starts_with('/') {
            return Err(Error::invalid_input("path", format!("'{path}' must start with '/'")));
        }
        let mut url = self.inner.endpoint.clone();
        url.set_path(path);
        url.query_pairs_mut().append_pair("api-version", api_version);
        Ok(ArmRequest::new(method, url))
    }

    /// Starts a request for an absolute URL that ARM gave (a `nextLink`, an operation URL). The
    /// URL must be on this client's ARM origin, so that the bearer token is never sent elsewhere.
    pub fn request_url(&self, method: Method, url: &str) -> Result<ArmRequest, Error> {
        let url = self.same_origin(url)?;
        Ok(ArmRequest::new(method, url))
    }

    fn same_origin(&self, url: &str) -> Result<Url, Error> {
        let parsed = Url::parse(url).map_err(|e| Error::invalid_input("url", format!("'{url}' is not a URL: {e}")))?;
        let endpoint = &self.inner.endpoint;
        let same = parsed.scheme() == endpoint.scheme()
            && parsed.host_str().map(str::to_ascii_lowercase) == endpoint.host_str().map(str::to_ascii_lowercase)
            && parsed.port_or_known_default() == endpoint.port_or_known_default();
        if same {
            Ok(parsed)
        } else {
            Err(Error::invalid_input(
                "url",
                format!(
                    "'{}' is not on the ARM endpoint {endpoint}; refusing to send a token there",
                    url_without_query(&parsed)
                ),
            ))
        }
    }

    /// Sends a request; a status outside 2xx becomes [`Error::Service`].
    pub async fn send(&self, request: ArmRequest) -> Result<ArmResponse, Error> {
        let response = self.send_raw(request).await?;
        if response.status().is_success() {
            Ok(response)
        } else {
            Err(response.into_error())
        }
    }

    /// Sends a request and returns the response whatever its status.
    pub async fn send_raw(&self, request: ArmRequest) -> Result<ArmResponse, Error> {
        self.inner.service.send(request).await
    }

    /// Sends a request and decodes the JSON body of its success response.
    pub async fn send_json<T: DeserializeOwned>(&self, request: ArmRequest) -> Result<T, Error> {
        self.send(request).await?.json()
    }

    /// Sends the first request of a long-running operation and returns its poller.
    pub async fn begin<T: DeserializeOwned + Send + 'static>(
        &self,
        request: ArmRequest,
        options: Option<PollOptions>,
    ) -> Result<LroPoller<T>, Error> {
        LroPoller::start(self.clone(), request, options.unwrap_or_default()).await
    }

    /// Starts a DELETE as a long-running operation in which "not found" (404) means the resource
    /// is already gone and counts as success, as ARM's 204 does. A 200 is success too, whatever
    /// `provisioningState` its body still carries (a resource that failed to provision says
    /// `Failed` as it is deleted); a 202 is followed to its end.
    pub async fn begin_delete(
        &self,
        request: ArmRequest,
        options: Option<PollOptions>,
    ) -> Result<LroPoller<()>, Error> {
        let method = request.method();
        let url = request.url().clone();
        match self.begin(request, options.clone()).await {
            Err(error) if error.is_not_found() => Ok(LroPoller::succeeded(
                self.clone(),
                method,
                url,
                options.unwrap_or_default(),
            )),
            other => other,
        }
    }

    /// Lists the items of an ARM collection (`value` + `nextLink`), fetching pages lazily.
    pub fn pager<T: DeserializeOwned + Send + 'static>(&self, first: ArmRequest) -> Pager<T> {
        Pager::new(self.clone(), first)
    }
}

/// The options of a client method that sends one request (or one per page of a list), as
/// azure-sdk-for-rust gives every method an `Option<...Options>`.
///
/// ```
/// use arm_core::RequestOptions;
/// use std::time::Duration;
///
/// let options = RequestOptions { deadline: Some(Duration::from_secs(30)) };
/// # let _ = options;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequestOptions {
    /// Bounds the retries of the request: see [`ArmRequest::deadline`].
    pub deadline: Option<Duration>,
}

impl RequestOptions {
    /// `request` with these options applied.
    pub fn apply(&self, request: ArmRequest) -> ArmRequest {
        match self.deadline {
            Some(within) => request.deadline(within),
            None => request,
        }
    }
}

/// A request to ARM, built by [`ArmClient::request`], or to another service of the workspace
/// (Azure DevOps), built by [`ArmRequest::new`] and sent through a [`ServicePipeline`].
///
/// Its `Debug` shows the method, the URL and the length of the body, never the body itself: a
/// container group's body holds secure environment variables and registry passwords.
#[derive(Clone)]
pub struct ArmRequest {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) body: Option<azure_core::Bytes>,
    pub(crate) idempotent: Option<bool>,
    pub(crate) deadline: Option<Duration>,
}

impl std::fmt::Debug for ArmRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ArmRequest")
            .field("method", &self.method)
            .field("url", &self.url.as_str())
            .field("body_len", &self.body.as_ref().map(|b| b.len()))
            .field("idempotent", &self.idempotent)
            .field("deadline", &self.deadline)
            .finish()
    }
}

impl ArmRequest {
    /// A request for `url`, as it is: no api-version is added and any origin is allowed, so
    /// that a service client other than ARM's builds its own. ARM clients use
    /// [`ArmClient::request`] and [`ArmClient::request_url`], which add the api-version and keep
    /// the token on ARM's origin.
    pub fn new(method: Method, url: Url) -> Self {
        Self {
            method,
            url,
            body: None,
            idempotent: None,
            deadline: None,
        }
    }

    /// Adds a query parameter.
    pub fn query(mut self, name: &str, value: &str) -> Self {
        self.url.query_pairs_mut().append_pair(name, value);
        self
    }

    /// Sets a JSON body.
    pub fn json<B: Serialize + ?Sized>(mut self, body: &B) -> Result<Self, Error> {
        let bytes = serde_json::to_vec(body)
            .map_err(|e| Error::invalid_input("body", format!("cannot be serialized as JSON: {e}")))?;
        self.body = Some(bytes.into());
        Ok(self)
    }

    /// Declares whether the request may be retried after a 5xx or an I/O error (by default only
    /// GET, HEAD, PUT and DELETE are).
    pub fn idempotent(mut self, idempotent: bool) -> Self {
        self.idempotent = Some(idempotent);
        self
    }

    /// Bounds the retries of this request: no wait for a retry starts that would end more than
    /// `within` after the first try (the client's [`RetryOptions::deadline`] still applies when it
    /// is shorter). A throttled request whose `Retry-After` does not fit ends at once with the 429.
    /// Called again, the shorter bound applies.
    pub fn deadline(mut self, within: Duration) -> Self {
        self.deadline = Some(self.deadline.map_or(within, |d| d.min(within)));
        self
    }

    /// The bound set by [`ArmRequest::deadline`], if any.
    pub(crate) fn deadline_bound(&self) -> Option<Duration> {
        self.deadline
    }

    /// The HTTP method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// The full URL, with its api-version.
    pub fn url(&self) -> &Url {
        &self.url
    }
}

/// A response from ARM (or another service sent through a [`ServicePipeline`]).
#[derive(Debug)]
pub struct ArmResponse {
    pub(crate) method: Method,
    pub(crate) url: Url,
    pub(crate) raw: RawResponse,
}

impl ArmResponse {
    /// The HTTP method of the request.
    pub fn method(&self) -> Method {
        self.method
    }

    /// HTTP status.
    pub fn status(&self) -> StatusCode {
        self.raw.status()
    }

    /// Response headers.
    pub fn headers(&self) -> &Headers {
        self.raw.headers()
    }

    /// The body bytes.
    pub fn body(&self) -> &[u8] {
        self.raw.body().as_ref()
    }

    /// The URL that was requested.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// A header's value.
    pub fn header(&self, name: &'static str) -> Option<&str> {
        crate::headers::header(
            self.raw.headers(),
            &azure_core::http::headers::HeaderName::from_static(name),
        )
    }

    /// Decodes the JSON body; an empty body decodes as JSON `null` (so `()` and `Option<T>` work).
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        let body = self.body();
        let body: &[u8] = if body.iter().all(u8::is_ascii_whitespace) {
            b"null"
        } else {
            body
        };
        serde_json::from_slice(body).map_err(|source| Error::Decode {
            method: self.method.to_string(),
            url: url_without_query(&self.url),
            expected: std::any::type_name::<T>(),
            source,
        })
    }

    /// Turns an error response into [`Error::Service`].
    pub fn into_error(self) -> Error {
        Error::Service(Box::new(ServiceError::from_response(
            self.method.as_ref(),
            &self.url,
            self.raw.status(),
            self.raw.headers(),
            self.body(),
        )))
    }
}
