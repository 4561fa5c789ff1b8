//! `Microsoft.ContainerRegistry/registries`: PUT (create as a long-running operation: 201 with
//! `Azure-AsyncOperation`, the registry `Creating` until it completes; an update answers 200),
//! PATCH (SKU, tags, admin user, public network access, anonymous pull), GET, lists by resource
//! group and subscription, DELETE (200, 202 or 204 as the specification allows, drawn),
//! `checkNameAvailability`. Names are global: 5-50 alphanumerics, unique in any case. Shown in
//! the generic resource list, which is how `az acr` finds a registry without its group.
//! learn.microsoft.com "Registries - Create", "Update", "Delete", "Check Name Availability";
//! Azure/azure-rest-api-specs `specification/containerregistry/.../containerregistry.json`.

mod delete;
mod lookup;
mod names;
mod operation;
mod write;

pub(in crate::arm) use lookup::{of_path, path_id as registry_id};
pub(in crate::arm) use operation::start as start_operation;

use std::time::Instant;

use serde_json::Value;
use time::OffsetDateTime;

use super::api_version::ApiVersions;
use super::galleries::compute;
use super::provider::ResourceProvider;
use super::route::{Access, Route};
use crate::model::World;
use crate::model::acr::registry::Registry;
use crate::model::resource_groups::ResourceGroup;

/// Every api-version `Microsoft.ContainerRegistry` publishes for the `registries` type: the
/// stable and preview folders of `containerregistry.json` and, since the build and task
/// operations are paths under a registry, of `containerregistry_build.json`
/// (Azure/azure-rest-api-specs `specification/containerregistry/resource-manager`).
pub(in crate::arm) const API_VERSIONS: &[&str] = &[
    "2016-06-27-preview",
    "2017-03-01",
    "2017-06-01-preview",
    "2017-10-01",
    "2018-02-01-preview",
    "2018-09-01",
    "2019-04-01",
    "2019-05-01",
    "2019-06-01-preview",
    "2019-12-01-preview",
    "2020-11-01-preview",
    "2021-06-01-preview",
    "2021-08-01-preview",
    "2021-09-01",
    "2021-12-01-preview",
    "2022-02-01-preview",
    "2022-12-01",
    "2023-01-01-preview",
    "2023-06-01-preview",
    "2023-07-01",
    "2023-08-01-preview",
    "2023-11-01-preview",
    "2024-11-01-preview",
    "2025-03-01-preview",
    "2025-04-01",
    "2025-05-01-preview",
    "2025-06-01-preview",
    "2025-11-01",
];

/// The registries provider.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/providers/Microsoft.ContainerRegistry/registries",
                methods: &["GET"],
                access: Access::Filtered,
                handler: compute::list_subscription::<Registry>,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/providers/Microsoft.ContainerRegistry/checkNameAvailability",
                methods: &["POST"],
                // Azure names the permission `Microsoft.ContainerRegistry/checkNameAvailability/read`;
                // the emulator asks for any role related to the subscription (emulator choice).
                access: Access::Related { scope_len: 2 },
                handler: names::check_name_availability,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerRegistry/registries",
                methods: &["GET"],
                access: Access::Rbac,
                handler: compute::list_resource_group::<Registry>,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/{registryName}",
                methods: &["GET", "PUT", "PATCH", "DELETE"],
                access: Access::Rbac,
                handler: item,
            },
        ]
    }

    /// Deletes the group's registries (their pools and tasks go with their own providers'
    /// cascades).
    fn delete_in_group(&self, world: &mut World, group: &ResourceGroup, _now: OffsetDateTime) -> Vec<u64> {
        world.resources.get_mut::<Registry>().remove_under(&group.scope());
        Vec::new()
    }

    fn resources_under(&self, world: &World, prefix: &str, now: Instant) -> Vec<Value> {
        compute::json_under::<Registry>(world, prefix, now)
    }
}

/// The registry of the path, by method.
fn item(call: &super::route::ArmCall<'_>) -> Result<crate::http::Reply, super::error::ArmError> {
    match call.request.method.as_str() {
        "PUT" => write::put(call),
        "PATCH" => write::patch(call),
        "DELETE" => delete::delete(call),
        _ => compute::get::<Registry>(call, &lookup::path_id(call), || lookup::not_found(call)),
    }
}
