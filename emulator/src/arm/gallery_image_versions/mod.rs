//! `Microsoft.Compute/galleries/images/versions`: create or update (201 with an
//! `Azure-AsyncOperation`, `Creating` while it replicates; 200 for an update, which may not
//! change its source), get, list by image definition, delete. Versions are named
//! `Major.Minor.Patch`, their definition must exist, their source (a managed image or another
//! version, when it names one) must exist, and their region is among their target regions.
//! learn.microsoft.com "Gallery Image Versions - Create Or Update".

mod publishing;
mod requests;

use std::time::Instant;

use serde_json::Value;

use super::api_version::ApiVersions;
use super::galleries::compute::{self, GALLERY_API_VERSIONS};
use super::provider::ResourceProvider;
use super::route::{Access, Route};
use crate::model::World;
use crate::model::compute::GalleryImageVersion;

/// The image versions provider (their resource group's cascade is the galleries provider's).
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(GALLERY_API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/galleries/{galleryName}/images/{galleryImageName}/versions",
                methods: &["GET"],
                access: Access::Rbac,
                handler: requests::list,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Compute/galleries/{galleryName}/images/{galleryImageName}/versions/{galleryImageVersionName}",
                methods: &["GET", "PUT", "DELETE"],
                access: Access::Rbac,
                handler: requests::item,
            },
        ]
    }

    fn resources_under(&self, world: &World, prefix: &str, now: Instant) -> Vec<Value> {
        compute::json_under::<GalleryImageVersion>(world, prefix, now)
    }
}
