//! `Microsoft.Resources/resourceGroups`: create or update, get, head, patch tags, list with
//! paging and tag filters, and delete as a long-running operation that deletes what every
//! provider holds in the group.

mod delete;
mod list;
mod read;
mod write;

use hyper::StatusCode;

use super::api_version::{ApiVersions, MICROSOFT_RESOURCES};
use super::error::ArmError;
use super::provider::ResourceProvider;
use super::route::{Access, ArmCall, Route};
use crate::http::Reply;

/// The resource groups provider.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(MICROSOFT_RESOURCES)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/resourcegroups",
                methods: &["GET"],
                access: Access::Related { scope_len: 2 },
                handler: list::list,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}",
                methods: &["GET", "HEAD", "PUT", "PATCH", "DELETE"],
                access: Access::Rbac,
                handler: item,
            },
        ]
    }
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
pub(crate) fn not_found(name: &str) -> ArmError {
    ArmError::new(
        StatusCode::NOT_FOUND,
        "ResourceGroupNotFound",
        format!("Resource group '{name}' could not be found."),
    )
}

/// ARM's 409 for a resource group whose deletion is running.
pub(crate) fn being_deleted(name: &str) -> ArmError {
    ArmError::new(
        StatusCode::CONFLICT,
        "ResourceGroupBeingDeleted",
        format!("The resource group '{name}' is in deprovisioning state and cannot perform this operation."),
    )
}
