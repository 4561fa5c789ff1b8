//! `ContainerGroupsClient`: the ARM operations of `Microsoft.ContainerInstance/containerGroups`.

use crate::error::Error;
use crate::models::{ContainerGroup, Logs};
use crate::validation;
use arm_core::azure_core::credentials::TokenCredential;
use arm_core::azure_core::http::Method;
use arm_core::{
    ArmClient, ArmClientOptions, ArmRequest, Cloud, LroPoller, Pager, RequestOptions, ResourceId, ResourceType,
    SubscriptionClient, SubscriptionScope,
};
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

/// The default api-version: available in every cloud this SDK supports. Override it with
/// [`ContainerGroupsClientOptions::api_version`] or [`ContainerGroupsClient::with_api_version`].
pub const DEFAULT_API_VERSION: &str = "2023-05-01";

/// The options of the long-running operations (`begin_*`): how to poll them.
pub use arm_core::BeginOptions;

const CONTAINER_GROUPS: ResourceType = ResourceType::new("Microsoft.ContainerInstance", "containerGroups");

/// Options of [`ContainerGroupsClient::new`].
#[derive(Clone, Debug)]
pub struct ContainerGroupsClientOptions {
    /// The api-version of every request (default [`DEFAULT_API_VERSION`]).
    pub api_version: String,
    /// The ARM pipeline: retries, clock, transport.
    pub arm: ArmClientOptions,
}

impl Default for ContainerGroupsClientOptions {
    fn default() -> Self {
        Self {
            api_version: DEFAULT_API_VERSION.to_owned(),
            arm: ArmClientOptions::default(),
        }
    }
}

/// Options of [`ContainerGroupsClient::list_logs`].
#[derive(Clone, Debug, Default)]
pub struct ListLogsOptions {
    /// Only the last `tail` lines.
    pub tail: Option<u32>,
    /// Prefix every line with its timestamp.
    pub timestamps: Option<bool>,
    /// The options of the request.
    pub request: RequestOptions,
}

/// A client for the container groups of one subscription.
///
/// Every method checks its inputs (names, resources, subnet ids, environment variables) before
/// any request, and fails with [`Error::InvalidInput`] naming the field.
///
/// ```no_run
/// use aci_lifecycle::ContainerGroupsClient;
/// use aci_lifecycle::models::{Container, ContainerGroup, OsType, RestartPolicy};
///
/// # async fn run(arm: arm_core::ArmClient) -> Result<(), aci_lifecycle::Error> {
/// let groups = ContainerGroupsClient::from_arm(arm, "00000000-0000-0000-0000-000000000000")?;
/// let mut group = ContainerGroup::new("westeurope");
/// group.properties.os_type = Some(OsType::Linux);
/// group.properties.restart_policy = Some(RestartPolicy::Never);
/// group.properties.containers.push(Container::new("agent", "contoso.azurecr.io/agent:1", 1.0, 1.5));
/// let created = groups.begin_create_or_update("rg-agents", "agent-1", &group, None).await?.await?;
/// println!("{:?}", created.properties.provisioning_state);
/// groups.begin_delete("rg-agents", "agent-1", None).await?.await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ContainerGroupsClient {
    scope: SubscriptionScope,
}

#[derive(Serialize)]
struct TagsPatch<'a> {
    tags: &'a BTreeMap<String, String>,
}

impl SubscriptionClient for ContainerGroupsClient {
    fn scope(&self) -> &SubscriptionScope {
        &self.scope
    }

    fn with_scope(self, scope: SubscriptionScope) -> Self {
        Self { scope }
    }
}

impl ContainerGroupsClient {
    /// Creates a client for `subscription_id` in `cloud`.
    pub fn new(
        cloud: &Cloud,
        subscription_id: &str,
        credential: Arc<dyn TokenCredential>,
        options: Option<ContainerGroupsClientOptions>,
    ) -> Result<Self, Error> {
        let options = options.unwrap_or_default();
        let arm = ArmClient::for_crate(
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION"),
            cloud,
            credential,
            Some(options.arm),
        )?;
        Ok(Self::from_arm(arm, subscription_id)?.with_api_version(options.api_version))
    }

    /// Creates a client that shares an existing [`ArmClient`], with [`DEFAULT_API_VERSION`].
    pub fn from_arm(arm: ArmClient, subscription_id: &str) -> Result<Self, Error> {
        let scope = SubscriptionScope::new(arm, subscription_id, DEFAULT_API_VERSION)?;
        Ok(Self { scope })
    }

