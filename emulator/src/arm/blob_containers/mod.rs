//! `Microsoft.Storage/storageAccounts/blobServices/default/containers`: create (201) or update
//! (200) by PUT, update by PATCH, get, list with paging, delete (200, or 204 when there was
//! none). A container's `publicAccess` other than `None` is refused while its account disallows
//! anonymous access, as Azure does. learn.microsoft.com "Blob Containers - Create", "Get",
//! "List", "Delete". The containers of an account go when it goes (the accounts provider's
//! cascade).

mod requests;

use super::api_version::ApiVersions;
use super::provider::ResourceProvider;
use super::route::{Access, Route};

/// Every api-version `Microsoft.Storage` publishes with Blob containers (the `blob.json` of its
/// specification's stable and preview folders, from 2018-02-01 on).
const API_VERSIONS: &[&str] = &[
    "2018-02-01",
    "2018-03-01-preview",
    "2018-07-01",
    "2018-11-01",
    "2019-04-01",
    "2019-06-01",
    "2020-08-01-preview",
    "2021-01-01",
    "2021-02-01",
    "2021-04-01",
    "2021-06-01",
    "2021-08-01",
    "2021-09-01",
    "2022-05-01",
    "2022-09-01",
    "2023-01-01",
    "2023-04-01",
    "2023-05-01",
    "2024-01-01",
    "2025-01-01",
    "2025-06-01",
    "2025-08-01",
    "2026-04-01",
    "2026-06-01",
    "2026-09-01",
];

/// The Blob containers provider.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}/blobServices/default/containers",
                methods: &["GET"],
                access: Access::Rbac,
                handler: requests::list,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}/blobServices/default/containers/{containerName}",
                methods: &["GET", "PUT", "PATCH", "DELETE"],
                access: Access::Rbac,
                handler: requests::item,
            },
        ]
    }
}
