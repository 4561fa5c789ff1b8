//! [`RegistryScope`]: one container registry of one subscription, with the api-version of the
//! client that holds it; the requests to the registry and to what lies below it (agent pools,
//! runs, tasks) start here.

use super::names::check_registry_name;
use crate::error::Error;
use arm_core::azure_core::http::Method;
use arm_core::{ArmClient, ArmRequest, ResourceId, ResourceType, SubscriptionScope};

/// `Microsoft.ContainerRegistry/registries`.
pub(crate) const REGISTRIES: ResourceType = ResourceType::new("Microsoft.ContainerRegistry", "registries");

/// A container registry of one subscription, as the agent pool, run and task clients address
/// it: the shared [`ArmClient`], the subscription, the resource group, the registry's name
/// (checked against the spec's `^[a-zA-Z0-9]*$`, 5 to 50) and the api-version of the requests.
///
/// ```
/// # fn run(arm: arm_core::ArmClient) -> Result<(), acr_agentpool::Error> {
/// use acr_agentpool::client::RegistryScope;
///
/// let registry = RegistryScope::new(arm, "00000000-0000-0000-0000-000000000000", "rg", "myregistry", None)?;
/// assert_eq!(registry.api_version(), acr_agentpool::DEFAULT_API_VERSION);
/// assert!(registry.id().to_string().ends_with("/providers/Microsoft.ContainerRegistry/registries/myregistry"));
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct RegistryScope {
    scope: SubscriptionScope,
    id: ResourceId,
}

impl RegistryScope {
    /// Registry `registry` of `resource_group` in `subscription_id`, with `api_version` (default
    /// [`crate::DEFAULT_API_VERSION`]). The subscription id, resource group and registry name
    /// are checked before anything is sent.
    pub fn new(
        arm: ArmClient,
        subscription_id: &str,
        resource_group: &str,
        registry: &str,
        api_version: Option<&str>,
    ) -> Result<Self, Error> {
        let scope = SubscriptionScope::new(arm, subscription_id, api_version.unwrap_or(crate::DEFAULT_API_VERSION))?;
        Self::in_scope(scope, resource_group, registry)
    }

    /// Registry `registry` of `resource_group` in `scope`'s subscription, with `scope`'s
    /// api-version.
    pub fn in_scope(scope: SubscriptionScope, resource_group: &str, registry: &str) -> Result<Self, Error> {
        check_registry_name(registry)?;
        let id = scope.resource_id(resource_group, REGISTRIES, registry)?;
        Ok(Self { scope, id })
    }

    /// The registry's resource id.
    pub fn id(&self) -> &ResourceId {
        &self.id
    }

    /// The registry's resource group.
    pub fn resource_group(&self) -> &str {
        self.id.resource_group().unwrap_or_default()
    }

    /// The registry's name.
    pub fn registry_name(&self) -> &str {
        self.id.name()
    }

    /// The api-version of the requests.
    pub fn api_version(&self) -> &str {
        self.scope.api_version()
    }

    /// The subscription scope underneath (ARM client, subscription, api-version).
    pub fn subscription_scope(&self) -> &SubscriptionScope {
        &self.scope
    }

    /// The same registry with the api-version (and ARM client) of `scope`.
    pub(crate) fn with_scope(self, scope: SubscriptionScope) -> Self {
        Self { scope, ..self }
    }

    /// A request to the registry, or to `suffix` below it (`/agentPools/p`, `/scheduleRun`).
    pub(crate) fn request(&self, method: Method, suffix: &str) -> Result<ArmRequest, Error> {
        Ok(self.scope.resource_request(method, &self.id, suffix)?)
    }
}
