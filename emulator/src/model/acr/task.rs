//! ACR tasks (`Microsoft.ContainerRegistry/registries/tasks`), in the shape of the
//! 2025-03-01-preview specification (`Task`, `TaskProperties`). The properties are kept as the
//! client wrote them (after the provider's checks and merge); GET masks the secrets the spec's
//! `Tasks_GetDetails` ("listDetails") is there to reveal.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{Value, json};
use time::OffsetDateTime;

use crate::clock::rfc3339;
use crate::model::World;
use crate::model::store::{Store, Stored};

/// The task resource type.
pub(crate) const TASK_TYPE: &str = "Microsoft.ContainerRegistry/registries/tasks";

/// A task of a registry.
#[derive(Clone, Debug)]
pub(crate) struct Task {
    /// The id of the registry it belongs to.
    pub registry_id: String,
    /// 5-50 of `[a-zA-Z0-9_-]`.
    pub name: String,
    pub location: String,
    pub tags: BTreeMap<String, String>,
    /// `identity`, as written (with the principal ids the emulator gave it).
    pub identity: Option<Value>,
    /// `properties` as written, without the read-only `provisioningState` and `creationDate`:
    /// `status`, `platform`, `agentConfiguration`, `agentPoolName`, `timeout`, `step`,
    /// `trigger`, `credentials`, `logTemplate`, `isSystemTask`.
    pub properties: Value,
    /// When it was created (`properties.creationDate`, `systemData.createdAt`).
    pub created: OffsetDateTime,
    /// When it was last written (`systemData.lastModifiedAt`).
    pub modified: OffsetDateTime,
}

impl Task {
    /// Its ARM id: `{registry id}/tasks/{name}`.
    pub fn id(&self) -> String {
        format!("{}/tasks/{}", self.registry_id, self.name)
    }

    /// `properties.agentPoolName`, if the task names a dedicated pool.
    pub fn agent_pool_name(&self) -> Option<&str> {
        self.properties.get("agentPoolName").and_then(Value::as_str)
    }

    /// `properties.status` (`Enabled` unless written `Disabled`).
    pub fn is_enabled(&self) -> bool {
        self.properties.get("status").and_then(Value::as_str) != Some("Disabled")
    }

    /// Its ARM JSON with every secret in it (`Tasks_GetDetails`).
    pub fn details_json(&self) -> Value {
        let mut properties = self.properties.clone();
        properties["provisioningState"] = "Succeeded".into();
        properties["creationDate"] = rfc3339(self.created).into();
        let mut body = json!({
            "id": self.id(),
            "name": self.name,
            "type": TASK_TYPE,
            "location": self.location,
            "tags": self.tags,
            "systemData": {
                "createdAt": rfc3339(self.created),
                "lastModifiedAt": rfc3339(self.modified),
            },
            "properties": properties,
        });
        if let Some(identity) = &self.identity {
            body["identity"] = identity.clone();
        }
        body
    }
}

/// The tasks of `world`, if any was ever stored.
pub(crate) fn tasks(world: &World) -> Option<&Store<Task>> {
    world.resources.get()
}

/// The task with this id (any case).
pub(crate) fn task<'w>(world: &'w World, id: &str, now: Instant) -> Option<&'w Task> {
    tasks(world)?.get(id, now)
}

/// Removes the secrets a GET does not show, in place (emulator choice where the spec is silent
/// on the masked form: the secret member is left out): `step.contextAccessToken`; the `value`
/// of `step.arguments` and `step.values` entries marked `isSecret`; `token` and `refreshToken`
/// of every source trigger's `sourceControlAuthProperties`; the `value` of an `Opaque`
/// custom-registry password.
pub(crate) fn mask_secrets(properties: &mut Value) {
    if let Some(step) = properties.get_mut("step").and_then(Value::as_object_mut) {
        step.remove("contextAccessToken");
        for list in ["arguments", "values"] {
            for entry in step.get_mut(list).and_then(Value::as_array_mut).into_iter().flatten() {
                if entry.get("isSecret").and_then(Value::as_bool) == Some(true)
                    && let Some(entry) = entry.as_object_mut()
                {
                    entry.remove("value");
                }
            }
        }
    }
    let triggers = properties
        .pointer_mut("/trigger/sourceTriggers")
        .and_then(Value::as_array_mut);
    for trigger in triggers.into_iter().flatten() {
        if let Some(auth) = trigger
            .pointer_mut("/sourceRepository/sourceControlAuthProperties")
            .and_then(Value::as_object_mut)
        {
            auth.remove("token");
            auth.remove("refreshToken");
        }
    }
    let registries = properties
        .pointer_mut("/credentials/customRegistries")
        .and_then(Value::as_object_mut);
    for password in registries
        .into_iter()
        .flat_map(|registries| registries.values_mut())
        .filter_map(|registry| registry.get_mut("password"))
    {
        let opaque = password
            .get("type")
            .and_then(Value::as_str)
            .is_none_or(|t| t == "Opaque");
        if opaque && let Some(password) = password.as_object_mut() {
            password.remove("value");
        }
    }
}

impl Stored for Task {
    fn id(&self) -> String {
        Task::id(self)
    }

    fn to_json(&self, _now: Instant) -> Value {
        let mut body = self.details_json();
        mask_secrets(&mut body["properties"]);
        body
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::mask_secrets;

    #[test]
    fn secrets_are_left_out_and_the_rest_kept() {
        let mut properties = json!({
            "agentPoolName": "pool",
            "step": {
                "type": "Docker",
                "contextAccessToken": "pat",
                "arguments": [
                    { "name": "a", "value": "shown", "isSecret": false },
                    { "name": "b", "value": "hidden", "isSecret": true },
                ],
            },
            "trigger": { "sourceTriggers": [{ "sourceRepository": {
                "sourceControlAuthProperties": { "tokenType": "PAT", "token": "t", "refreshToken": "r" },
            } }] },
            "credentials": {
                "sourceRegistry": { "loginMode": "Default" },
                "customRegistries": {
                    "r.azurecr.io": {
                        "userName": { "type": "Opaque", "value": "user" },
                        "password": { "type": "Opaque", "value": "secret" },
                    },
                    "v.azurecr.io": { "password": { "type": "Vaultsecret", "value": "https://kv/secret" } },
                },
            },
        });
        mask_secrets(&mut properties);
        let text = properties.to_string();
        for secret in ["pat", "hidden", "\"t\"", "\"r\"", "\"secret\""] {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
        for kept in ["pool", "shown", "user", "https://kv/secret", "PAT"] {
            assert!(text.contains(kept), "{kept} missing from {text}");
        }
    }
}
