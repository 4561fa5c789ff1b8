//! Long-running operations of ARM: follow `Azure-AsyncOperation`, else `Location`, else the
//! resource's `provisioningState`, honouring `Retry-After` and a caller deadline.

use crate::client::{ArmClient, ArmRequest, ArmResponse};
use crate::error::{ArmErrorBody, Error, OperationFailure, url_without_query};
use crate::retry::retry_after;
use azure_core::http::{Method, StatusCode, Url};
use futures::future::BoxFuture;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::future::IntoFuture;
use std::marker::PhantomData;
use std::time::{Duration, Instant};

/// How long a request made at the caller's deadline may still take.
pub const LAST_REQUEST_GRACE: Duration = Duration::from_secs(10);

/// How a poller waits between polls and how long it may wait in all.
#[derive(Clone, Debug)]
pub struct PollOptions {
    /// The delay when the service gives no `Retry-After`.
    pub default_delay: Duration,
    /// The shortest delay between polls, even if `Retry-After` asks for less.
    pub min_delay: Duration,
    /// The longest delay between polls, even if `Retry-After` asks for more.
    pub max_delay: Duration,
    /// The longest the whole operation may take from the first request; `None` waits forever.
    /// The last poll is made at the deadline; a request in flight then may take up to
    /// [`LAST_REQUEST_GRACE`] more.
    pub deadline: Option<Duration>,
}

impl Default for PollOptions {
    fn default() -> Self {
        Self {
            default_delay: Duration::from_secs(5),
            min_delay: Duration::from_secs(1),
            max_delay: Duration::from_secs(60),
            deadline: None,
        }
    }
}

/// The state of a long-running operation.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum LroStatus {
    /// Still running, with the status the service reported (`InProgress`, `Deleting`, ...).
    InProgress(String),
    /// Finished successfully.
    Succeeded,
    /// Finished with an error.
    Failed,
    /// Canceled.
    Canceled,
}

impl LroStatus {
    /// True for `Succeeded`, `Failed` and `Canceled`.
    pub fn is_terminal(&self) -> bool {
        !matches!(self, LroStatus::InProgress(_))
    }

    fn parse(status: &str) -> Self {
        if status.eq_ignore_ascii_case("Succeeded") {
            LroStatus::Succeeded
        } else if status.eq_ignore_ascii_case("Failed") {
            LroStatus::Failed
        } else if status.eq_ignore_ascii_case("Canceled") || status.eq_ignore_ascii_case("Cancelled") {
            LroStatus::Canceled
        } else {
            LroStatus::InProgress(status.to_owned())
        }
    }
}

#[derive(Clone, Debug)]
enum Monitor {
    AsyncOperation(Url),
    Location(Url),
    Resource(Url),
}

/// A long-running ARM operation in progress.
///
/// Await it (it implements `IntoFuture`) for the final result, or call [`LroPoller::poll`] to
/// step through it and show progress; awaiting after stepping to the end returns the stored
/// outcome. `T` is the final resource for PUT and PATCH, the final body for POST, and usually
/// `()` for DELETE.
///
/// ```no_run
/// # async fn run(groups: arm_core::resource_groups::ResourceGroupsClient) -> Result<(), arm_core::Error> {
/// let mut poller = groups.begin_delete("rg-old", None).await?;
/// while !poller.poll().await?.is_terminal() {
///     println!("still deleting");
/// }
/// poller.await?;
/// # Ok(()) }
/// ```
#[must_use = "a poller does nothing unless polled or awaited"]
pub struct LroPoller<T> {
    client: ArmClient,
    method: Method,
    resource_url: Url,
    monitor: Option<Monitor>,
    location: Option<Url>,
    next_delay: Duration,
    started: Instant,
    options: PollOptions,
    status: LroStatus,
    final_response: Option<ArmResponse>,
    failure: Option<Error>,
    _output: PhantomData<fn() -> T>,
}

