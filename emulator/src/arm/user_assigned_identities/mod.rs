//! `Microsoft.ManagedIdentity/userAssignedIdentities`: create or update (synchronous, 201 or
//! 200), get, patch tags, list by resource group and by subscription with paging, delete (200,
//! or 204 when there was none). Each identity is also a managed identity of the emulator's host:
//! the IMDS and App Service token endpoints issue tokens for it (by client id, object id or
//! resource id; as on a VM with several user-assigned identities, a request naming none is then
//! ambiguous). The identities seeded by the configuration or `POST /seed` in an existing
//! resource group are ARM resources too, in the group's region.

mod identity;
mod requests;

use std::time::Instant;

use serde_json::Value;
use time::OffsetDateTime;

use super::api_version::ApiVersions;
use super::provider::ResourceProvider;
use super::route::{Access, Route};
use crate::model::World;
use crate::model::resource_groups::ResourceGroup;
use crate::model::store::Stored;
use identity::{adopt_seeded, forget_principals, identities, identities_mut};

/// The resource type.
const RESOURCE_TYPE: &str = "Microsoft.ManagedIdentity/userAssignedIdentities";

/// Every api-version `Microsoft.ManagedIdentity` publishes (the tags of its specification's
/// readme, previews included).
const API_VERSIONS: &[&str] = &[
    "2015-08-31-preview",
    "2018-11-30",
    "2021-09-30-preview",
    "2022-01-31-preview",
    "2023-01-31",
    "2023-07-31-preview",
    "2024-11-30",
    "2025-01-31-preview",
    "2025-05-31-preview",
    "2026-05-31",
];

/// The user-assigned identities provider.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/providers/Microsoft.ManagedIdentity/userAssignedIdentities",
                methods: &["GET"],
                access: Access::Filtered,
                handler: requests::list_subscription,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities",
                methods: &["GET"],
                access: Access::Rbac,
                handler: requests::list_resource_group,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{resourceName}",
                methods: &["GET", "PUT", "PATCH", "DELETE"],
                access: Access::Rbac,
                handler: requests::item,
            },
        ]
    }

    /// Deletes the group's identities and their service principals.
    fn delete_in_group(&self, world: &mut World, group: &ResourceGroup, _now: OffsetDateTime) -> Vec<u64> {
        let removed = identities_mut(world).remove_under(&group.scope());
        forget_principals(world, &removed);
        Vec::new()
    }

    fn resources_under(&self, world: &World, prefix: &str, now: Instant) -> Vec<Value> {
        identities(world)
            .map(|store| store.under(prefix, now).map(|identity| identity.to_json(now)).collect())
            .unwrap_or_default()
    }

    fn seeded(&self, world: &mut World, now: Instant) {
        adopt_seeded(world, now);
    }
}
