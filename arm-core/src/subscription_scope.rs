//! What every subscription-scoped service client holds, and the plumbing of their requests to
//! the resources of one type: ids, requests below a resource, lists, long-running operations.

use crate::client::{ArmClient, ArmRequest, RequestOptions};
use crate::error::Error;
use crate::lro::{LroPoller, PollOptions};
use crate::pager::Pager;
use crate::resource_groups::{validate_name, validate_subscription_id};
use crate::resource_id::ResourceId;
use azure_core::http::Method;
use serde::de::DeserializeOwned;

/// A resource type of a resource provider, e.g. `Microsoft.ContainerInstance/containerGroups`:
/// what a [`SubscriptionScope`] needs to address the top-level resources of one service client.
///
/// ```
/// use arm_core::ResourceType;
///
/// const CONTAINER_GROUPS: ResourceType = ResourceType::new("Microsoft.ContainerInstance", "containerGroups");
/// assert_eq!(CONTAINER_GROUPS.to_string(), "Microsoft.ContainerInstance/containerGroups");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ResourceType {
    /// The provider namespace, e.g. `Microsoft.ContainerInstance`.
    pub namespace: &'static str,
    /// The type within the namespace, e.g. `containerGroups`.
    pub name: &'static str,
}

impl ResourceType {
    /// The type `name` of provider `namespace`.
    pub const fn new(namespace: &'static str, name: &'static str) -> Self {
        Self { namespace, name }
    }
}

impl std::fmt::Display for ResourceType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.namespace, self.name)
    }
}

/// Options of the long-running operations (`begin_*`) of the service clients.
#[derive(Clone, Debug, Default)]
pub struct BeginOptions {
    /// How to poll the operation.
    pub poll: PollOptions,
}

/// The shared [`ArmClient`], one subscription, and the service client's own api-version (the
/// api-version belongs to each client, never to the shared `ArmClient`). Service clients
/// (resource groups, container groups, ...) hold one and build their requests with it.
///
/// ```
/// # fn run(arm: arm_core::ArmClient) -> Result<(), arm_core::Error> {
/// use arm_core::SubscriptionScope;
///
/// let scope = SubscriptionScope::new(arm, "00000000-0000-0000-0000-000000000000", "2025-09-01")?
///     .with_api_version("2024-11-01-preview");
/// assert_eq!(scope.api_version(), "2024-11-01-preview");
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct SubscriptionScope {
    arm: ArmClient,
    subscription_id: String,
    api_version: String,
}

impl SubscriptionScope {
    /// `arm` in `subscription_id` (checked: a GUID), with the service's default `api_version`.
    pub fn new(arm: ArmClient, subscription_id: &str, api_version: &str) -> Result<Self, Error> {
        validate_subscription_id(subscription_id)?;
        Ok(Self {
            arm,
            subscription_id: subscription_id.to_owned(),
            api_version: api_version.to_owned(),
        })
    }

    /// The same scope with another api-version for every request.
    pub fn with_api_version(mut self, api_version: impl Into<String>) -> Self {
        self.api_version = api_version.into();
        self
    }

    /// The api-version of the requests.
    pub fn api_version(&self) -> &str {
        &self.api_version
    }

    /// The subscription.
    pub fn subscription_id(&self) -> &str {
        &self.subscription_id
    }

    /// The ARM client underneath.
    pub fn arm(&self) -> &ArmClient {
        &self.arm
    }

    /// A request to `path` (absolute, starting with `/subscriptions/...`) with this scope's
    /// api-version.
    pub fn request(&self, method: Method, path: &str) -> Result<ArmRequest, Error> {
        self.arm.request(method, path, &self.api_version)
    }

    /// The id of resource `name` of `resource_type` in `resource_group`. The resource group
    /// name is checked ([`validate_name`](crate::resource_groups::validate_name)); `name`
    /// follows the rules of its type, which the service client checks.
    pub fn resource_id(
        &self,
        resource_group: &str,
        resource_type: ResourceType,
        name: &str,
    ) -> Result<ResourceId, Error> {
        validate_name(resource_group)?;
        Ok(ResourceId::resource(
            &self.subscription_id,
            resource_group,
            resource_type.namespace,
            resource_type.name,
            name,
        ))
    }

