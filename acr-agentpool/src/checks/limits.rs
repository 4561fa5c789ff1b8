//! The documented limits of agent pools: the regions that offer them and the vCPU quotas.

/// The date of the region list in [`AGENT_POOL_REGIONS`]: the `ms.date` of learn.microsoft.com
/// "Run an ACR task on a dedicated agent pool" (MicrosoftDocs/azure-docs
/// `articles/container-registry/tasks-agent-pools.md`) whose list this is. Later versions of the
/// page add regions (Switzerland North has appeared); pass them in [`Limits::regions`].
pub const REGIONS_AS_OF: &str = "2022-10-11";

/// The regions where agent pools are offered, as of [`REGIONS_AS_OF`], as ARM location names
/// ("Task agent pools are available in preview in the following regions: West US 2, South
/// Central US, East US 2, East US, Central US, West Europe, North Europe, Canada Central, East
/// Asia, USGov Arizona, USGov Texas, and USGov Virginia").
pub const AGENT_POOL_REGIONS: &[&str] = &[
    "westus2",
    "southcentralus",
    "eastus2",
    "eastus",
    "centralus",
    "westeurope",
    "northeurope",
    "canadacentral",
    "eastasia",
    "usgovarizona",
    "usgovtexas",
    "usgovvirginia",
];

/// The limits the checks hold a registry to. [`Default`] gives the documented ones; raise a
/// quota after a support request, or add a region when Azure offers pools in more.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
    /// The vCPUs all standard pools (S1, S2, S3) of a registry may hold together: 16 by
    /// default ("the default total vCPU (core) quota is 16 for all standard agent pools").
    pub standard_vcpu_quota: u32,
    /// The vCPUs all isolated pools (I6) of a registry may hold together: 0 by default ("and is
    /// 0 for isolated agent pools. Open a support request for additional allocation").
    pub isolated_vcpu_quota: u32,
    /// The regions with agent pools, as ARM location names (compared after
    /// [`normalize_region`]).
    pub regions: Vec<String>,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            standard_vcpu_quota: 16,
            isolated_vcpu_quota: 0,
            regions: AGENT_POOL_REGIONS.iter().map(|r| (*r).to_owned()).collect(),
        }
    }
}

impl Limits {
    /// Whether `region` (a location name or a display name) is one of [`Self::regions`].
    pub fn offers(&self, region: &str) -> bool {
        let region = normalize_region(region);
        self.regions.iter().any(|r| normalize_region(r) == region)
    }
}

/// A region as an ARM location name: `West US 2` and `westus2` both give `westus2` (ASCII
/// lowercase, whitespace removed, as `az account list-locations` pairs `displayName` and
/// `name`).
pub fn normalize_region(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}
