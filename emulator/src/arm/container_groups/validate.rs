//! Validating a container group definition (the PUT body) the way ACI does, and turning it into
//! a [`GroupSpec`] whose public properties hold no secret.

use std::collections::{BTreeMap, HashSet};

use hyper::StatusCode;
use serde_json::{Map, Value, json};

use super::GROUP_TYPE;
use crate::arm::body::{self, array_at, converting, join, object_at, required, string_at};
use crate::arm::error::ArmError;
use crate::config::IdentityKind;
use crate::model::World;
use crate::model::container_groups::{ContainerSpec, EnvVar, GroupSpec, RestartPolicy, SecureValue};
use crate::model::names::{is_dns_label, is_subnet_id};

/// A validated PUT body.
pub(super) struct Definition {
    pub location: String,
    pub tags: BTreeMap<String, String>,
    pub spec: GroupSpec,
}

/// The regex ACI names in its naming errors.
const NAME_RULE: &str =
    "must contain no more than 63 characters and must match the regex '[a-z0-9]([-a-z0-9]*[a-z0-9])?' (e.g. 'my-name')";

/// 400 `ContainerGroupNameInvalid` unless `name` is a valid container group name.
pub(super) fn check_group_name(name: &str) -> Result<(), ArmError> {
    if is_dns_label(name) {
        return Ok(());
    }
    Err(ArmError::bad_request(
        "ContainerGroupNameInvalid",
        format!("The container group name '{name}' is invalid. The container group name {NAME_RULE}."),
    ))
}

/// Validates the PUT body of group `name`; `world` resolves user-assigned identities.
pub(super) fn definition(
    body: &Map<String, Value>,
    name: &str,
    subscription: &str,
    world: &World,
) -> Result<Definition, ArmError> {
    let location = body::location(body, Some(GROUP_TYPE))?;
    let tags = body::tags(body)?.unwrap_or_default();
    let properties = object_at(body, "properties", "")?;
    let containers = containers(properties)?;
    let os_type = properties
        .get("osType")
        .ok_or_else(|| required("osType", "properties"))?;
    if !matches!(os_type.as_str(), Some("Linux" | "Windows")) {
        return Err(converting(os_type, "OperatingSystemTypes", "properties.osType"));
    }
    let restart_policy = match properties.get("restartPolicy") {
        None | Some(Value::Null) => RestartPolicy::Always,
        Some(value) => value
            .as_str()
            .and_then(RestartPolicy::parse)
            .ok_or_else(|| converting(value, "ContainerGroupRestartPolicy", "properties.restartPolicy"))?,
    };
    let in_subnet = subnets(properties)?;
    check_ip_address(properties, in_subnet)?;
    let identity = identity(body, subscription, name, world)?;
    let mut public = Value::Object(properties.clone());
    strip_secrets(&mut public);
    if public.get("restartPolicy").is_none_or(Value::is_null) {
        public["restartPolicy"] = json!("Always");
    }
    if let Some(ip) = public.get_mut("ipAddress").and_then(Value::as_object_mut) {
        let address = if in_subnet { "10.0.0.4" } else { "20.42.0.4" };
        ip.insert("ip".to_owned(), json!(address));
    }
    Ok(Definition {
        location,
        tags,
        spec: GroupSpec {
            containers,
            restart_policy,
            has_identity: identity.is_some(),
            identity,
            properties: public,
            zones: body.get("zones").filter(|z| !z.is_null()).cloned(),
        },
    })
}

/// The containers: at least one, unique valid names, an image, positive CPU and memory
/// requests, unique environment variable names.
fn containers(properties: &Map<String, Value>) -> Result<Vec<ContainerSpec>, ArmError> {
    let items = match properties.get("containers") {
        None | Some(Value::Null) => return Err(required("containers", "properties")),
        Some(Value::Array(items)) => items,
        Some(other) => {
            return Err(converting(
                other,
                "System.Collections.Generic.List",
                "properties.containers",
            ));
        }
    };
    if items.is_empty() {
        return Err(ArmError::bad_request(
            "MissingContainers",
            "The container group must contain at least one container.",
        ));
    }
    let mut names = HashSet::new();
    let mut specs = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let path = format!("properties.containers[{i}]");
        let container = item.as_object().ok_or_else(|| converting(item, "Container", &path))?;
        let name = string_at(container, "name", &path)?.ok_or_else(|| required("name", &path))?;
        if !is_dns_label(name) {
            return Err(ArmError::bad_request(
                "InvalidContainerName",
                format!("The container name '{name}' is invalid. The container name {NAME_RULE}."),
            ));
        }
        if !names.insert(name) {
            return Err(ArmError::bad_request(
                "DuplicateContainerName",
                format!("The container name '{name}' is used by more than one container of the container group."),
            ));
        }
        specs.push(container_spec(name, container, &path)?);
    }
    Ok(specs)
}

