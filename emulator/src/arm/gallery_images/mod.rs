//! `Microsoft.Compute/galleries/images` (image definitions): create or update (201 with an
//! `Azure-AsyncOperation`; 200 for an update, which may not change the OS type, OS state,
//! generation or identifier), get, list by gallery, delete (refused while the definition has
//! versions). learn.microsoft.com "Gallery Images - Create Or Update".

mod requests;

use std::time::Instant;

use serde_json::Value;

use super::api_version::ApiVersions;
use super::galleries::compute::{self, GALLERY_API_VERSIONS};
use super::provider::ResourceProvider;
use super::route::{Access, Route};
use crate::model::World;
use crate::model::compute::GalleryImage;

/// The image definitions provider (their resource group's cascade is the galleries provider's).
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(GALLERY_API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/galleries/{galleryName}/images",
                methods: &["GET"],
                access: Access::Rbac,
                handler: requests::list,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/galleries/{galleryName}/images/{galleryImageName}",
                methods: &["GET", "PUT", "DELETE"],
                access: Access::Rbac,
                handler: requests::item,
            },
        ]
    }

    fn resources_under(&self, world: &World, prefix: &str, now: Instant) -> Vec<Value> {
        compute::json_under::<GalleryImage>(world, prefix, now)
    }
}
