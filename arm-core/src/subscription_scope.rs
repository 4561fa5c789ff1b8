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