/// One container's image, resources, command and environment.
fn container_spec(name: &str, container: &Map<String, Value>, path: &str) -> Result<ContainerSpec, ArmError> {
    let path = join(path, "properties");
    let properties = object_at(container, "properties", path.trim_end_matches(".properties"))?;
    let image = string_at(properties, "image", &path)?.ok_or_else(|| required("image", &path))?;
    if image.trim().is_empty() || image.chars().any(char::is_whitespace) {
        return Err(ArmError::bad_request(
            "InvalidImageName",
            format!("The image '{image}' of container '{name}' is not a valid image reference."),
        ));
    }
    let resources = object_at(properties, "resources", &path)?;
    let requests_path = join(&path, "resources");
    let requests = object_at(resources, "requests", &requests_path)?;
    let requests_path = join(&requests_path, "requests");
    for key in ["cpu", "memoryInGB"] {
        let value = requests.get(key).ok_or_else(|| required(key, &requests_path))?;
        let amount = value
            .as_f64()
            .ok_or_else(|| converting(value, "System.Double", &join(&requests_path, key)))?;
        if amount <= 0.0 {
            return Err(ArmError::bad_request(
                "InvalidResourceRequests",
                format!("The '{key}' request of container '{name}' is '{value}'. It must be greater than 0."),
            ));
        }
    }
    let command = array_at(properties, "command", &path)?
        .iter()
        .enumerate()
        .map(|(i, arg)| {
            arg.as_str()
                .map(str::to_owned)
                .ok_or_else(|| converting(arg, "System.String", &format!("{path}.command[{i}]")))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(ContainerSpec {
        name: name.to_owned(),
        image: image.to_owned(),
        command,
        env: environment(name, properties, &path)?,
    })
}

/// The environment variables of a container: named, names unique.
fn environment(container: &str, properties: &Map<String, Value>, path: &str) -> Result<Vec<EnvVar>, ArmError> {
    let mut seen = HashSet::new();
    let mut env = Vec::new();
    for (i, item) in array_at(properties, "environmentVariables", path)?.iter().enumerate() {
        let path = format!("{path}.environmentVariables[{i}]");
        let var = item
            .as_object()
            .ok_or_else(|| converting(item, "EnvironmentVariable", &path))?;
        let name = string_at(var, "name", &path)?
            .filter(|n| !n.is_empty())
            .ok_or_else(|| required("name", &path))?;
        if !seen.insert(name) {
            return Err(ArmError::bad_request(
                "DuplicateEnvironmentVariables",
                format!("The environment variable name '{name}' is used more than once in container '{container}'."),
            ));
        }
        env.push(EnvVar {
            name: name.to_owned(),
            value: string_at(var, "value", &path)?.map(str::to_owned),
            secure_value: string_at(var, "secureValue", &path)?.map(|s| SecureValue(s.to_owned())),
        });
    }
    Ok(env)
}

/// The subnets; whether there is at least one. Each id must be a subnet resource id.
fn subnets(properties: &Map<String, Value>) -> Result<bool, ArmError> {
    let items = array_at(properties, "subnetIds", "properties")?;
    for (i, item) in items.iter().enumerate() {
        let path = format!("properties.subnetIds[{i}]");
        let subnet = item
            .as_object()
            .ok_or_else(|| converting(item, "ContainerGroupSubnetId", &path))?;
        let id = string_at(subnet, "id", &path)?.ok_or_else(|| required("id", &path))?;
        if !is_subnet_id(id) {
            return Err(ArmError::bad_request(
                "InvalidSubnetId",
                format!(
                    "The subnet id '{id}' is invalid. It must look like '/subscriptions/{{subscriptionId}}/resourceGroups/{{resourceGroupName}}/providers/Microsoft.Network/virtualNetworks/{{virtualNetworkName}}/subnets/{{subnetName}}'."
                ),
            ));
        }
    }
    Ok(!items.is_empty())
}

/// `ipAddress.type` is `Public` or `Private`; a private address needs a subnet.
fn check_ip_address(properties: &Map<String, Value>, in_subnet: bool) -> Result<(), ArmError> {
    let ip = match properties.get("ipAddress") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Object(ip)) => ip,
        Some(other) => return Err(converting(other, "IpAddress", "properties.ipAddress")),
    };
    let kind = ip.get("type").ok_or_else(|| required("type", "properties.ipAddress"))?;
    match kind.as_str() {
        Some("Public") => Ok(()),
        Some("Private") if in_subnet => Ok(()),
        Some("Private") => Err(ArmError::bad_request(
            "PrivateIpAddressWithoutSubnet",
            "The IP address type 'Private' requires the container group to be deployed in a subnet (properties.subnetIds).",
        )),
        _ => Err(converting(
            kind,
            "ContainerGroupIpAddressType",
            "properties.ipAddress.type",
        )),
    }
}

