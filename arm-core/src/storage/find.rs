//! Storage accounts found without knowing their resource group: by name in a subscription, or
//! all those of a resource group, through ARM's generic resource list (learn.microsoft.com
//! "Resources - List" and "Resources - List By Resource Group": `GET
//! /subscriptions/{s}[/resourceGroups/{g}]/resources?$filter=...`), with the filter the Azure CLI
//! sends for `az resource list --resource-type ... --name ...` (`name eq '...' and resourceType
//! eq '...'`). Each account's Blob endpoint then comes from [`BlobEndpoint::resolve`]. Reads only:
//! `Microsoft.Storage/storageAccounts/read` (Reader) is enough.

use crate::client::{ArmClient, RequestOptions};
use crate::resource_groups::DEFAULT_API_VERSION as RESOURCES_API_VERSION;
use crate::resource_id::ResourceId;
use crate::storage::endpoint::{BlobEndpoint, BlobEndpointOptions, validate_account_name};
use crate::storage::error::Error;
use azure_core::http::Method;
use futures::TryStreamExt;
use serde::Deserialize;

/// The resource type of storage accounts.
const ACCOUNT_TYPE: &str = "Microsoft.Storage/storageAccounts";

/// A resource as the generic list gives it (only what is read here).
#[derive(Deserialize)]
struct Listed {
    id: String,
    name: String,
}

impl BlobEndpoint {
    /// The storage account named `account` in `subscription`, wherever its resource group, and
    /// its Blob endpoint; `None` when the subscription holds no such account (or the caller may
    /// not read it). A name that is not an account name is refused before any request.
    ///
    /// ```no_run
    /// use arm_core::storage::BlobEndpoint;
    ///
    /// # async fn run(arm: arm_core::ArmClient) -> Result<(), arm_core::storage::Error> {
    /// if let Some((id, endpoint)) = BlobEndpoint::find(&arm, "00000000-0000-0000-0000-000000000000", "stbuild", None).await? {
    ///     println!("{id}: {}", endpoint.url());
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn find(
        arm: &ArmClient,
        subscription: &str,
        account: &str,
        options: Option<BlobEndpointOptions>,
    ) -> Result<Option<(ResourceId, BlobEndpoint)>, Error> {
        validate_account_name(account)?;
        let options = options.unwrap_or_default();
        let filter = format!("name eq '{account}' and resourceType eq '{ACCOUNT_TYPE}'");
        let path = format!("/subscriptions/{subscription}/resources");
        let listed = list(arm, &path, &filter, &options.request).await?;
        let Some((id, _)) = listed.into_iter().find(|(_, name)| name.eq_ignore_ascii_case(account)) else {
            return Ok(None);
        };
        let endpoint = resolve(arm, &id, options).await?;
        Ok(Some((id, endpoint)))
    }

    /// Every storage account of `resource_group` in `subscription` with its Blob endpoint, in
    /// the order ARM lists them; an account without a Blob endpoint, or not `Succeeded`, is an
    /// error naming it.
    pub async fn list_in_resource_group(
        arm: &ArmClient,
        subscription: &str,
        resource_group: &str,
        options: Option<BlobEndpointOptions>,
    ) -> Result<Vec<(ResourceId, BlobEndpoint)>, Error> {
        crate::resource_groups::validate_name(resource_group)?;
        let options = options.unwrap_or_default();
        let filter = format!("resourceType eq '{ACCOUNT_TYPE}'");
        let path = format!("/subscriptions/{subscription}/resourceGroups/{resource_group}/resources");
        let mut found = Vec::new();
        for (id, _) in list(arm, &path, &filter, &options.request).await? {
            let endpoint = resolve(arm, &id, options.clone()).await?;
            found.push((id, endpoint));
        }
        Ok(found)
    }
}

/// The storage accounts of the generic list at `path` matching `filter`: id and name.
async fn list(
    arm: &ArmClient,
    path: &str,
    filter: &str,
    options: &RequestOptions,
) -> Result<Vec<(ResourceId, String)>, Error> {
    let request = options.apply(
        arm.request(Method::Get, path, RESOURCES_API_VERSION)?
            .query("$filter", filter),
    );
    let listed: Vec<Listed> = arm.pager(request).try_collect().await?;
    Ok(listed
        .into_iter()
        .filter_map(|l| ResourceId::parse(&l.id).ok().map(|id| (id, l.name)))
        .filter(|(id, _)| id.is_type(ACCOUNT_TYPE))
        .collect())
}

/// The Blob endpoint of the account `id`.
async fn resolve(arm: &ArmClient, id: &ResourceId, options: BlobEndpointOptions) -> Result<BlobEndpoint, Error> {
    BlobEndpoint::resolve(
        arm,
        id.subscription_id(),
        id.resource_group().unwrap_or_default(),
        id.name(),
        Some(options),
    )
    .await
}
