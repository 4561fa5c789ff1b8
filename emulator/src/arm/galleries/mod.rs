//! `Microsoft.Compute/galleries` (Azure Compute Gallery): create or update (201 with an
//! `Azure-AsyncOperation`, `Creating` until the operation completes; 200 for an update), get,
//! list by resource group and by subscription, delete (refused while the gallery holds image
//! definitions, as Azure does). learn.microsoft.com "Galleries - Create Or Update", "Galleries -
//! Delete". Also holds what the other `Microsoft.Compute` providers share ([`compute`]).

pub(in crate::arm) mod compute;
mod requests;

use std::time::Instant;

use serde_json::Value;
use time::OffsetDateTime;

use super::api_version::ApiVersions;
use super::provider::ResourceProvider;
use super::route::{Access, Route};
use crate::model::World;
use crate::model::compute::{self as model, Gallery};
use crate::model::resource_groups::ResourceGroup;

/// The galleries provider.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(compute::GALLERY_API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/providers/Microsoft.Compute/galleries",
                methods: &["GET"],
                access: Access::Filtered,
                handler: compute::list_subscription::<Gallery>,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/galleries",
                methods: &["GET"],
                access: Access::Rbac,
                handler: compute::list_resource_group::<Gallery>,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/galleries/{galleryName}",
                methods: &["GET", "PUT", "DELETE"],
                access: Access::Rbac,
                handler: requests::item,
            },
        ]
    }

    /// Deletes the group's galleries, image definitions, image versions and managed images.
    fn delete_in_group(&self, world: &mut World, group: &ResourceGroup, _now: OffsetDateTime) -> Vec<u64> {
        model::remove_under(world, &group.scope());
        Vec::new()
    }

    fn resources_under(&self, world: &World, prefix: &str, now: Instant) -> Vec<Value> {
        compute::json_under::<Gallery>(world, prefix, now)
    }
}
