//! What every subscription-scoped service client holds.

use crate::client::{ArmClient, ArmRequest};
use crate::error::Error;
use crate::resource_groups::validate_subscription_id;
use azure_core::http::Method;

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
