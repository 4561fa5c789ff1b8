//! A user-assigned identity as an ARM resource, and its service principal in the directory (the
//! managed identity the token endpoints serve): created, deleted and seeded together.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{Value, json};

use super::RESOURCE_TYPE;
use crate::config::IdentityKind;
use crate::model::principals::ManagedIdentity;
use crate::model::store::{Store, Stored};
use crate::model::{World, ids};

/// A `Microsoft.ManagedIdentity/userAssignedIdentities` resource.
#[derive(Clone, Debug)]
pub(super) struct UserAssignedIdentity {
    pub subscription_id: String,
    pub resource_group: String,
    pub name: String,
    pub location: String,
    pub tags: BTreeMap<String, String>,
    pub tenant_id: String,
    pub client_id: String,
    pub principal_id: String,
    /// `None` or `Regional`.
    pub isolation_scope: String,
}

impl UserAssignedIdentity {
    /// The managed identity the token endpoints know it as.
    pub fn principal(&self) -> ManagedIdentity {
        ManagedIdentity {
            kind: IdentityKind::User,
            name: self.name.clone(),
            tenant_id: self.tenant_id.clone(),
            client_id: self.client_id.clone(),
            principal_id: self.principal_id.clone(),
            resource_id: self.id(),
        }
    }
}

impl Stored for UserAssignedIdentity {
    fn id(&self) -> String {
        ids::resource(&self.subscription_id, &self.resource_group, RESOURCE_TYPE, &self.name)
    }

    /// The `Identity` JSON; its id spells `resourcegroups` in lowercase, as the service does.
    fn to_json(&self, _now: Instant) -> Value {
        let id = format!(
            "/subscriptions/{}/resourcegroups/{}/providers/{RESOURCE_TYPE}/{}",
            self.subscription_id, self.resource_group, self.name
        );
        let mut body = json!({
            "id": id,
            "name": self.name,
            "type": RESOURCE_TYPE,
            "location": self.location,
            "properties": {
                "tenantId": self.tenant_id,
                "principalId": self.principal_id,
                "clientId": self.client_id,
                "isolationScope": self.isolation_scope,
            },
        });
        if !self.tags.is_empty() {
            body["tags"] = json!(self.tags);
        }
        body
    }
}

/// The identities of `world`, if any was ever stored.
pub(super) fn identities(world: &World) -> Option<&Store<UserAssignedIdentity>> {
    world.resources.get()
}

/// The identities of `world`, mutably.
pub(super) fn identities_mut(world: &mut World) -> &mut Store<UserAssignedIdentity> {
    world.resources.get_mut()
}

/// Removes the service principals of `removed` from the directory.
pub(super) fn forget_principals(world: &mut World, removed: &[UserAssignedIdentity]) {
    world.identities.retain(|principal| {
        !removed
            .iter()
            .any(|identity| identity.principal_id.eq_ignore_ascii_case(&principal.principal_id))
    });
}

/// Makes an ARM resource of every seeded user-assigned identity whose resource id names one in a
/// resource group that exists (in the group's region), unless there is one already.
pub(super) fn adopt_seeded(world: &mut World, now: Instant) {
    let adopted: Vec<UserAssignedIdentity> = world
        .identities
        .iter()
        .filter(|principal| principal.kind == IdentityKind::User)
        .filter_map(|principal| {
            let (subscription, group, name) = ids::parse_resource(&principal.resource_id, RESOURCE_TYPE)?;
            let group = world.groups.get(&ids::resource_group(subscription, group), now)?;
            let known = identities(world).is_some_and(|store| store.get(&principal.resource_id, now).is_some());
            (!known).then(|| UserAssignedIdentity {
                subscription_id: group.subscription_id.clone(),
                resource_group: group.name.clone(),
                name: name.to_owned(),
                location: group.location.clone(),
                tags: BTreeMap::new(),
                tenant_id: principal.tenant_id.clone(),
                client_id: principal.client_id.clone(),
                principal_id: principal.principal_id.clone(),
                isolation_scope: "None".to_owned(),
            })
        })
        .collect();
    let store = identities_mut(world);
    for identity in adopted {
        store.insert(identity);
    }
}
