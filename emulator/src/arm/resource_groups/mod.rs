//! `Microsoft.Resources/resourceGroups`: create or update, get, head, patch tags, list with
//! paging, and delete as a long-running operation.

mod delete;
mod filter;
mod list;
mod read;
mod write;

use hyper::StatusCode;

use super::error::ArmError;
use super::route::{Access, ApiVersions, ArmCall, Route};
use crate::http::Reply;

/// api-versions of the resource groups API.
const API_VERSIONS: &[&str] = &[
    "2019-10-01",
    "2020-06-01",
    "2020-08-01",
    "2020-10-01",
    "2021-01-01",
    "2021-04-01",
    "2022-09-01",
    "2023-07-01",
    "2024-03-01",
    "2024-07-01",
    "2024-11-01",
    "2025-04-01",
];

/// The RBAC resource type of resource groups.
const RESOURCE_TYPE: &str = "Microsoft.Resources/subscriptions/resourcegroups";

/// The routes of this resource type.
pub(crate) fn routes() -> Vec<Route> {
    vec![
        Route {
            pattern: "subscriptions/{subscriptionId}/resourcegroups",
            methods: &["GET"],
            api_versions: ApiVersions::Only(API_VERSIONS),
            access: Access::Related {
                scope_len: 2,
                resource_type: RESOURCE_TYPE,
            },
            handler: list::list,
        },
        Route {
            pattern: "subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}",
            methods: &["GET", "HEAD", "PUT", "PATCH", "DELETE"],
            api_versions: ApiVersions::Only(API_VERSIONS),
            access: Access::Action {
                scope_len: 4,
                resource_type: RESOURCE_TYPE,
            },
            handler: item,
        },
    ]
}

fn item(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "GET" => read::get(call),
        "HEAD" => read::head(call),
        "PUT" => write::put(call),
        "PATCH" => write::patch(call),
        _ => delete::delete(call),
    }
}

/// ARM's 404 for a resource group that does not exist.
pub(super) fn not_found(name: &str) -> ArmError {
    ArmError::new(
        StatusCode::NOT_FOUND,
        "ResourceGroupNotFound",
        format!("Resource group '{name}' could not be found."),
    )
}

/// ARM's 409 for a resource group whose deletion is running.
pub(super) fn being_deleted(name: &str) -> ArmError {
    ArmError::new(
        StatusCode::CONFLICT,
        "ResourceGroupBeingDeleted",
        format!("The resource group '{name}' is in deprovisioning state and cannot perform this operation."),
    )
}
