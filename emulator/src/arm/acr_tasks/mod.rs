//! `Microsoft.ContainerRegistry/registries/tasks`: PUT (201 new, 200 existing), PATCH
//! (`TaskUpdateParameters`, merged), GET (secrets masked), list, DELETE (200 or 204, drawn;
//! 204 when absent), `listDetails` (`Tasks_GetDetails`: the secrets unmasked). A task's
//! `agentPoolName` must name a pool of its registry. Azure/azure-rest-api-specs
//! `ContainerRegistryTasks/preview/2025-03-01-preview` and the `containerregistry_build.json`
//! of each version below.

mod requests;
mod write;

use time::OffsetDateTime;

use super::api_version::ApiVersions;
use super::provider::ResourceProvider;
use super::route::{Access, Route};
use crate::model::World;
use crate::model::acr::task::Task;
use crate::model::resource_groups::ResourceGroup;

/// The api-versions of `containerregistry_build.json` that have tasks (2018-02-01-preview had
/// build tasks, another type).
const API_VERSIONS: &[&str] = &["2018-09-01", "2019-04-01", "2019-06-01-preview", "2025-03-01-preview"];

/// The tasks provider.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/{registryName}/tasks",
                methods: &["GET"],
                access: Access::Rbac,
                handler: requests::list,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/{registryName}/tasks/{taskName}",
                methods: &["GET", "PUT", "PATCH", "DELETE"],
                access: Access::Rbac,
                handler: requests::item,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/{registryName}/tasks/{taskName}/listDetails",
                methods: &["POST"],
                access: Access::Rbac,
                handler: requests::list_details,
            },
        ]
    }

    fn delete_in_group(&self, world: &mut World, group: &ResourceGroup, _now: OffsetDateTime) -> Vec<u64> {
        world.resources.get_mut::<Task>().remove_under(&group.scope());
        Vec::new()
    }
}