/// The `identity` as ARM answers it, or `None` without one (or with type `None`). Every
/// user-assigned identity must exist.
fn identity(
    body: &Map<String, Value>,
    subscription: &str,
    name: &str,
    world: &World,
) -> Result<Option<Value>, ArmError> {
    let identity = match body.get("identity") {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(identity)) => identity,
        Some(other) => return Err(converting(other, "ContainerGroupIdentity", "identity")),
    };
    let kind = identity.get("type").ok_or_else(|| required("type", "identity"))?;
    let (system, user) = match kind
        .as_str()
        .map(|k| k.replace(' ', "").to_ascii_lowercase())
        .as_deref()
    {
        Some("none") => return Ok(None),
        Some("systemassigned") => (true, false),
        Some("userassigned") => (false, true),
        Some("systemassigned,userassigned") => (true, true),
        _ => return Err(converting(kind, "ResourceIdentityType", "identity.type")),
    };
    let mut answer = json!({ "type": kind });
    if system && let Some(host) = world.identities.iter().find(|mi| mi.kind == IdentityKind::System) {
        answer["principalId"] = json!(host.principal_id);
        answer["tenantId"] = json!(host.tenant_id);
    }
    if user {
        let ids = match identity.get("userAssignedIdentities") {
            Some(Value::Object(ids)) if !ids.is_empty() => ids,
            _ => return Err(required("userAssignedIdentities", "identity")),
        };
        let mut resolved = Map::new();
        for id in ids.keys() {
            let found = world
                .identities
                .iter()
                .find(|mi| mi.kind == IdentityKind::User && mi.resource_id.eq_ignore_ascii_case(id))
                .ok_or_else(|| unknown_identity(subscription, name, id))?;
            resolved.insert(
                id.clone(),
                json!({ "principalId": found.principal_id, "clientId": found.client_id }),
            );
        }
        answer["userAssignedIdentities"] = Value::Object(resolved);
    }
    Ok(Some(answer))
}

/// ARM's error for a user-assigned identity that does not exist.
fn unknown_identity(subscription: &str, name: &str, id: &str) -> ArmError {
    ArmError::new(
        StatusCode::BAD_REQUEST,
        "FailedIdentityOperation",
        format!(
            "Identity operation for resource '/subscriptions/{subscription}/providers/{GROUP_TYPE}/{name}' failed with error 'Failed to perform resource identity operation. Status: 'BadRequest'. Response: '{{\"error\":{{\"code\":\"BadRequest\",\"message\":\"Resource '{id}' was not found.\"}}}}'.'."
        ),
    )
}

/// Removes what ACI never returns: secure environment values, registry passwords, storage keys,
/// secret volume contents, the Log Analytics workspace key.
fn strip_secrets(properties: &mut Value) {
    fn each<'a>(value: &'a mut Value, pointer: &str) -> impl Iterator<Item = &'a mut Value> {
        value
            .pointer_mut(pointer)
            .and_then(Value::as_array_mut)
            .into_iter()
            .flatten()
    }
    fn remove(value: &mut Value, pointer: &str, key: &str) {
        if let Some(object) = value.pointer_mut(pointer).and_then(Value::as_object_mut) {
            object.remove(key);
        }
    }
    for list in ["/containers", "/initContainers"] {
        for container in each(properties, list) {
            for var in each(container, "/properties/environmentVariables") {
                remove(var, "", "secureValue");
            }
        }
    }
    for credential in each(properties, "/imageRegistryCredentials") {
        remove(credential, "", "password");
    }
    for volume in each(properties, "/volumes") {
        remove(volume, "/azureFile", "storageAccountKey");
        if let Some(secret) = volume.pointer_mut("/secret").filter(|s| !s.is_null()) {
            *secret = json!({});
        }
    }
    remove(properties, "/diagnostics/logAnalytics", "workspaceKey");
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::strip_secrets;

    #[test]
    fn secrets_are_stripped() {
        let mut properties = json!({
            "containers": [{ "name": "c", "properties": { "environmentVariables": [
                { "name": "A", "value": "1" }, { "name": "B", "secureValue": "s" }
            ] } }],
            "imageRegistryCredentials": [{ "server": "r", "username": "u", "password": "p" }],
            "volumes": [
                { "name": "v", "azureFile": { "shareName": "s", "storageAccountName": "a", "storageAccountKey": "k" } },
                { "name": "w", "secret": { "k": "djE=" } }
            ],
            "diagnostics": { "logAnalytics": { "workspaceId": "w", "workspaceKey": "k" } }
        });
        strip_secrets(&mut properties);
        assert!(properties.get("initContainers").is_none());
        assert_eq!(
            properties["containers"][0]["properties"]["environmentVariables"],
            json!([{ "name": "A", "value": "1" }, { "name": "B" }])
        );
        assert!(properties["imageRegistryCredentials"][0].get("password").is_none());
        assert!(properties["volumes"][0]["azureFile"].get("storageAccountKey").is_none());
        assert_eq!(properties["volumes"][1]["secret"], json!({}));
        assert!(properties["diagnostics"]["logAnalytics"].get("workspaceKey").is_none());
    }
}
