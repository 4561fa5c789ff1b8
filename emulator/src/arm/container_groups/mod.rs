//! `Microsoft.ContainerInstance/containerGroups`: create or update (an Azure-AsyncOperation),
//! get, patch tags, list by resource group and subscription with paging, delete (an
//! Azure-AsyncOperation), stop, start, restart, and container logs. Before every request, and
//! when the clock moves, the containers that are due on the emulator's clock start, so that each
//! request sees their current state.

mod delete;
mod logs;
mod power;
mod read;
mod validate;
mod write;

use std::time::Instant;

use hyper::StatusCode;
use serde_json::Value;
use time::OffsetDateTime;

use super::api_version::ApiVersions;
use super::error::ArmError;
use super::lro::{self, OperationHandle};
use super::provider::ResourceProvider;
use super::route::{Access, ArmCall, Handler, Route};
use crate::containers;
use crate::http::Reply;
use crate::model::container_groups::GROUP_TYPE;
use crate::model::operations::{LocationStyle, NewOperation, Outcome};
use crate::model::resource_groups::ResourceGroup;
use crate::model::store::Stored;
use crate::model::{World, ids};
use crate::random;
use crate::shared::Shared;

/// Every api-version `Microsoft.ContainerInstance` publishes for container groups (the tags of
/// its specification's readme, previews included).
const API_VERSIONS: &[&str] = &[
    "2017-08-01-preview",
    "2017-10-01-preview",
    "2017-12-01-preview",
    "2018-02-01-preview",
    "2018-04-01",
    "2018-06-01",
    "2018-09-01",
    "2018-10-01",
    "2019-12-01",
    "2020-11-01",
    "2021-03-01",
    "2021-07-01",
    "2021-09-01",
    "2021-10-01",
    "2022-09-01",
    "2022-10-01-preview",
    "2023-02-01-preview",
    "2023-05-01",
    "2024-05-01-preview",
    "2024-09-01-preview",
    "2024-10-01-preview",
    "2024-11-01-preview",
    "2025-09-01",
    "2026-05-01",
    "2026-06-01-preview",
];

/// The resource provider namespace.
const NAMESPACE: &str = "Microsoft.ContainerInstance";

/// Path of one group: `.../resourceGroups/{rg}/providers/Microsoft.ContainerInstance/containerGroups/{name}`.
macro_rules! group_path {
    ($rest:literal) => {
        concat!(
            "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerInstance/containerGroups/{containerGroupName}",
            $rest
        )
    };
}

/// A POST action on a group: RBAC checks `{type}/{verb}/action` over the group.
fn action_route(pattern: &'static str, handler: Handler) -> Route {
    Route {
        pattern,
        methods: &["POST"],
        access: Access::Rbac,
        handler,
    }
}

/// The container groups provider.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/providers/Microsoft.ContainerInstance/containerGroups",
                methods: &["GET"],
                access: Access::Filtered,
                handler: read::list_subscription,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerInstance/containerGroups",
                methods: &["GET"],
                access: Access::Rbac,
                handler: read::list_resource_group,
            },
            Route {
                pattern: group_path!(""),
                methods: &["GET", "PUT", "PATCH", "DELETE"],
                access: Access::Rbac,
                handler: item,
            },
            action_route(group_path!("/stop"), power::stop),
            action_route(group_path!("/start"), power::start),
            action_route(group_path!("/restart"), power::restart),
            Route {
                pattern: group_path!("/containers/{containerName}/logs"),
                methods: &["GET"],
                access: Access::Rbac,
                handler: logs::get,
            },
        ]
    }

    /// Starts the containers that are due.
    fn catch_up(&self, shared: &Shared) {
        containers::reconcile(shared);
    }

    /// Removes the group's container groups at once, their processes stopped.
    fn delete_in_group(&self, world: &mut World, group: &ResourceGroup, now: OffsetDateTime) -> Vec<u64> {
        world
            .container_groups
            .remove_under(&group.scope())
            .into_iter()
            .flat_map(|mut removed| removed.kill_all(now))
            .collect()
    }

    fn resources_under(&self, world: &World, prefix: &str, now: Instant) -> Vec<Value> {
        world
            .container_groups
            .under(prefix, now)
            .map(|group| group.to_json(now))
            .collect()
    }
}

fn item(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "GET" => read::get(call),
        "PUT" => write::put(call),
        "PATCH" => write::patch(call),
        _ => delete::delete(call),
    }
}

/// ARM's 404 for a container group that does not exist.
fn not_found(resource_group: &str, name: &str) -> ArmError {
    ArmError::resource_not_found(GROUP_TYPE, name, resource_group)
}

/// The id of the group of the request's path.
fn group_id(call: &ArmCall<'_>) -> String {
    ids::resource(call.params[0], call.params[1], GROUP_TYPE, call.params[2])
}

/// ACI's 409 for a group whose deletion is running.
fn transitioning(name: &str) -> ArmError {
    ArmError::new(
        StatusCode::CONFLICT,
        "ContainerGroupTransitioning",
        format!("The container group '{name}' is still transitioning, please retry later."),
    )
}

/// Starts a Microsoft.ContainerInstance operation in `location` that succeeds when the
/// operation duration has passed (`Location` result: `success_status`).
fn start_operation(call: &ArmCall<'_>, world: &mut World, location: &str, success_status: u16) -> OperationHandle {
    let subscription_id = world
        .subscription(call.params[0])
        .map_or_else(|| call.params[0].to_owned(), |s| s.id.clone());
    let settings = &call.shared.settings;
    let spec = NewOperation {
        id: random::uuid(),
        subscription_id,
        namespace: NAMESPACE.to_owned(),
        location: location.to_owned(),
        api_version: call.api_version.to_owned(),
        duration: settings.operation_duration,
        outcome: Outcome::Succeeded,
        success_status,
        style: LocationStyle::Provider,
    };
    lro::start(world, spec, &call.shared.clock, call.arm(), settings.retry_after_secs)
}
