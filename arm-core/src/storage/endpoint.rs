//! A storage account's Blob endpoint, as Azure Resource Manager gives it.

use crate::client::{ArmClient, RequestOptions};
use crate::storage::error::Error;
use crate::storage::location::BlobLocation;
use azure_core::credentials::TokenCredential;
use azure_core::http::Method;
use serde::Deserialize;
use std::sync::Arc;
use url::Url;

/// The `Microsoft.Storage` api-version used by default: GA in every cloud
/// (`specification/storage/resource-manager/Microsoft.Storage/stable/2024-01-01`).
pub const DEFAULT_STORAGE_API_VERSION: &str = "2024-01-01";

/// Options of [`BlobEndpoint::resolve`].
#[derive(Clone, Debug, Default)]
pub struct BlobEndpointOptions {
    /// The `Microsoft.Storage` api-version (default [`DEFAULT_STORAGE_API_VERSION`]); national
    /// clouds lag behind the public cloud.
    pub api_version: Option<String>,
    /// Options of the ARM request.
    pub request: RequestOptions,
}

/// The Blob service endpoint of a storage account (`properties.primaryEndpoints.blob`), so that
/// national clouds, custom domains and the emulator work without building host names.
///
/// ```no_run
/// use arm_core::storage::BlobEndpoint;
///
/// # async fn run(arm: arm_core::ArmClient, credential: std::sync::Arc<dyn arm_core::azure_core::credentials::TokenCredential>) -> Result<(), arm_core::storage::Error> {
/// let endpoint = BlobEndpoint::resolve(&arm, "00000000-0000-0000-0000-000000000000", "rg", "acct", None).await?;
/// let blob = endpoint.blob("artifacts", "build/42.zip", credential)?;
/// # let _ = blob; Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BlobEndpoint {
    account: String,
    url: Url,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Account {
    #[serde(default)]
    properties: AccountProperties,
}

#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct AccountProperties {
    provisioning_state: Option<String>,
    #[serde(default)]
    primary_endpoints: Endpoints,
}

#[derive(Deserialize, Default)]
struct Endpoints {
    blob: Option<String>,
}

/// Checks a storage account name before it is put in a path or a `$filter`: 3 to 24
/// lowercase letters and digits.
pub(crate) fn validate_account_name(account: &str) -> Result<(), Error> {
    let valid =
        (3..=24).contains(&account.len()) && account.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    if !valid {
        return Err(Error::invalid_input(
            "storage account",
            format!("'{account}' is not a storage account name: 3 to 24 lowercase letters and digits"),
        ));
    }
    Ok(())
}

impl BlobEndpoint {
    /// Reads the storage account `account` of `resource_group` in `subscription` from ARM
    /// (`GET .../providers/Microsoft.Storage/storageAccounts/{account}`) and returns its
    /// `primaryEndpoints.blob`. An account that is not `Succeeded` yet, or has no Blob endpoint
    /// (a file-only or queue-only kind), is an error naming it.
    pub async fn resolve(
        arm: &ArmClient,
        subscription: &str,
        resource_group: &str,
        account: &str,
        options: Option<BlobEndpointOptions>,
    ) -> Result<Self, Error> {
        let options = options.unwrap_or_default();
        let api_version = options.api_version.as_deref().unwrap_or(DEFAULT_STORAGE_API_VERSION);
        validate_account_name(account)?;
        let id = crate::ResourceId::resource(
            subscription,
            resource_group,
            "Microsoft.Storage",
            "storageAccounts",
            account,
        );
        let request = options
            .request
            .apply(arm.request(Method::Get, &id.to_string(), api_version)?);
        let found: Account = arm.send_json(request).await?;
        let state = found.properties.provisioning_state.unwrap_or_default();
        if !state.eq_ignore_ascii_case("Succeeded") {
            return Err(Error::invalid_input(
                "storage account",
                format!("{account} is not ready (provisioningState '{state}'); wait until it is Succeeded"),
            ));
        }
        let blob = found.properties.primary_endpoints.blob.ok_or_else(|| {
            Error::invalid_input(
                "storage account",
                format!("{account} has no Blob endpoint (properties.primaryEndpoints.blob)"),
            )
        })?;
        let url = Url::parse(&blob).map_err(|e| {
            Error::invalid_input(
                "storage account",
                format!("{account} has a Blob endpoint '{blob}' that is not a URL: {e}"),
            )
        })?;
        Ok(Self {
            account: account.to_owned(),
            url,
        })
    }

    /// An endpoint given as it is (`https://acct.blob.core.windows.net/`), e.g. from a
    /// configuration that already holds what ARM said.
    pub fn from_url(account: &str, url: Url) -> Self {
        Self {
            account: account.to_owned(),
            url,
        }
    }

    /// The account name.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The endpoint URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// The URL of blob `name` (`/` separating virtual directories) in `container`, built by
    /// path segments (every character encoded as needed).
    pub fn blob_url(&self, container: &str, name: &str) -> Result<Url, Error> {
        if container.is_empty() || name.is_empty() {
            return Err(Error::invalid_input(
                "blob",
                "container and blob names must not be empty",
            ));
        }
        let mut url = self.url.clone();
        url.set_query(None);
        url.path_segments_mut()
            .map_err(|()| Error::invalid_input("blob endpoint", format!("{} cannot hold a path", self.url)))?
            .pop_if_empty()
            .push(container)
            .extend(name.split('/'));
        Ok(url)
    }

    /// The blob `name` in `container`, reached with `credential`.
    pub fn blob(
        &self,
        container: &str,
        name: &str,
        credential: Arc<dyn TokenCredential>,
    ) -> Result<BlobLocation, Error> {
        BlobLocation::with_credential(self.blob_url(container, name)?, credential)
    }
}
