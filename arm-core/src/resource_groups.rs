//! Resource groups (`Microsoft.Resources/resourceGroups`): the one ARM resource arm-core manages
//! itself, used to stage and clean up the resources of the service crates.

use crate::client::{ArmClient, ArmClientOptions, ArmRequest, RequestOptions};
use crate::cloud::Cloud;
use crate::error::Error;
use crate::lro::{LroPoller, PollOptions};
use crate::pager::Pager;
use crate::subscription_scope::{SubscriptionClient, SubscriptionScope};
use azure_core::credentials::TokenCredential;
use azure_core::http::{Method, StatusCode};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// The default api-version of resource group operations, available in every cloud.
pub const DEFAULT_API_VERSION: &str = "2021-04-01";

/// Options of a [`ResourceGroupsClient`].
#[derive(Clone, Debug)]
pub struct ResourceGroupsClientOptions {
    /// The api-version of every request (default [`DEFAULT_API_VERSION`]).
    pub api_version: String,
    /// The ARM pipeline: retries, clock, transport.
    pub arm: ArmClientOptions,
}

impl Default for ResourceGroupsClientOptions {
    fn default() -> Self {
        Self {
            api_version: DEFAULT_API_VERSION.to_owned(),
            arm: ArmClientOptions::default(),
        }
    }
}

/// A resource group.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceGroup {
    /// Resource id (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Name (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Resource type (read-only).
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// Azure region.
    pub location: String,
    /// The id of the resource that manages this group, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub managed_by: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
    /// Properties (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<ResourceGroupProperties>,
}

/// Properties of a resource group.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceGroupProperties {
    /// `Succeeded`, `Deleting`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<String>,
}

impl ResourceGroup {
    /// A resource group to create in `location`.
    pub fn new(location: impl Into<String>) -> Self {
        Self {
            location: location.into(),
            ..Self::default()
        }
    }

    /// Adds a tag.
    pub fn with_tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }
}

/// Options of [`ResourceGroupsClient::list`].
#[derive(Clone, Debug, Default)]
pub struct ListOptions {
    /// An OData filter, e.g. `tagName eq 'purpose' and tagValue eq 'ephemeral'`.
    pub filter: Option<String>,
    /// The page size.
    pub top: Option<u32>,
    /// The options of each page's request.
    pub request: RequestOptions,
}

/// Options of [`ResourceGroupsClient::begin_delete`].
#[derive(Clone, Debug, Default)]
pub struct DeleteOptions {
    /// How to poll the deletion.
    pub poll: PollOptions,
}

/// A client for the resource groups of one subscription.
///
/// ```no_run
/// use arm_core::resource_groups::{ResourceGroup, ResourceGroupsClient};
/// # async fn run(arm: arm_core::ArmClient) -> Result<(), arm_core::Error> {
/// let groups = ResourceGroupsClient::from_arm(arm, "00000000-0000-0000-0000-000000000000")?;
/// groups.create_or_update("rg-build", &ResourceGroup::new("westeurope").with_tag("purpose", "ci"), None).await?;
/// groups.begin_delete("rg-build", None).await?.await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct ResourceGroupsClient {
    scope: SubscriptionScope,
}

impl SubscriptionClient for ResourceGroupsClient {
    fn scope(&self) -> &SubscriptionScope {
        &self.scope
    }

    fn with_scope(self, scope: SubscriptionScope) -> Self {
        Self { scope }
    }
}

impl ResourceGroupsClient {
    /// Creates a client for `subscription_id` in `cloud`.
    pub fn new(
        cloud: &Cloud,
        subscription_id: &str,
        credential: Arc<dyn TokenCredential>,
        options: Option<ResourceGroupsClientOptions>,
    ) -> Result<Self, Error> {
        let options = options.unwrap_or_default();
        Ok(
            Self::from_arm(ArmClient::new(cloud, credential, Some(options.arm))?, subscription_id)?
                .with_api_version(options.api_version),
        )
    }

    /// Creates a client that shares an existing [`ArmClient`], with [`DEFAULT_API_VERSION`].
    pub fn from_arm(arm: ArmClient, subscription_id: &str) -> Result<Self, Error> {
        let scope = SubscriptionScope::new(arm, subscription_id, DEFAULT_API_VERSION)?;
        Ok(Self { scope })
    }

    fn request(&self, method: Method, path: &str, options: Option<RequestOptions>) -> Result<ArmRequest, Error> {
        let request = self.scope.request(method, path)?;
        Ok(options.unwrap_or_default().apply(request))
    }

    fn path(&self, name: &str) -> Result<String, Error> {
        validate_name(name)?;
        Ok(format!(
            "/subscriptions/{}/resourcegroups/{}",
            self.scope.subscription_id(),
            encode_segment(name)
        ))
    }

