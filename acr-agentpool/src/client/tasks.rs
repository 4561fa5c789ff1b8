//! [`TasksClient`]: the tasks of one registry (`Microsoft.ContainerRegistry/registries/tasks`).
//!
//! In 2025-03-01-preview create (`200`/`201`), update (`200`) and delete (`200`/`204`) answer at
//! once; in 2019-06-01-preview they are long-running operations (`201`, `202`). Every write here
//! goes through arm-core's poller, which ends at once on a final answer and follows an
//! operation otherwise, so both versions work through the same methods.

use super::names::{check_agent_pool_name, check_task_name};
use super::registry_scope::RegistryScope;
use super::{AcrClientOptions, BeginOptions};
use crate::error::Error;
use crate::model::{Task, TaskUpdateParameters};
use arm_core::azure_core::http::Method;
use arm_core::{ArmClient, ArmRequest, LroPoller, Pager, RequestOptions, SubscriptionClient, SubscriptionScope};

/// Options of [`TasksClient::new`].
pub type TasksClientOptions = AcrClientOptions;

/// A client for the tasks of one registry.
///
/// Task names are checked (5 to 50 of `[a-zA-Z0-9-_]`), and so is a task's agent pool name,
/// before any request.
///
/// ```no_run
/// use acr_agentpool::TasksClient;
/// use acr_agentpool::model::Task;
///
/// # async fn run(arm: arm_core::ArmClient, task: Task) -> Result<(), acr_agentpool::Error> {
/// let tasks = TasksClient::new(arm, "00000000-0000-0000-0000-000000000000", "rg", "myregistry", None)?;
/// let created = tasks.create("mytask", &task, None).await?;
/// let details = tasks.get_details("mytask", None).await?;
/// tasks.delete("mytask", None).await?;
/// # let _ = (created, details); Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct TasksClient {
    registry: RegistryScope,
}

impl SubscriptionClient for TasksClient {
    fn scope(&self) -> &SubscriptionScope {
        self.registry.subscription_scope()
    }

    fn with_scope(self, scope: SubscriptionScope) -> Self {
        Self {
            registry: self.registry.with_scope(scope),
        }
    }
}

impl TasksClient {
    /// A client for the tasks of registry `registry` of `resource_group` in `subscription_id`,
    /// sharing `arm`.
    pub fn new(
        arm: ArmClient,
        subscription_id: &str,
        resource_group: &str,
        registry: &str,
        options: Option<TasksClientOptions>,
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

    /// A client for the tasks of `registry`, with its api-version.
    pub fn from_registry(registry: RegistryScope) -> Self {
        Self { registry }
    }

    /// The registry of these tasks.
    pub fn registry(&self) -> &RegistryScope {
        &self.registry
    }

    fn request(&self, method: Method, name: &str, suffix: &str) -> Result<ArmRequest, Error> {
        check_task_name(name)?;
        self.registry.request(method, &format!("/tasks/{name}{suffix}"))
    }

    /// Creates or replaces task `name` (`PUT`) and returns the poller of the operation: done at
    /// once on 2025-03-01-preview's `200`/`201`, followed on 2019-06-01-preview's.
    pub async fn begin_create(
        &self,
        name: &str,
        task: &Task,
        options: Option<BeginOptions>,
    ) -> Result<LroPoller<Task>, Error> {
        if let Some(pool) = task.agent_pool_name() {
            check_agent_pool_name(pool)?;
        }
        let request = self.request(Method::Put, name, "")?.json(task)?;
        Ok(self.scope().begin(request, options).await?)
    }

    /// Creates or replaces task `name` and returns it: [`TasksClient::begin_create`], awaited.
    pub async fn create(&self, name: &str, task: &Task, options: Option<BeginOptions>) -> Result<Task, Error> {
        Ok(self.begin_create(name, task, options).await?.await?)
    }

    /// Gets task `name` (secrets left out: see [`TasksClient::get_details`]).
    pub async fn get(&self, name: &str, options: Option<RequestOptions>) -> Result<Task, Error> {
        let request = self.request(Method::Get, name, "")?;
        Ok(self.scope().send_json(request, options).await?)
    }

    /// Changes task `name` (`PATCH`) and returns it. The body sets absolute values, so the
    /// PATCH is marked idempotent.
    pub async fn update(
        &self,
        name: &str,
        parameters: &TaskUpdateParameters,
        options: Option<BeginOptions>,
    ) -> Result<Task, Error> {
        let request = self
            .request(Method::Patch, name, "")?
            .json(parameters)?
            .idempotent(true);
        Ok(self.scope().begin(request, options).await?.await?)
    }

    /// Deletes task `name` (`DELETE`); a task already gone (`204`, or `404`) counts as deleted.
    pub async fn delete(&self, name: &str, options: Option<BeginOptions>) -> Result<(), Error> {
        let request = self.request(Method::Delete, name, "")?;
        Ok(self.scope().begin_delete(request, options).await?.await?)
    }

    /// Lists the registry's tasks (`value` + `nextLink`); `options` apply to each page's
    /// request.
    pub fn list(&self, options: Option<RequestOptions>) -> Result<Pager<Task>, Error> {
        let request = self.registry.request(Method::Get, "/tasks")?;
        Ok(self.scope().pager(request, options))
    }

    /// Gets task `name` with its secrets (`POST .../listDetails`: custom registry credentials,
    /// source repository tokens, secret values), which the models hold as `Secret`s. The POST
    /// only reads, so it is marked idempotent.
    pub async fn get_details(&self, name: &str, options: Option<RequestOptions>) -> Result<Task, Error> {
        let request = self.request(Method::Post, name, "/listDetails")?.idempotent(true);
        Ok(self.scope().send_json(request, options).await?)
    }
}
