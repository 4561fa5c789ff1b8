//! [`AgentPoolsClient`]: the agent pools of one registry
//! (`Microsoft.ContainerRegistry/registries/agentPools`), after the 2025-03-01-preview spec
//! (`specification/containerregistry/resource-manager/Microsoft.ContainerRegistry/preview/
//! 2025-03-01-preview/containerregistry_build.json`); 2019-06-01-preview has the same shapes.

use super::names::check_agent_pool_name;
use super::registry_scope::RegistryScope;
use super::{AcrClientOptions, BeginOptions};
use crate::error::Error;
use crate::model::{AgentPool, AgentPoolQueueStatus, AgentPoolUpdateParameters};
use arm_core::azure_core::http::Method;
use arm_core::{ArmClient, ArmRequest, LroPoller, Pager, RequestOptions, SubscriptionClient, SubscriptionScope};

/// Options of [`AgentPoolsClient::new`].
pub type AgentPoolsClientOptions = AcrClientOptions;

/// A client for the agent pools of one registry.
///
/// Pool names are checked (3 to 20 of `[a-zA-Z0-9-]`) before any request. The pool rules Azure
/// applies late (Premium, region, quota, tier) are in [`crate::checks`]; this client sends what
/// it is given.
///
/// ```no_run
/// use acr_agentpool::AgentPoolsClient;
/// use acr_agentpool::model::{AgentPool, AgentPoolProperties, AgentPoolUpdateParameters};
///
/// # async fn run(arm: arm_core::ArmClient) -> Result<(), acr_agentpool::Error> {
/// let pools = AgentPoolsClient::new(arm, "00000000-0000-0000-0000-000000000000", "rg", "myregistry", None)?;
/// let pool = AgentPool {
///     location: "eastus".to_owned(),
///     properties: Some(AgentPoolProperties { tier: Some("S2".to_owned()), count: Some(1), ..Default::default() }),
///     ..Default::default()
/// };
/// pools.begin_create("mypool", &pool, None).await?.await?;
/// let queued = pools.queue_status("mypool", None).await?.count.unwrap_or(0);
/// pools.begin_update("mypool", &AgentPoolUpdateParameters::default(), None).await?.await?;
/// pools.begin_delete("mypool", None).await?.await?;
/// # let _ = queued; Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct AgentPoolsClient {
    registry: RegistryScope,
}

impl SubscriptionClient for AgentPoolsClient {
    fn scope(&self) -> &SubscriptionScope {
        self.registry.subscription_scope()
    }

    fn with_scope(self, scope: SubscriptionScope) -> Self {
        Self {
            registry: self.registry.with_scope(scope),
        }
    }
}

impl AgentPoolsClient {
    /// A client for the pools of registry `registry` of `resource_group` in `subscription_id`,
    /// sharing `arm`.
    pub fn new(
        arm: ArmClient,
        subscription_id: &str,
        resource_group: &str,
        registry: &str,
        options: Option<AgentPoolsClientOptions>,
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

    /// A client for the pools of `registry`, with its api-version.
    pub fn from_registry(registry: RegistryScope) -> Self {
        Self { registry }
    }

    /// The registry of these pools.
    pub fn registry(&self) -> &RegistryScope {
        &self.registry
    }

    /// A request to pool `name`, or to `suffix` below it.
    fn request(&self, method: Method, name: &str, suffix: &str) -> Result<ArmRequest, Error> {
        check_agent_pool_name(name)?;
        self.registry.request(method, &format!("/agentPools/{name}{suffix}"))
    }

    /// Creates pool `name` (`PUT`, long-running: `201` with `Azure-AsyncOperation`, followed to
    /// the end, then the pool read back). A PUT on an existing pool replaces it.
    pub async fn begin_create(
        &self,
        name: &str,
        pool: &AgentPool,
        options: Option<BeginOptions>,
    ) -> Result<LroPoller<AgentPool>, Error> {
        let request = self.request(Method::Put, name, "")?.json(pool)?;
        Ok(self.scope().begin(request, options).await?)
    }

    /// Gets pool `name`, with its provisioning state, tier and count.
    pub async fn get(&self, name: &str, options: Option<RequestOptions>) -> Result<AgentPool, Error> {
        let request = self.request(Method::Get, name, "")?;
        Ok(self.scope().send_json(request, options).await?)
    }

    /// Lists the pools of the registry (`value` + `nextLink`); `options` apply to each page's
    /// request.
    pub fn list(&self, options: Option<RequestOptions>) -> Result<Pager<AgentPool>, Error> {
        let request = self.registry.request(Method::Get, "/agentPools")?;
        Ok(self.scope().pager(request, options))
    }

    /// Changes pool `name`'s instance count and tags (`PATCH`, long-running: `200` or `201`,
    /// followed through `Azure-AsyncOperation`, `Location` or the pool's `provisioningState`).
    /// The body sets absolute values, so the PATCH is marked idempotent: a `5xx` or a dropped
    /// connection is retried, and sending the same count twice changes nothing more.
    pub async fn begin_update(
        &self,
        name: &str,
        parameters: &AgentPoolUpdateParameters,
        options: Option<BeginOptions>,
    ) -> Result<LroPoller<AgentPool>, Error> {
        let request = self
            .request(Method::Patch, name, "")?
            .json(parameters)?
            .idempotent(true);
        Ok(self.scope().begin(request, options).await?)
    }

    /// Deletes pool `name` (`DELETE`, long-running: `202` with `Location` under
    /// `agentPoolsOperationResults`, followed until it answers `200`/`204`). A pool already gone
    /// (`204`, or `404`) counts as deleted, as arm-core's `begin_delete` says.
    pub async fn begin_delete(&self, name: &str, options: Option<BeginOptions>) -> Result<LroPoller<()>, Error> {
        let request = self.request(Method::Delete, name, "")?;
        Ok(self.scope().begin_delete(request, options).await?)
    }

    /// The number of runs queued on pool `name` (`POST .../listQueueStatus`). The POST only
    /// reads, so it is marked idempotent and retried after a `5xx` or a dropped connection.
    pub async fn queue_status(
        &self,
        name: &str,
        options: Option<RequestOptions>,
    ) -> Result<AgentPoolQueueStatus, Error> {
        let request = self.request(Method::Post, name, "/listQueueStatus")?.idempotent(true);
        Ok(self.scope().send_json(request, options).await?)
    }
}
