//! [`RegistriesClient`]: what agent pools need of `Microsoft.ContainerRegistry/registries`:
//! the registry (SKU and region), found by name as the Azure CLI finds it, the build source
//! upload URL, and scheduling a run.

use super::BeginOptions;
use super::agent_pools::AgentPoolsClient;
use super::names::{check_agent_pool_name, check_registry_name};
use super::registry_scope::{REGISTRIES, RegistryScope};
use super::runs::RunsClient;
use super::sas_links::BuildSourceUpload;
use super::tasks::TasksClient;
use crate::error::Error;
use crate::model::{Registry, Run, RunRequest, SourceUploadDefinition};
use arm_core::azure_core::http::Method;
use arm_core::{ArmClient, RequestOptions, ResourceId, SubscriptionClient, SubscriptionScope};
use futures::TryStreamExt;
use serde::Deserialize;

/// The api-version of a registry's `GET`: `2023-07-01`, a stable version that every cloud
/// serves (the agent pool versions are previews, and a national cloud may lag), from
/// Azure/azure-rest-api-specs `specification/containerregistry/.../stable/2023-07-01`.
pub const REGISTRY_API_VERSION: &str = "2023-07-01";

/// Options of [`RegistriesClient::new`].
#[derive(Clone, Debug)]
pub struct RegistriesClientOptions {
    /// The api-version of `listBuildSourceUploadUrl` and `scheduleRun`, and of the pool, run and
    /// task clients made from this one (default [`crate::DEFAULT_API_VERSION`];
    /// [`crate::LEGACY_API_VERSION`] makes `scheduleRun` a long-running operation).
    pub api_version: String,
    /// The api-version of a registry's `GET` (default [`REGISTRY_API_VERSION`]).
    pub registry_api_version: String,
    /// The api-version of the subscription's generic resource list that [`RegistriesClient::find`]
    /// reads (default arm-core's `resource_groups::DEFAULT_API_VERSION`, 2021-04-01).
    pub resources_api_version: String,
}

impl Default for RegistriesClientOptions {
    fn default() -> Self {
        Self {
            api_version: crate::DEFAULT_API_VERSION.to_owned(),
            registry_api_version: REGISTRY_API_VERSION.to_owned(),
            resources_api_version: arm_core::resource_groups::DEFAULT_API_VERSION.to_owned(),
        }
    }
}

/// A client for the container registries of one subscription, as far as agent pools need them.
///
/// ```no_run
/// use acr_agentpool::RegistriesClient;
///
/// # async fn run(arm: arm_core::ArmClient) -> Result<(), acr_agentpool::Error> {
/// let registries = RegistriesClient::new(arm, "00000000-0000-0000-0000-000000000000", None)?;
/// let id = registries.find("myregistry", None).await?;
/// let group = id.resource_group().unwrap_or_default();
/// let registry = registries.get(group, "myregistry", None).await?;
/// println!("{} in {}", registry.sku.name, registry.location);
/// let pools = registries.agent_pools(group, "myregistry")?;
/// # let _ = pools; Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct RegistriesClient {
    scope: SubscriptionScope,
    registry_api_version: String,
    resources_api_version: String,
}

impl SubscriptionClient for RegistriesClient {
    fn scope(&self) -> &SubscriptionScope {
        &self.scope
    }

    fn with_scope(self, scope: SubscriptionScope) -> Self {
        Self { scope, ..self }
    }
}

/// A resource as the generic resource list gives it (only what [`RegistriesClient::find`]
/// reads).
#[derive(Deserialize)]
struct ListedResource {
    id: String,
    name: String,
}

impl RegistriesClient {
    /// A client for the registries of `subscription_id`, sharing `arm`.
    pub fn new(arm: ArmClient, subscription_id: &str, options: Option<RegistriesClientOptions>) -> Result<Self, Error> {
        let options = options.unwrap_or_default();
        Ok(Self {
            scope: SubscriptionScope::new(arm, subscription_id, &options.api_version)?,
            registry_api_version: options.registry_api_version,
            resources_api_version: options.resources_api_version,
        })
    }

    /// The subscription of this client.
    pub fn subscription_id(&self) -> &str {
        self.scope.subscription_id()
    }

    /// Registry `name` of `resource_group`, with this client's ARM client and api-version.
    pub fn registry(&self, resource_group: &str, name: &str) -> Result<RegistryScope, Error> {
        RegistryScope::in_scope(self.scope.clone(), resource_group, name)
    }

    /// The agent pools of registry `name`, with this client's ARM client and api-version.
    pub fn agent_pools(&self, resource_group: &str, name: &str) -> Result<AgentPoolsClient, Error> {
        Ok(AgentPoolsClient::from_registry(self.registry(resource_group, name)?))
    }

    /// The runs of registry `name`, with this client's ARM client and api-version.
    pub fn runs(&self, resource_group: &str, name: &str) -> Result<RunsClient, Error> {
        Ok(RunsClient::from_registry(self.registry(resource_group, name)?))
    }

    /// The tasks of registry `name`, with this client's ARM client and api-version.
    pub fn tasks(&self, resource_group: &str, name: &str) -> Result<TasksClient, Error> {
        Ok(TasksClient::from_registry(self.registry(resource_group, name)?))
    }

