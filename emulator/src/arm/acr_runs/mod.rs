//! ACR runs (`Microsoft.ContainerRegistry/registries/{r}/scheduleRun`, `listBuildSourceUploadUrl`,
//! `runs`, `runs/{id}`, `runs/{id}/cancel`, `runs/{id}/listLogSasUrl`), in the shapes of the
//! 2025-03-01-preview specification (synchronous `scheduleRun` and `cancel`) and of the older
//! build API versions (2018-09-01, 2019-04-01, 2019-06-01-preview: the same operations declared
//! long-running). Build contexts and logs live in the emulator's own Blob service
//! ([`storage`]); runs queue per agent pool ([`dispatch`]) and execute in the background
//! ([`executor`]): a Docker build really reads its context, a task's `cmd` steps run the
//! command the configuration's `[images]` maps their image to. Deleting a registry or its
//! resource group stops its runs and drops their blobs ([`remove_registry_runs`]).

mod cancel;
mod dispatch;
pub(crate) mod executor;
mod filter;
mod log;
mod read;
mod request;
mod schedule;
mod storage;
mod upload;

use time::OffsetDateTime;

pub(crate) use dispatch::dispatch;

use super::api_version::ApiVersions;
use super::error::ArmError;
use super::provider::ResourceProvider;
use super::route::{Access, ArmCall, Handler, Route};
use crate::http::Reply;
use crate::model::World;
use crate::model::acr::run::runs_mut;
use crate::model::resource_groups::ResourceGroup;
use crate::shared::Shared;

/// The api-versions with the run operations (Azure/azure-rest-api-specs
/// `specification/containerregistry/resource-manager/Microsoft.ContainerRegistry`,
/// `containerregistry_build.json` of 2018-09-01, 2019-04-01 and 2019-06-01-preview, and the
/// 2025-03-01-preview `containerregistry.json`).
const API_VERSIONS: &[&str] = &["2018-09-01", "2019-04-01", "2019-06-01-preview", "2025-03-01-preview"];

/// Whether `scheduleRun` and `cancel` are synchronous in `api_version` (2025-03-01-preview);
/// the older versions declare them long-running.
pub(super) fn is_synchronous(api_version: &str) -> bool {
    api_version == "2025-03-01-preview"
}

/// Path under one registry.
macro_rules! registry_path {
    ($rest:literal) => {
        concat!(
            "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerRegistry/registries/{registryName}",
            $rest
        )
    };
}

/// A route with RBAC over the path.
fn route(pattern: &'static str, methods: &'static [&'static str], handler: Handler) -> Route {
    Route {
        pattern,
        methods,
        access: Access::Rbac,
        handler,
    }
}

/// The runs provider.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            route(
                registry_path!("/listBuildSourceUploadUrl"),
                &["POST"],
                upload::upload_url,
            ),
            route(registry_path!("/scheduleRun"), &["POST"], schedule::schedule),
            route(registry_path!("/runs"), &["GET"], read::list),
            route(registry_path!("/runs/{runId}"), &["GET", "PATCH"], item),
            route(registry_path!("/runs/{runId}/cancel"), &["POST"], cancel::cancel),
            route(registry_path!("/runs/{runId}/listLogSasUrl"), &["POST"], read::log_sas),
        ]
    }

    /// Starts the queued runs an agent is free for (a pool may have grown).
    fn catch_up(&self, shared: &Shared) {
        let mut world = shared.write();
        dispatch(&mut world, shared.clock.now(), shared.clock.instant());
    }

    /// Stops and forgets the runs of the group's registries; their blobs go with the internal
    /// containers, whose data the Blob store sweeps. Run and container ids start with their
    /// registry's, so this works whichever provider removes the registries first.
    fn delete_in_group(&self, world: &mut World, group: &ResourceGroup, _now: OffsetDateTime) -> Vec<u64> {
        storage::forget_containers_under(world, &group.scope());
        forget_runs(world, &group.scope())
    }
}

fn item(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "PATCH" => read::patch(call),
        _ => read::get(call),
    }
}

/// Forgets the runs whose id starts with `prefix`; the step processes to kill.
fn forget_runs(world: &mut World, prefix: &str) -> Vec<u64> {
    runs_mut(world)
        .remove_under(prefix)
        .into_iter()
        .filter_map(|run| run.process)
        .collect()
}

/// What the registries provider calls when it deletes the registry `registry_id`: its runs stop
/// (their step processes are killed) and are forgotten, and its container of the internal
/// account (build contexts, logs) is dropped with its data.
pub(crate) fn remove_registry_runs(shared: &Shared, world: &mut World, registry_id: &str) {
    let killed = forget_runs(world, &format!("{registry_id}/runs/"));
    storage::drop_registry_container(shared, world, registry_id);
    shared.runtime.kill(&killed);
}
