//! `Microsoft.ContainerRegistry/registries/agentPools`, in the two api-versions that have them
//! (2019-06-01-preview and 2025-03-01-preview): PUT and PATCH as long-running operations with
//! `Azure-AsyncOperation` ([`write`]), GET, list, DELETE with its `Location` result
//! ([`delete`]), `listQueueStatus` (the runs queued on the pool). The service's own checks
//! (Premium registry, quota, tier, count, OS, name, region, subnet) are in [`rules`].
//! Azure/azure-rest-api-specs `ContainerRegistryTasks/preview/2025-03-01-preview` and
//! `preview/2019-06-01-preview/containerregistry_build.json`.

mod delete;
mod queue;
mod rules;
mod subnet;
mod write;

use time::OffsetDateTime;

use super::api_version::ApiVersions;
use super::error::ArmError;
use super::galleries::compute;
use super::provider::ResourceProvider;
use super::registries::{of_path, registry_id};
use super::route::{Access, ArmCall, Route};
use crate::http::Reply;
use crate::model::World;
use crate::model::acr::agent_pool::{AGENT_POOL_TYPE, AgentPool};
use crate::model::resource_groups::ResourceGroup;

pub(in crate::arm) use crate::model::acr::agent_pool::pool_id;

/// The only api-versions with agent pools.
const API_VERSIONS: &[&str] = &["2019-06-01-preview", "2025-03-01-preview"];

/// The agent pools provider.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/{registryName}/agentPools",
                methods: &["GET"],
                access: Access::Rbac,
                handler: list,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/{registryName}/agentPools/{agentPoolName}",
                methods: &["GET", "PUT", "PATCH", "DELETE"],
                access: Access::Rbac,
                handler: item,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/{registryName}/agentPools/{agentPoolName}/listQueueStatus",
                methods: &["POST"],
                access: Access::Rbac,
                handler: queue::list_queue_status,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/{registryName}/agentPoolsOperationResults/{operationId}/status",
                methods: &["GET"],
                access: Access::Rbac,
                handler: delete::result,
            },
        ]
    }

    fn delete_in_group(&self, world: &mut World, group: &ResourceGroup, _now: OffsetDateTime) -> Vec<u64> {
        world.resources.get_mut::<AgentPool>().remove_under(&group.scope());
        Vec::new()
    }
}

/// ARM's 404 for the pool of the path.
fn not_found(call: &ArmCall<'_>) -> ArmError {
    ArmError::resource_not_found(
        AGENT_POOL_TYPE,
        &format!("{}/{}", call.params[2], call.params[3]),
        call.params[1],
    )
}

/// The pool of the path, by method.
fn item(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "PUT" => write::put(call),
        "PATCH" => write::patch(call),
        "DELETE" => delete::delete(call),
        _ => {
            {
                let world = call.shared.read();
                of_path(call, &world)?;
            }
            compute::get::<AgentPool>(call, &pool_id(&registry_id(call), call.params[3]), || not_found(call))
        }
    }
}

/// GET of the registry's pools.
fn list(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let registry = of_path(call, &world)?;
    compute::list_under::<AgentPool>(call, &world, &format!("{}/agentPools/", registry.id()))
}
