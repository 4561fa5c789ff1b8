//! `Microsoft.ContainerInstance/containerGroups`: create or update (an Azure-AsyncOperation),
//! get, patch tags, list by resource group and subscription with paging, delete (an
//! Azure-AsyncOperation), stop, start, restart, and container logs. Every request first starts
//! the containers that are due on the emulator's clock, so that it sees their current state.

mod delete;
mod logs;
mod power;
mod read;
mod validate;
mod write;

use std::time::Instant;

use hyper::StatusCode;

use super::error::ArmError;
use super::lro::{self, OperationHandle};
use super::route::{Access, ApiVersions, ArmCall, Route};
use crate::containers;
use crate::http::Reply;
use crate::model::World;
use crate::model::container_groups::GROUP_TYPE;
use crate::model::operations::{LocationStyle, NewOperation, Outcome};
use crate::model::roles::Action;
use crate::random;

/// api-versions of the container groups API (the stable ones).
const API_VERSIONS: &[&str] = &[
    "2021-09-01",
    "2021-10-01",
    "2022-09-01",
    "2023-05-01",
    "2025-09-01",
    "2026-05-01",
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

/// Path segments of a group's id (the scope of its role checks).
const GROUP_SCOPE: usize = 8;

/// A POST action on a group, checked as its own RBAC action (which needs write).
fn action_route(pattern: &'static str, action: &'static str, handler: super::route::Handler) -> Route {
    Route {
        pattern,
        methods: &["POST"],
        api_versions: ApiVersions::Only(API_VERSIONS),
        access: Access::Named {
            scope_len: GROUP_SCOPE,
            action,
            needs: Action::Write,
        },
        handler,
    }
}

/// The routes of this resource type.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route {
            pattern: "subscriptions/{subscriptionId}/providers/Microsoft.ContainerInstance/containerGroups",
            methods: &["GET"],
            api_versions: ApiVersions::Only(API_VERSIONS),
            access: Access::Filtered,
            handler: |call| current(call, read::list_subscription),
        },
        Route {
            pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.ContainerInstance/containerGroups",
            methods: &["GET"],
            api_versions: ApiVersions::Only(API_VERSIONS),
            access: Access::Action {
                scope_len: 4,
                resource_type: GROUP_TYPE,
            },
            handler: |call| current(call, read::list_resource_group),
        },
        Route {
            pattern: group_path!(""),
            methods: &["GET", "PUT", "PATCH", "DELETE"],
            api_versions: ApiVersions::Only(API_VERSIONS),
            access: Access::Action {
                scope_len: GROUP_SCOPE,
                resource_type: GROUP_TYPE,
            },
            handler: |call| current(call, item),
        },
        action_route(
            group_path!("/stop"),
            "Microsoft.ContainerInstance/containerGroups/stop/action",
            |call| current(call, power::stop),
        ),
        action_route(
            group_path!("/start"),
            "Microsoft.ContainerInstance/containerGroups/start/action",
            |call| current(call, power::start),
        ),
        action_route(
            group_path!("/restart"),
            "Microsoft.ContainerInstance/containerGroups/restart/action",
            |call| current(call, power::restart),
        ),
        Route {
            pattern: group_path!("/containers/{containerName}/logs"),
            methods: &["GET"],
            api_versions: ApiVersions::Only(API_VERSIONS),
            access: Access::Named {
                scope_len: GROUP_SCOPE,
                action: "Microsoft.ContainerInstance/containerGroups/containers/logs/read",
                needs: Action::Read,
            },
            handler: |call| current(call, logs::get),
        },
    ]
}

/// Runs `handler` once the containers due at the emulator's time have started.
fn current(call: &ArmCall<'_>, handler: super::route::Handler) -> Result<Reply, ArmError> {
    containers::reconcile(call.shared);
    handler(call)
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
    ArmError::new(
        StatusCode::NOT_FOUND,
        "ResourceNotFound",
        format!("The Resource '{GROUP_TYPE}/{name}' under resource group '{resource_group}' was not found."),
    )
}

/// ACI's 409 for a group whose deletion is running.
fn transitioning(name: &str) -> ArmError {
    ArmError::new(
        StatusCode::CONFLICT,
        "ContainerGroupTransitioning",
        format!("The container group '{name}' is still transitioning, please retry later."),
    )
}

/// The name of resource group `name` (as created) if it exists at `now`; for writes it must not
/// be being deleted.
fn resource_group(
    world: &World,
    subscription: &str,
    name: &str,
    now: Instant,
    write: bool,
) -> Result<String, ArmError> {
    let group = world
        .groups
        .get(subscription, name, now)
        .ok_or_else(|| super::resource_groups::not_found(name))?;
    if write && group.deletion.is_some() {
        return Err(super::resource_groups::being_deleted(&group.name));
    }
    Ok(group.name.clone())
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
