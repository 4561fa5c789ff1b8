//! Platform (marketplace) image versions: `GET .../locations/{location}/publishers/{publisher}/
//! artifacttypes/vmimage/offers/{offer}/skus/{sku}/versions` (a JSON array, `$top` and
//! `$orderby=name [asc|desc]`) and `.../versions/{version}` (one image; `latest` is the newest,
//! an emulator convenience; 404 `NotFound` "Artifact: VMImage was not found." otherwise). What
//! exists is [`crate::model::compute`]'s marketplace: every image by default, or the
//! configuration's `[[platform_images]]`. learn.microsoft.com "Virtual Machine Images - List",
//! "Virtual Machine Images - Get".

mod requests;

use super::api_version::ApiVersions;
use super::galleries::compute::COMPUTE_API_VERSIONS;
use super::provider::ResourceProvider;
use super::route::{Access, Route};

/// The platform images provider.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(COMPUTE_API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/providers/Microsoft.Compute/locations/{location}/publishers/{publisherName}/artifacttypes/vmimage/offers/{offer}/skus/{skus}/versions",
                methods: &["GET"],
                access: Access::Rbac,
                handler: requests::list,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/providers/Microsoft.Compute/locations/{location}/publishers/{publisherName}/artifacttypes/vmimage/offers/{offer}/skus/{skus}/versions/{version}",
                methods: &["GET"],
                access: Access::Rbac,
                handler: requests::get,
            },
        ]
    }
}
