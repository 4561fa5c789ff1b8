//! `Microsoft.Storage/storageAccounts`: create as a long-running operation (202 with a
//! `Location` to poll; the account is `Creating` until the operation completes, then
//! `Succeeded`), update by PUT (200, synchronous) or PATCH, get, list by resource group and by
//! subscription with paging, delete (200, or 204 when there was none; its containers go with
//! it), `listKeys`, `regenerateKey` and `checkNameAvailability`. Its `primaryEndpoints.blob` is
//! the emulator's Blob endpoint, path style (`{blob}/{account}/`). learn.microsoft.com "Storage
//! Accounts - Create", "Get Properties", "List Keys", "Regenerate Key", "Check Name
//! Availability".

mod create;
mod keys;
mod names;
mod operation;
mod properties;

pub(in crate::arm) use properties::default_encryption;
mod requests;

use std::time::Instant;

use serde_json::Value;
use time::OffsetDateTime;

use super::api_version::ApiVersions;
use super::provider::ResourceProvider;
use super::route::{Access, Route};
use crate::model::World;
use crate::model::resource_groups::ResourceGroup;
use crate::model::storage::{accounts, remove_accounts_under};
use crate::model::store::Stored;

/// Every api-version `Microsoft.Storage` publishes for storage accounts: the stable and preview
/// folders of its specification (Azure/azure-rest-api-specs
/// `specification/storage/resource-manager/Microsoft.Storage`, the tags of its readme).
const API_VERSIONS: &[&str] = &[
    "2015-05-01-preview",
    "2015-06-15",
    "2016-01-01",
    "2016-05-01",
    "2016-12-01",
    "2017-06-01",
    "2017-10-01",
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

/// The storage accounts provider.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/providers/Microsoft.Storage/storageAccounts",
                methods: &["GET"],
                access: Access::Filtered,
                handler: requests::list_subscription,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/providers/Microsoft.Storage/checkNameAvailability",
                methods: &["POST"],
                // Azure names the permission `Microsoft.Storage/checknameavailability/read`;
                // the emulator asks for any role related to the subscription (emulator choice).
                access: Access::Related { scope_len: 2 },
                handler: names::check_name_availability,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/providers/Microsoft.Storage/locations/{location}/asyncoperations/{operationId}",
                methods: &["GET"],
                access: Access::Related { scope_len: 2 },
                handler: operation::poll,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts",
                methods: &["GET"],
                access: Access::Rbac,
                handler: requests::list_resource_group,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}",
                methods: &["GET", "PUT", "PATCH", "DELETE"],
                access: Access::Rbac,
                handler: requests::item,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}/listKeys",
                methods: &["POST"],
                access: Access::Rbac,
                handler: keys::list_keys,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Storage/storageAccounts/{accountName}/regenerateKey",
                methods: &["POST"],
                access: Access::Rbac,
                handler: keys::regenerate_key,
            },
        ]
    }

    /// Deletes the group's accounts and their containers; their blob files go at the Blob
    /// service's next sweep ([`crate::blob::drop_orphans`]).
    fn delete_in_group(&self, world: &mut World, group: &ResourceGroup, _now: OffsetDateTime) -> Vec<u64> {
        remove_accounts_under(world, &group.scope());
        Vec::new()
    }

    fn resources_under(&self, world: &World, prefix: &str, now: Instant) -> Vec<Value> {
        accounts(world)
            .map(|store| store.under(prefix, now).map(|account| account.to_json(now)).collect())
            .unwrap_or_default()
    }
}