    /// A request to `resource`, or to `suffix` below it (`/start`, `/runOutputs/{name}`).
    pub fn resource_request(&self, method: Method, resource: &ResourceId, suffix: &str) -> Result<ArmRequest, Error> {
        self.request(method, &format!("{resource}{suffix}"))
    }

    /// The resources of `resource_type` in `resource_group`, or in the whole subscription when
    /// it is `None` (`GET .../providers/{namespace}/{type}`, `value` + `nextLink`); `options`
    /// apply to each page's request.
    pub fn list<T: DeserializeOwned + Send + 'static>(
        &self,
        resource_type: ResourceType,
        resource_group: Option<&str>,
        options: Option<RequestOptions>,
    ) -> Result<Pager<T>, Error> {
        let scope = match resource_group {
            Some(resource_group) => {
                validate_name(resource_group)?;
                ResourceId::resource_group_id(&self.subscription_id, resource_group)
            }
            None => ResourceId::subscription(&self.subscription_id),
        };
        let request = self.request(Method::Get, &format!("{scope}/providers/{resource_type}"))?;
        Ok(self.pager(request, options))
    }

    /// Sends `request` and decodes the JSON body of its success response, with `options`.
    pub async fn send_json<T: DeserializeOwned>(
        &self,
        request: ArmRequest,
        options: Option<RequestOptions>,
    ) -> Result<T, Error> {
        self.arm.send_json(options.unwrap_or_default().apply(request)).await
    }

    /// The pages of the collection `request` asks for; `options` apply to each page's request.
    pub fn pager<T: DeserializeOwned + Send + 'static>(
        &self,
        request: ArmRequest,
        options: Option<RequestOptions>,
    ) -> Pager<T> {
        self.arm.pager(options.unwrap_or_default().apply(request))
    }

    /// Sends the first request of a long-running operation ([`ArmClient::begin`]).
    pub async fn begin<T: DeserializeOwned + Send + 'static>(
        &self,
        request: ArmRequest,
        options: Option<BeginOptions>,
    ) -> Result<LroPoller<T>, Error> {
        self.arm.begin(request, Some(options.unwrap_or_default().poll)).await
    }

    /// Starts a DELETE as a long-running operation in which a resource already gone counts as
    /// deleted ([`ArmClient::begin_delete`]).
    pub async fn begin_delete(
        &self,
        request: ArmRequest,
        options: Option<BeginOptions>,
    ) -> Result<LroPoller<()>, Error> {
        self.arm
            .begin_delete(request, Some(options.unwrap_or_default().poll))
            .await
    }
}

/// A service client of one subscription: it holds a [`SubscriptionScope`] and gets the
/// api-version and ARM client accessors from it.
///
/// ```
/// # fn run(arm: arm_core::ArmClient) -> Result<(), arm_core::Error> {
/// use arm_core::SubscriptionClient;
/// use arm_core::resource_groups::ResourceGroupsClient;
///
/// let groups = ResourceGroupsClient::from_arm(arm, "00000000-0000-0000-0000-000000000000")?
///     .with_api_version("2021-04-01");
/// assert_eq!(groups.api_version(), "2021-04-01");
/// # Ok(()) }
/// ```
pub trait SubscriptionClient: Sized {
    /// The scope the client holds.
    fn scope(&self) -> &SubscriptionScope;

    /// The same client with `scope`.
    fn with_scope(self, scope: SubscriptionScope) -> Self;

    /// This client with another api-version for every request (what the client options'
    /// `api_version` sets for clients made with `new`).
    fn with_api_version(self, api_version: impl Into<String>) -> Self {
        let scope = self.scope().clone().with_api_version(api_version);
        self.with_scope(scope)
    }

    /// The api-version of this client's requests.
    fn api_version(&self) -> &str {
        self.scope().api_version()
    }

    /// The ARM client underneath.
    fn arm(&self) -> &ArmClient {
        self.scope().arm()
    }
}
