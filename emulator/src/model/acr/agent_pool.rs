//! ACR task agent pools (`Microsoft.ContainerRegistry/registries/agentPools`), in the shape of
//! the 2025-03-01-preview specification (`AgentPool`, `AgentPoolProperties`).

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::provisioning::Provisioning;
use crate::clock::rfc3339;
use crate::model::World;
use crate::model::store::{Store, Stored};

/// The agent pool resource type.
pub(crate) const AGENT_POOL_TYPE: &str = "Microsoft.ContainerRegistry/registries/agentPools";

/// The vCPUs of one instance of a tier (learn.microsoft.com "Run an ACR task on a dedicated
/// agent pool": S1 2 vCPU, S2 4, S3 8, I6 64), or `None` for an unknown tier. `tier` is
/// matched case-insensitively.
pub(crate) fn tier_vcpus(tier: &str) -> Option<u32> {
    match tier.to_ascii_uppercase().as_str() {
        "S1" => Some(2),
        "S2" => Some(4),
        "S3" => Some(8),
        "I6" => Some(64),
        _ => None,
    }
}

/// Whether a tier is isolated (`I6`): its vCPUs count against the isolated quota.
pub(crate) fn is_isolated(tier: &str) -> bool {
    tier.eq_ignore_ascii_case("I6")
}

/// An agent pool of a registry.
#[derive(Clone, Debug)]
pub(crate) struct AgentPool {
    /// The id of the registry it belongs to.
    pub registry_id: String,
    /// 3-20 of `[a-zA-Z0-9-]`.
    pub name: String,
    /// The registry's location.
    pub location: String,
    pub tags: BTreeMap<String, String>,
    /// `S1`, `S2`, `S3` or `I6`, in that casing.
    pub tier: String,
    /// The number of instances (0 keeps runs queued).
    pub count: u32,
    /// `Linux` (the only OS agent pools offer).
    pub os: String,
    /// `properties.virtualNetworkSubnetResourceId`, if the pool is in a subnet.
    pub subnet_id: Option<String>,
    /// When it was created (`systemData.createdAt`).
    pub created: OffsetDateTime,
    /// When it was last written (`systemData.lastModifiedAt`).
    pub modified: OffsetDateTime,
    pub provisioning: Provisioning,
}

impl AgentPool {
    /// Its ARM id: `{registry id}/agentPools/{name}`.
    pub fn id(&self) -> String {
        pool_id(&self.registry_id, &self.name)
    }

    /// The vCPUs its instances hold (tier vCPUs times count).
    pub fn vcpus(&self) -> u32 {
        tier_vcpus(&self.tier).unwrap_or(0) * self.count
    }
}

/// The id of the pool `name` of the registry `registry_id`.
pub(crate) fn pool_id(registry_id: &str, name: &str) -> String {
    format!("{registry_id}/agentPools/{name}")
}

/// The agent pools of `world`, if any was ever stored.
pub(crate) fn agent_pools(world: &World) -> Option<&Store<AgentPool>> {
    world.resources.get()
}

/// The live agent pool with this id (any case) at `now`.
pub(crate) fn agent_pool<'w>(world: &'w World, id: &str, now: Instant) -> Option<&'w AgentPool> {
    agent_pools(world)?.get(id, now)
}

/// The live pools of the registry `registry_id` at `now`, in id order.
pub(crate) fn pools_of<'w>(world: &'w World, registry_id: &str, now: Instant) -> Vec<&'w AgentPool> {
    let prefix = format!("{registry_id}/agentPools/");
    agent_pools(world).map_or_else(Vec::new, |store| store.under(&prefix, now).collect())
}

impl Stored for AgentPool {
    fn id(&self) -> String {
        AgentPool::id(self)
    }

    fn to_json(&self, now: Instant) -> Value {
        let mut properties = json!({
            "count": self.count,
            "tier": self.tier,
            "os": self.os,
            "provisioningState": self.provisioning.state(now),
        });
        if let Some(subnet) = &self.subnet_id {
            properties["virtualNetworkSubnetResourceId"] = subnet.as_str().into();
        }
        json!({
            "id": self.id(),
            "name": self.name,
            "type": AGENT_POOL_TYPE,
            "location": self.location,
            "tags": self.tags,
            "systemData": {
                "createdAt": rfc3339(self.created),
                "lastModifiedAt": rfc3339(self.modified),
            },
            "properties": properties,
        })
    }

    fn is_gone(&self, now: Instant) -> bool {
        self.provisioning.is_gone(now)
    }
}

#[cfg(test)]
mod tests {
    use super::{is_isolated, tier_vcpus};

    #[test]
    fn tiers_have_their_documented_vcpus() {
        assert_eq!(tier_vcpus("s1"), Some(2));
        assert_eq!(tier_vcpus("S2"), Some(4));
        assert_eq!(tier_vcpus("S3"), Some(8));
        assert_eq!(tier_vcpus("i6"), Some(64));
        assert_eq!(tier_vcpus("S4"), None);
        assert!(is_isolated("i6"));
        assert!(!is_isolated("S3"));
    }
}
