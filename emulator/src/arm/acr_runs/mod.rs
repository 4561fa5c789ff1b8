//! Placeholder: being written.

mod dispatch;

pub(crate) use dispatch::dispatch;

use super::api_version::ApiVersions;
use super::provider::ResourceProvider;
use super::route::Route;

/// Placeholder provider: no routes yet.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(&[])
    }

    fn routes(&self) -> Vec<Route> {
        Vec::new()
    }
}