    /// Creates or updates a resource group (ARM answers synchronously).
    pub async fn create_or_update(
        &self,
        name: &str,
        group: &ResourceGroup,
        options: Option<RequestOptions>,
    ) -> Result<ResourceGroup, Error> {
        if group.location.trim().is_empty() {
            return Err(Error::invalid_input(
                "location",
                "is empty; expected an Azure region such as 'westeurope'",
            ));
        }
        let request = self.request(Method::Put, &self.path(name)?, options)?.json(group)?;
        self.scope.arm().send_json(request).await
    }

    /// Gets a resource group.
    pub async fn get(&self, name: &str, options: Option<RequestOptions>) -> Result<ResourceGroup, Error> {
        self.scope
            .arm()
            .send_json(self.request(Method::Get, &self.path(name)?, options)?)
            .await
    }

    /// Tells whether a resource group exists (HEAD).
    pub async fn exists(&self, name: &str, options: Option<RequestOptions>) -> Result<bool, Error> {
        let response = self
            .scope
            .arm()
            .send_raw(self.request(Method::Head, &self.path(name)?, options)?)
            .await?;
        match response.status() {
            StatusCode::NoContent | StatusCode::Ok => Ok(true),
            StatusCode::NotFound => Ok(false),
            _ => Err(response.into_error()),
        }
    }

    /// Lists the resource groups of the subscription.
    pub fn list(&self, options: Option<ListOptions>) -> Result<Pager<ResourceGroup>, Error> {
        let options = options.unwrap_or_default();
        let path = format!("/subscriptions/{}/resourcegroups", self.scope.subscription_id());
        let mut request = self.request(Method::Get, &path, Some(options.request.clone()))?;
        if let Some(filter) = &options.filter {
            request = request.query("$filter", filter);
        }
        if let Some(top) = options.top {
            request = request.query("$top", &top.to_string());
        }
        Ok(self.scope.arm().pager(request))
    }

    /// Starts deleting a resource group and everything in it.
    pub async fn begin_delete(&self, name: &str, options: Option<DeleteOptions>) -> Result<LroPoller<()>, Error> {
        let request = self.request(Method::Delete, &self.path(name)?, None)?;
        self.scope
            .arm()
            .begin(request, Some(options.unwrap_or_default().poll))
            .await
    }
}

/// Checks a subscription id before it is put in a path: letters, digits and hyphens (a GUID).
pub fn validate_subscription_id(subscription_id: &str) -> Result<(), Error> {
    if subscription_id.is_empty() || !subscription_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err(Error::invalid_input(
            "subscription_id",
            format!("'{subscription_id}' is not a subscription id (a GUID)"),
        ));
    }
    Ok(())
}

/// Checks a resource group name: 1 to 90 letters, digits, underscores, hyphens, periods and
/// parentheses, not ending with a period.
pub fn validate_name(name: &str) -> Result<(), Error> {
    let fail = |why: &str| {
        Err(Error::invalid_input(
            "resource_group_name",
            format!("'{name}' {why}; expected 1 to 90 letters, digits, '_', '-', '.', '(' or ')', not ending with '.'"),
        ))
    };
    if name.is_empty() || name.chars().count() > 90 {
        return fail("has a bad length");
    }
    if name.ends_with('.') {
        return fail("ends with a period");
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | '(' | ')'))
    {
        return fail("has a character that is not allowed");
    }
    Ok(())
}

fn encode_segment(name: &str) -> String {
    url::form_urlencoded::byte_serialize(name.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_checked_before_any_request() {
        for good in ["rg", "rg-emulator_1.(x)", &"a".repeat(90), "grüppe"] {
            validate_name(good).unwrap();
        }
        for (bad, why) in [
            ("", "bad length"),
            (&"a".repeat(91)[..], "bad length"),
            ("rg.", "ends with a period"),
            ("rg/x", "not allowed"),
            ("rg x", "not allowed"),
        ] {
            let err = validate_name(bad).unwrap_err().to_string();
            assert!(
                err.starts_with("invalid resource_group_name:") && err.contains(why),
                "{err}"
            );
        }
    }

    #[test]
    fn model_round_trips_arm_json() {
        let json = r#"{"id":"/subscriptions/s/resourceGroups/rg","name":"rg","type":"Microsoft.Resources/resourceGroups","location":"westeurope","tags":{"a":"b"},"properties":{"provisioningState":"Succeeded"}}"#;
        let group: ResourceGroup = serde_json::from_str(json).unwrap();
        assert_eq!(
            group.properties.as_ref().unwrap().provisioning_state.as_deref(),
            Some("Succeeded")
        );
        let back: serde_json::Value = serde_json::to_value(&group).unwrap();
        assert_eq!(back, serde_json::from_str::<serde_json::Value>(json).unwrap());
        let body = serde_json::to_value(ResourceGroup::new("eastus").with_tag("k", "v")).unwrap();
        assert_eq!(body, serde_json::json!({"location": "eastus", "tags": {"k": "v"}}));
    }
}
