//! Container registries (`Microsoft.ContainerRegistry/registries`), in the shape of the public
//! `containerregistry.json` specification (learn.microsoft.com "Registries - Get").

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::provisioning::Provisioning;
use crate::clock::rfc3339;
use crate::model::store::{Store, Stored};
use crate::model::{World, ids};

/// The registry resource type.
pub(crate) const REGISTRY_TYPE: &str = "Microsoft.ContainerRegistry/registries";

/// The DNS suffix of a registry's login server in the public cloud (`<name>.azurecr.io`).
pub(crate) const LOGIN_SERVER_SUFFIX: &str = "azurecr.io";

/// A container registry.
#[derive(Clone, Debug)]
pub(crate) struct Registry {
    pub subscription_id: String,
    pub resource_group: String,
    /// 5-50 alphanumerics, unique across Azure (case-insensitive).
    pub name: String,
    pub location: String,
    pub tags: BTreeMap<String, String>,
    /// `Basic`, `Standard` or `Premium`, in that casing.
    pub sku: String,
    /// `properties.adminUserEnabled`.
    pub admin_user_enabled: bool,
    /// `properties.publicNetworkAccess`: `Enabled` or `Disabled`.
    pub public_network_access: String,
    /// `properties.zoneRedundancy`: `Enabled` or `Disabled`.
    pub zone_redundancy: String,
    /// `properties.anonymousPullEnabled`.
    pub anonymous_pull_enabled: bool,
    /// When it was created (`properties.creationDate`, `systemData.createdAt`).
    pub created: OffsetDateTime,
    /// When it was last written (`systemData.lastModifiedAt`).
    pub modified: OffsetDateTime,
    pub provisioning: Provisioning,
}

impl Registry {
    /// Its ARM id.
    pub fn id(&self) -> String {
        ids::resource(&self.subscription_id, &self.resource_group, REGISTRY_TYPE, &self.name)
    }

    /// `<name>.azurecr.io`, lowercase, as ACR answers it.
    pub fn login_server(&self) -> String {
        login_server(&self.name)
    }

    /// Whether it is a Premium registry (the only SKU with agent pools).
    pub fn is_premium(&self) -> bool {
        self.sku == "Premium"
    }
}

/// The login server of a registry named `name`: `<name>.azurecr.io`, lowercase.
pub(crate) fn login_server(name: &str) -> String {
    format!("{}.{LOGIN_SERVER_SUFFIX}", name.to_lowercase())
}

/// The registries of `world`, if any was ever stored.
pub(crate) fn registries(world: &World) -> Option<&Store<Registry>> {
    world.resources.get()
}

/// The live registry with this id (any case) at `now`.
pub(crate) fn registry<'w>(world: &'w World, id: &str, now: Instant) -> Option<&'w Registry> {
    registries(world)?.get(id, now)
}

impl Stored for Registry {
    fn id(&self) -> String {
        Registry::id(self)
    }

    fn to_json(&self, now: Instant) -> Value {
        let created = rfc3339(self.created);
        json!({
            "id": self.id(),
            "name": self.name,
            "type": REGISTRY_TYPE,
            "location": self.location,
            "tags": self.tags,
            "sku": { "name": self.sku, "tier": self.sku },
            "systemData": {
                "createdAt": created,
                "lastModifiedAt": rfc3339(self.modified),
            },
            "properties": {
                "loginServer": self.login_server(),
                "creationDate": created,
                "provisioningState": self.provisioning.state(now),
                "adminUserEnabled": self.admin_user_enabled,
                "policies": {
                    "quarantinePolicy": { "status": "disabled" },
                    "trustPolicy": { "type": "Notary", "status": "disabled" },
                    "retentionPolicy": { "days": 7, "status": "disabled" },
                    "exportPolicy": { "status": "enabled" },
                },
                "encryption": { "status": "disabled" },
                "dataEndpointEnabled": false,
                "dataEndpointHostNames": [],
                "privateEndpointConnections": [],
                "publicNetworkAccess": self.public_network_access,
                "networkRuleBypassOptions": "AzureServices",
                "zoneRedundancy": self.zone_redundancy,
                "anonymousPullEnabled": self.anonymous_pull_enabled,
            },
        })
    }

    fn is_gone(&self, now: Instant) -> bool {
        self.provisioning.is_gone(now)
    }
}
