//! `Microsoft.Compute/images` (managed images): create (201 with an `Azure-AsyncOperation`,
//! `Creating` until the operation completes) from an OS disk given as a VHD blob, a managed disk
//! or a snapshot; update of the tags (200); get, list by resource group and by subscription,
//! delete. The emulator has no virtual machines, so a `sourceVirtualMachine` is not found.
//! learn.microsoft.com "Images - Create Or Update".

mod requests;

use std::time::Instant;

use serde_json::Value;

use super::api_version::ApiVersions;
use super::galleries::compute::{self, COMPUTE_API_VERSIONS};
use super::provider::ResourceProvider;
use super::route::{Access, Route};
use crate::model::World;
use crate::model::compute::ManagedImage;

/// The managed images provider (their resource group's cascade is the galleries provider's).
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(COMPUTE_API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/providers/Microsoft.Compute/images",
                methods: &["GET"],
                access: Access::Filtered,
                handler: compute::list_subscription::<ManagedImage>,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/images",
                methods: &["GET"],
                access: Access::Rbac,
                handler: compute::list_resource_group::<ManagedImage>,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/images/{imageName}",
                methods: &["GET", "PUT", "DELETE"],
                access: Access::Rbac,
                handler: requests::item,
            },
        ]
    }

    fn resources_under(&self, world: &World, prefix: &str, now: Instant) -> Vec<Value> {
        compute::json_under::<ManagedImage>(world, prefix, now)
    }
}