    /// The id of a container group of this subscription.
    pub fn group_id(&self, resource_group: &str, name: &str) -> Result<ResourceId, Error> {
        let id = self.scope.resource_id(resource_group, CONTAINER_GROUPS, name)?;
        validation::group_name(name)?;
        Ok(id)
    }

    pub(crate) fn request(
        &self,
        method: Method,
        resource_group: &str,
        name: &str,
        suffix: &str,
    ) -> Result<ArmRequest, Error> {
        let id = self.group_id(resource_group, name)?;
        Ok(self.scope.resource_request(method, &id, suffix)?)
    }

    /// Creates or replaces a container group (`PUT`, long-running).
    pub async fn begin_create_or_update(
        &self,
        resource_group: &str,
        name: &str,
        group: &ContainerGroup,
        options: Option<BeginOptions>,
    ) -> Result<LroPoller<ContainerGroup>, Error> {
        validation::container_group(group)?;
        let request = self.request(Method::Put, resource_group, name, "")?.json(group)?;
        Ok(self.scope.begin(request, options).await?)
    }

    /// Gets a container group with its instance view.
    pub async fn get(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<RequestOptions>,
    ) -> Result<ContainerGroup, Error> {
        let request = self.request(Method::Get, resource_group, name, "")?;
        Ok(self.scope.send_json(request, options).await?)
    }

    /// Lists the container groups of a resource group; `options` apply to each page's request.
    pub fn list_by_resource_group(
        &self,
        resource_group: &str,
        options: Option<RequestOptions>,
    ) -> Result<Pager<ContainerGroup>, Error> {
        Ok(self.scope.list(CONTAINER_GROUPS, Some(resource_group), options)?)
    }

    /// Lists the container groups of the subscription; `options` apply to each page's request.
    pub fn list(&self, options: Option<RequestOptions>) -> Result<Pager<ContainerGroup>, Error> {
        Ok(self.scope.list(CONTAINER_GROUPS, None, options)?)
    }

    /// Replaces the tags of a container group (`PATCH`).
    pub async fn update_tags(
        &self,
        resource_group: &str,
        name: &str,
        tags: &BTreeMap<String, String>,
        options: Option<RequestOptions>,
    ) -> Result<ContainerGroup, Error> {
        let request = self
            .request(Method::Patch, resource_group, name, "")?
            .json(&TagsPatch { tags })?
            .idempotent(true);
        Ok(self.scope.send_json(request, options).await?)
    }

    /// Deletes a container group (`DELETE`, long-running). A group that is already gone (204 or
    /// 404) counts as deleted.
    pub async fn begin_delete(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<BeginOptions>,
    ) -> Result<LroPoller<()>, Error> {
        let request = self.delete_request(resource_group, name)?;
        Ok(self.scope.begin_delete(request, options).await?)
    }

    /// Stops every container of a group and releases its compute (`POST .../stop`, 204).
    pub async fn stop(&self, resource_group: &str, name: &str, options: Option<RequestOptions>) -> Result<(), Error> {
        let request = self
            .request(Method::Post, resource_group, name, "/stop")?
            .idempotent(true);
        self.scope
            .arm()
            .send(options.unwrap_or_default().apply(request))
            .await?;
        Ok(())
    }

    /// Starts a stopped group again (`POST .../start`, long-running).
    pub async fn begin_start(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<BeginOptions>,
    ) -> Result<LroPoller<()>, Error> {
        let request = self
            .request(Method::Post, resource_group, name, "/start")?
            .idempotent(true);
        Ok(self.scope.begin(request, options).await?)
    }

    /// Restarts every container of a group in place (`POST .../restart`, long-running).
    pub async fn begin_restart(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<BeginOptions>,
    ) -> Result<LroPoller<()>, Error> {
        let request = self.request(Method::Post, resource_group, name, "/restart")?;
        Ok(self.scope.begin(request, options).await?)
    }

    /// Reads the log of one container (`GET .../containers/{container}/logs`).
    pub async fn list_logs(
        &self,
        resource_group: &str,
        name: &str,
        container: &str,
        options: Option<ListLogsOptions>,
    ) -> Result<Logs, Error> {
        validation::container_name("container", container)?;
        let options = options.unwrap_or_default();
        let mut request = self.request(
            Method::Get,
            resource_group,
            name,
            &format!("/containers/{container}/logs"),
        )?;
        if let Some(tail) = options.tail {
            request = request.query("tail", &tail.to_string());
        }
        if let Some(timestamps) = options.timestamps {
            request = request.query("timestamps", if timestamps { "true" } else { "false" });
        }
        Ok(self.scope.arm().send_json(options.request.apply(request)).await?)
    }
}
