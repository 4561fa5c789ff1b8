//! The registry an agent pool goes in: Premium, in a region that offers agent pools.

use super::limits::{Limits, normalize_region};
use crate::error::Error;
use crate::model::{Registry, SkuName};

/// Checks that `registry` can hold agent pools: its SKU is Premium ("This feature is available
/// in the Premium container registry service tier") and its region is one of
/// `limits.regions`.
pub fn check_registry(registry: &Registry, limits: &Limits) -> Result<(), Error> {
    let name = registry.name.as_deref().unwrap_or("the registry");
    if registry.sku.name != SkuName::Premium {
        return Err(Error::refused(
            "sku",
            format!(
                "registry {name} is {}; agent pools need a Premium registry: az acr update --name {name} --sku Premium",
                registry.sku.name
            ),
        ));
    }
    if !limits.offers(&registry.location) {
        return Err(Error::refused(
            "region",
            format!(
                "registry {name} is in {}, where agent pools are not offered; they are in {} (documented as of {}); pass a region list that includes {} if Azure offers them there now",
                registry.location,
                limits.regions.join(", "),
                super::REGIONS_AS_OF,
                normalize_region(&registry.location),
            ),
        ));
    }
    Ok(())
}