    /// Gets registry `name` of `resource_group` (its SKU, region and login server), with the
    /// registry api-version ([`REGISTRY_API_VERSION`] unless overridden). A registry that does
    /// not exist is ARM's `404` (`ResourceNotFound`), whose message names it; see
    /// [`arm_core::Error::is_not_found`].
    pub async fn get(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<RequestOptions>,
    ) -> Result<Registry, Error> {
        check_registry_name(name)?;
        let id = self.scope.resource_id(resource_group, REGISTRIES, name)?;
        let request = self
            .scope
            .arm()
            .request(Method::Get, &id.to_string(), &self.registry_api_version)?;
        Ok(self.scope.send_json(request, options).await?)
    }

    /// The id of the registry named `name` in this subscription, wherever its resource group
    /// (`id.resource_group()`), found as the Azure CLI finds a registry given without
    /// `--resource-group`: through the subscription's generic resource list filtered on the
    /// registry type, keeping the one whose name matches case-insensitively
    /// (Azure/azure-cli `src/azure-cli/azure/cli/command_modules/acr/_utils.py`,
    /// `get_registry_by_name` and `_arm_get_resource_by_name`). The filter also names the
    /// registry (`name eq '<name>' and resourceType eq '...'`, as `az resource list --name
    /// --resource-type` sends it and as arm-core's `BlobEndpoint::find` does), so that ARM
    /// sends one page rather than every registry; the name is matched again here, so a service
    /// that ignores the name clause gives the same answer. No registry, or several, is
    /// [`Error::Refused`] (`registry`) saying which.
    pub async fn find(&self, name: &str, options: Option<RequestOptions>) -> Result<ResourceId, Error> {
        check_registry_name(name)?;
        let subscription = self.scope.subscription_id();
        let filter = format!("name eq '{name}' and resourceType eq '{REGISTRIES}'");
        let request = self
            .scope
            .arm()
            .request(
                Method::Get,
                &format!("{}/resources", ResourceId::subscription(subscription)),
                &self.resources_api_version,
            )?
            .query("$filter", &filter);
        let listed: Vec<ListedResource> = self.scope.pager(request, options).try_collect().await?;
        let mut found: Vec<ResourceId> = listed
            .into_iter()
            .filter(|r| r.name.eq_ignore_ascii_case(name))
            .filter_map(|r| ResourceId::parse(&r.id).ok())
            .filter(|id| id.is_type(&REGISTRIES.to_string()))
            .collect();
        match found.len() {
            1 => Ok(found.remove(0)),
            0 => Err(Error::refused(
                "registry",
                format!(
                    "no container registry named '{name}' in subscription {subscription} (or none this identity may read): check the name and the subscription, or give the resource group"
                ),
            )),
            n => Err(Error::refused(
                "registry",
                format!(
                    "{n} container registries named '{name}' in subscription {subscription} ({}): give the resource group",
                    found.iter().map(|id| id.to_string()).collect::<Vec<_>>().join(", ")
                ),
            )),
        }
    }

    /// Where to upload a build context for registry `name` (`POST .../listBuildSourceUploadUrl`):
    /// a blob URL with a write SAS ([`BuildSourceUpload::upload_url`], never shown by `Debug` or
    /// an error) and the relative path to schedule the run with. Each call hands out a new blob;
    /// nothing else changes, so the POST is marked idempotent and retried after a `5xx` or a
    /// dropped connection.
    pub async fn build_source_upload_url(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<RequestOptions>,
    ) -> Result<BuildSourceUpload, Error> {
        let registry = self.registry(resource_group, name)?;
        let request = registry
            .request(Method::Post, "/listBuildSourceUploadUrl")?
            .idempotent(true);
        let answer: SourceUploadDefinition = self.scope.send_json(request, options).await?;
        BuildSourceUpload::from_answer(answer, name)
    }

    /// Schedules a run on registry `name` (`POST .../scheduleRun`) and returns it, queued.
    ///
    /// In 2025-03-01-preview the answer is the run (`200`). In 2019-06-01-preview
    /// ([`crate::LEGACY_API_VERSION`]) it is a long-running operation: a `200` with the run, or a
    /// `202` followed (through `Azure-AsyncOperation` and/or `Location`, as arm-core's poller
    /// does) to the run; `options` say how to poll. An operation that ends without giving the
    /// run (no body and no `Location`) is [`Error::Wait`].
    ///
    /// A scheduled run is not retried blindly: a `POST` is not idempotent (arm-core retries it
    /// only after a `429`, which ARM answers before the service sees the request, or when the
    /// connection could not be made), because a second `scheduleRun` after a lost answer queues
    /// a second run. After a `5xx` or a dropped connection the error comes back to the caller,
    /// who may look for the run (e.g. [`RunsClient::list`] filtered on the pool and the creation
    /// time) before asking again.
    ///
    /// A pool name in the request is checked (3 to 20 of `[a-zA-Z0-9-]`) before it is sent.
    pub async fn schedule_run(
        &self,
        resource_group: &str,
        name: &str,
        run: &RunRequest,
        options: Option<BeginOptions>,
    ) -> Result<Run, Error> {
        if let Some(pool) = run.agent_pool_name() {
            check_agent_pool_name(pool)?;
        }
        let registry = self.registry(resource_group, name)?;
        let request = registry.request(Method::Post, "/scheduleRun")?.json(run)?;
        let poller = self.scope.begin::<Option<Run>>(request, options).await?;
        poller.await?.ok_or_else(|| Error::Wait {
            resource: registry.id().to_string(),
            reason: "scheduleRun ended without giving the run (no body and no Location to read it from)".to_owned(),
        })
    }
}