impl<T> std::fmt::Debug for LroPoller<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LroPoller")
            .field("method", &self.method)
            .field("resource_url", &url_without_query(&self.resource_url))
            .field("monitor", &self.monitor)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct OperationBody {
    status: Option<String>,
    error: Option<ArmErrorBody>,
}

#[derive(Deserialize)]
struct ResourceBody {
    properties: Option<ResourceProperties>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ResourceProperties {
    provisioning_state: Option<String>,
}

fn provisioning_state(response: &ArmResponse) -> Option<String> {
    serde_json::from_slice::<ResourceBody>(response.body())
        .ok()?
        .properties?
        .provisioning_state
}

impl<T: DeserializeOwned + Send + 'static> LroPoller<T> {
    pub(crate) async fn start(client: ArmClient, request: ArmRequest, options: PollOptions) -> Result<Self, Error> {
        let started = client.clock().now();
        let method = request.method();
        let resource_url = request.url().clone();
        let request = match options.deadline {
            Some(deadline) => request.deadline(deadline),
            None => request,
        };
        let response = client.send(request).await?;
        let header_url = |name: &'static str| -> Result<Option<Url>, Error> {
            response
                .header(name)
                .map(|u| client.request_url(Method::Get, u).map(|r| r.url().clone()))
                .transpose()
        };
        let async_operation = header_url("azure-asyncoperation")?;
        // With Azure-AsyncOperation present, Location only names the final result of a POST: an
        // unusable one is ignored rather than failing an operation that can still be followed.
        let location = match header_url("location") {
            Ok(location) => location,
            Err(_) if async_operation.is_some() => None,
            Err(error) => return Err(error),
        };
        let mut poller = Self {
            next_delay: options.default_delay,
            client: client.clone(),
            method,
            resource_url,
            monitor: None,
            location: location.clone(),
            started,
            options,
            status: LroStatus::InProgress("Accepted".to_owned()),
            final_response: None,
            failure: None,
            _output: PhantomData,
        };
        poller.set_delay(&response);
        let status = response.status();
        let state = provisioning_state(&response);
        poller.monitor = match (async_operation, location) {
            (Some(url), _) => Some(Monitor::AsyncOperation(url)),
            (None, Some(url)) if status == StatusCode::Accepted || status == StatusCode::Created => {
                Some(Monitor::Location(url))
            }
            _ if status == StatusCode::Accepted && method != Method::Post => {
                Some(Monitor::Resource(poller.resource_url.clone()))
            }
            // A DELETE answered 200 or 204 is done, whatever `provisioningState` its body still
            // carries (a group that failed to provision says `Failed` as it is deleted).
            _ if method == Method::Delete => {
                poller.status = LroStatus::Succeeded;
                poller.final_response = Some(response);
                None
            }
            _ => match state.as_deref().map(LroStatus::parse) {
                Some(LroStatus::InProgress(s)) if matches!(method, Method::Put | Method::Patch) => {
                    poller.status = LroStatus::InProgress(s);
                    Some(Monitor::Resource(poller.resource_url.clone()))
                }
                Some(LroStatus::Failed) => {
                    poller.fail("Failed", None);
                    None
                }
                Some(LroStatus::Canceled) => {
                    poller.fail("Canceled", None);
                    None
                }
                _ => {
                    poller.status = LroStatus::Succeeded;
                    poller.final_response = Some(response);
                    None
                }
            },
        };
        Ok(poller)
    }

    /// A poller for an operation that needs no polling: it has already succeeded.
    pub(crate) fn succeeded(client: ArmClient, method: Method, resource_url: Url, options: PollOptions) -> Self {
        Self {
            next_delay: options.default_delay,
            started: client.clock().now(),
            client,
            method,
            resource_url,
            monitor: None,
            location: None,
            options,
            status: LroStatus::Succeeded,
            final_response: None,
            failure: None,
            _output: PhantomData,
        }
    }

    fn set_delay(&mut self, response: &ArmResponse) {
        let wanted = retry_after(response.headers()).unwrap_or(self.options.default_delay);
        self.next_delay = wanted.clamp(
            self.options.min_delay,
            self.options.max_delay.max(self.options.min_delay),
        );
    }

    fn fail(&mut self, status: &str, error: Option<ArmErrorBody>) {
        let url = match &self.monitor {
            Some(Monitor::AsyncOperation(u) | Monitor::Location(u) | Monitor::Resource(u)) => u,
            None => &self.resource_url,
        };
        self.status = LroStatus::parse(status);
        self.failure = Some(Error::OperationFailed(Box::new(OperationFailure {
            status: status.to_owned(),
            url: url_without_query(url),
            error,
        })));
    }

    /// The status seen last.
    pub fn status(&self) -> &LroStatus {
        &self.status
    }

    /// The URL being polled, if the operation did not finish with its first response.
    pub fn operation_url(&self) -> Option<&Url> {
        match &self.monitor {
            Some(Monitor::AsyncOperation(u) | Monitor::Location(u) | Monitor::Resource(u)) => Some(u),
            None => None,
        }
    }

    /// The time left before the caller's deadline, if one was set.
    fn remaining(&self) -> Option<Duration> {
        let deadline = self.options.deadline?;
        let elapsed = self.client.clock().now().saturating_duration_since(self.started);
        Some(deadline.saturating_sub(elapsed))
    }

    fn deadline_exceeded(&self) -> Error {
        Error::DeadlineExceeded {
            what: format!("{} {}", self.method, url_without_query(&self.resource_url)),
            after: self.options.deadline.unwrap_or_default(),
        }
    }

    /// `request` with its retries bounded as [`LroPoller::within`] bounds the whole request, so
    /// that a `Retry-After` that does not fit ends the request at once with the throttling error.
    fn bounded(&self, request: ArmRequest) -> ArmRequest {
        match self.remaining() {
            None => request,
            Some(left) => request.deadline(left.max(LAST_REQUEST_GRACE)),
        }
    }

    /// A GET of `url`, bounded as [`LroPoller::bounded`] says.
    fn get(&self, url: &Url) -> Result<ArmRequest, Error> {
        Ok(self.bounded(self.client.request_url(Method::Get, url.as_str())?))
    }

    /// Runs a request, bounded by the time left before the caller's deadline (at least
    /// [`LAST_REQUEST_GRACE`], so that the poll made at the deadline can complete).
    async fn within<R>(&self, request: impl Future<Output = Result<R, Error>>) -> Result<R, Error> {
        match self.remaining() {
            None => request.await,
            Some(left) => tokio::time::timeout(left.max(LAST_REQUEST_GRACE), request)
                .await
                .map_err(|_| self.deadline_exceeded())?,
        }
    }

    /// Waits for the delay the service asked for (or until the caller's deadline, if sooner),
    /// polls once, and returns the new status. Once the status is terminal, further calls return
    /// it without a request; once the deadline has passed, they return
    /// [`Error::DeadlineExceeded`].
    pub async fn poll(&mut self) -> Result<LroStatus, Error> {
        if self.status.is_terminal() {
            return Ok(self.status.clone());
        }
        let Some(monitor) = self.monitor.clone() else {
            return Ok(self.status.clone());
        };
        let wait = match self.remaining() {
            Some(left) if left.is_zero() => return Err(self.deadline_exceeded()),
            Some(left) => self.next_delay.min(left),
            None => self.next_delay,
        };
        self.client.clock().sleep(wait).await;
        let url = match &monitor {
            Monitor::AsyncOperation(u) | Monitor::Location(u) | Monitor::Resource(u) => u.as_str(),
        };
        let request = self.bounded(self.client.request_url(Method::Get, url)?);
        let response = self.within(self.client.send_raw(request)).await?;
        self.set_delay(&response);
        match monitor {
            Monitor::AsyncOperation(url) => self.observe_operation(&url, response)?,
            Monitor::Location(_) => self.observe_location(response)?,
            Monitor::Resource(_) => self.observe_resource(response)?,
        }
        Ok(self.status.clone())
    }

    fn observe_operation(&mut self, url: &Url, response: ArmResponse) -> Result<(), Error> {
        if !response.status().is_success() {
            return Err(response.into_error());
        }
        let body: OperationBody = response.json()?;
        match body.status.as_deref().map(LroStatus::parse) {
            Some(LroStatus::Succeeded) => self.status = LroStatus::Succeeded,
            Some(LroStatus::Failed) => self.fail("Failed", body.error),
            Some(LroStatus::Canceled) => self.fail("Canceled", body.error),
            Some(in_progress) => self.status = in_progress,
            None if response.status() == StatusCode::Accepted => {}
            None => {
                return Err(Error::invalid_input(
                    "Azure-AsyncOperation",
                    format!("the operation at {} answered without a status", url_without_query(url)),
                ));
            }
        }
        Ok(())
    }

    fn observe_location(&mut self, response: ArmResponse) -> Result<(), Error> {
        match response.status() {
            StatusCode::Accepted => self.status = LroStatus::InProgress("Accepted".to_owned()),
            status if status.is_success() => {
                self.status = LroStatus::Succeeded;
                self.final_response = Some(response);
            }
            // Still failing after the pipeline's retries: not a verdict on the operation.
            status if status.is_server_error() || status == StatusCode::TooManyRequests => {
                return Err(response.into_error());
            }
            _ => self.fail("Failed", ArmErrorBody::from_json(response.body())),
        }
        Ok(())
    }

    fn observe_resource(&mut self, response: ArmResponse) -> Result<(), Error> {
        if self.method == Method::Delete && response.status() == StatusCode::NotFound {
            self.status = LroStatus::Succeeded;
            return Ok(());
        }
        if !response.status().is_success() {
            return Err(response.into_error());
        }
        match provisioning_state(&response).as_deref().map(LroStatus::parse) {
            Some(LroStatus::Failed) => self.fail("Failed", None),
            Some(LroStatus::Canceled) => self.fail("Canceled", None),
            Some(LroStatus::InProgress(s)) => self.status = LroStatus::InProgress(s),
            Some(LroStatus::Succeeded) | None if self.method != Method::Delete => {
                self.status = LroStatus::Succeeded;
                self.final_response = Some(response);
            }
            _ => self.status = LroStatus::InProgress("Deleting".to_owned()),
        }
        Ok(())
    }

    /// Polls until the operation ends and returns its result.
    pub async fn wait(mut self) -> Result<T, Error> {
        while !self.poll().await?.is_terminal() {}
        if let Some(failure) = self.failure.take() {
            return Err(failure);
        }
        match self.method {
            Method::Put | Method::Patch => match self.final_response.take() {
                Some(response) if matches!(self.monitor, None | Some(Monitor::Resource(_))) => response.json(),
                _ => self.within(self.client.send_json(self.get(&self.resource_url)?)).await,
            },
            Method::Post => match (self.final_response.take(), self.location.take()) {
                (Some(response), _) if !response.body().is_empty() => response.json(),
                (_, Some(location)) if matches!(self.monitor, Some(Monitor::AsyncOperation(_))) => {
                    self.within(self.client.send_json(self.get(&location)?)).await
                }
                (response, _) => response.map_or_else(|| null_json(&self.resource_url), |r| r.json()),
            },
            _ => null_json(&self.resource_url),
        }
    }
}

fn null_json<T: DeserializeOwned>(url: &Url) -> Result<T, Error> {
    serde_json::from_slice(b"null").map_err(|source| Error::Decode {
        method: "final state of".to_owned(),
        url: url_without_query(url),
        expected: std::any::type_name::<T>(),
        source,
    })
}

impl<T: DeserializeOwned + Send + 'static> IntoFuture for LroPoller<T> {
    type Output = Result<T, Error>;
    type IntoFuture = BoxFuture<'static, Result<T, Error>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.wait())
    }
}
