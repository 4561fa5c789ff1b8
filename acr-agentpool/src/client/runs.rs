//! [`RunsClient`]: the runs of one registry (`Microsoft.ContainerRegistry/registries/runs`).

use super::names::check_run_id;
use super::registry_scope::RegistryScope;
use super::run_filter::RunFilter;
use super::sas_links::RunLogLinks;
use super::{AcrClientOptions, BeginOptions};
use crate::error::Error;
use crate::model::{Run, RunGetLogResult, RunUpdateParameters};
use arm_core::azure_core::http::Method;
use arm_core::{ArmClient, ArmRequest, Pager, RequestOptions, SubscriptionClient, SubscriptionScope};

/// Options of [`RunsClient::new`].
pub type RunsClientOptions = AcrClientOptions;

/// Options of [`RunsClient::list`].
#[derive(Clone, Debug, Default)]
pub struct RunListOptions {
    /// Which runs (`$filter`); every run when `None`.
    pub filter: Option<RunFilter>,
    /// At most this many runs (`$top`); the service's page size decides when `None`.
    pub top: Option<u32>,
    /// Applied to each page's request.
    pub request: RequestOptions,
}

/// A client for the runs of one registry.
///
/// Run ids are checked (1 to 64 of `[a-zA-Z0-9-]`) before any request.
///
/// ```no_run
/// use acr_agentpool::RunsClient;
/// use acr_agentpool::client::{RunFilter, RunListOptions};
/// use acr_agentpool::model::RunStatus;
/// use futures::TryStreamExt;
///
/// # async fn run(arm: arm_core::ArmClient) -> Result<(), acr_agentpool::Error> {
/// let runs = RunsClient::new(arm, "00000000-0000-0000-0000-000000000000", "rg", "myregistry", None)?;
/// let options = RunListOptions {
///     filter: Some(RunFilter::new().agent_pool_name("mypool").status(&RunStatus::Queued)),
///     top: Some(10),
///     ..Default::default()
/// };
/// let queued: Vec<_> = runs.list(Some(options))?.try_collect().await?;
/// let log = runs.log_sas_url("ca1", None).await?;
/// println!("{} queued; log at {}", queued.len(), log.log_link);
/// runs.cancel("ca1", None).await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct RunsClient {
    registry: RegistryScope,
}

impl SubscriptionClient for RunsClient {
    fn scope(&self) -> &SubscriptionScope {
        self.registry.subscription_scope()
    }

    fn with_scope(self, scope: SubscriptionScope) -> Self {
        Self {
            registry: self.registry.with_scope(scope),
        }
    }
}

impl RunsClient {
    /// A client for the runs of registry `registry` of `resource_group` in `subscription_id`,
    /// sharing `arm`.
    pub fn new(
        arm: ArmClient,
        subscription_id: &str,
        resource_group: &str,
        registry: &str,
        options: Option<RunsClientOptions>,
    ) -> Result<Self, Error> {
        let options = options.unwrap_or_default();
        Ok(Self::from_registry(RegistryScope::new(
            arm,
            subscription_id,
            resource_group,
            registry,
            Some(&options.api_version),
        )?))
    }

    /// A client for the runs of `registry`, with its api-version.
    pub fn from_registry(registry: RegistryScope) -> Self {
        Self { registry }
    }

    /// The registry of these runs.
    pub fn registry(&self) -> &RegistryScope {
        &self.registry
    }

    fn request(&self, method: Method, run_id: &str, suffix: &str) -> Result<ArmRequest, Error> {
        check_run_id(run_id)?;
        self.registry.request(method, &format!("/runs/{run_id}{suffix}"))
    }

    /// Gets run `run_id`, with its status, agent pool and output images.
    pub async fn get(&self, run_id: &str, options: Option<RequestOptions>) -> Result<Run, Error> {
        let request = self.request(Method::Get, run_id, "")?;
        Ok(self.scope().send_json(request, options).await?)
    }

    /// Lists the registry's runs, filtered by `options.filter` (`$filter`) and limited by
    /// `options.top` (`$top`); pages follow `nextLink`.
    pub fn list(&self, options: Option<RunListOptions>) -> Result<Pager<Run>, Error> {
        let options = options.unwrap_or_default();
        let mut request = self.registry.request(Method::Get, "/runs")?;
        if let Some(filter) = options.filter.filter(|f| !f.is_empty()) {
            request = request.query("$filter", &filter.to_string());
        }
        if let Some(top) = options.top {
            request = request.query("$top", &top.to_string());
        }
        Ok(self.scope().pager(request, Some(options.request)))
    }

    /// Changes run `run_id` (`PATCH`: whether its log is archived) and returns it: `200` in
    /// 2025-03-01-preview, a long-running operation (`200`/`201`) in 2019-06-01-preview, both
    /// handled here. The body sets an absolute value, so the PATCH is marked idempotent.
    pub async fn update(
        &self,
        run_id: &str,
        parameters: &RunUpdateParameters,
        options: Option<BeginOptions>,
    ) -> Result<Run, Error> {
        let request = self
            .request(Method::Patch, run_id, "")?
            .json(parameters)?
            .idempotent(true);
        Ok(self.scope().begin(request, options).await?.await?)
    }

    /// Cancels run `run_id` (`POST .../cancel`): `200` in 2025-03-01-preview, a long-running
    /// operation (`200`/`202`, followed to its end) in 2019-06-01-preview. The run then goes to
    /// `Canceled`; read it with [`RunsClient::get`]. Asking twice asks for the same end, so the
    /// POST is marked idempotent and retried after a `5xx` or a dropped connection (a cancel
    /// that is lost would leave a run going). The documentation of agent pools says a run on a
    /// pool cannot be canceled in the preview (learn.microsoft.com "Run an ACR task on a dedicated
    /// agent pool", Preview limitations): Azure's refusal then comes back as its error.
    pub async fn cancel(&self, run_id: &str, options: Option<BeginOptions>) -> Result<(), Error> {
        let request = self.request(Method::Post, run_id, "/cancel")?.idempotent(true);
        Ok(self.scope().begin::<()>(request, options).await?.await?)
    }

    /// The links to run `run_id`'s log (`POST .../listLogSasUrl`): the log blob with a read SAS
    /// (never shown by `Debug` or an error), and the archived artifact when there is one. The
    /// POST only reads, so it is marked idempotent.
    pub async fn log_sas_url(&self, run_id: &str, options: Option<RequestOptions>) -> Result<RunLogLinks, Error> {
        let request = self.request(Method::Post, run_id, "/listLogSasUrl")?.idempotent(true);
        let answer: RunGetLogResult = self.scope().send_json(request, options).await?;
        RunLogLinks::from_answer(answer, run_id)
    }
}
