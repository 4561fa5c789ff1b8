//! What Image Builder refuses at PUT, with its 400 `ValidationFailed` and its message format
//! ("Validation failed: 'ImageTemplate': Missing field 'identity'. Please review
//! http://aka.ms/azvmimagebuildertmplref ...", "Validation failed: 'ImageTemplate.properties':
//! Field 'distribute[0].type' has a bad value: ''.", as users report it). The rules are those of
//! learn.microsoft.com "Create an Azure Image Builder Bicep or ARM template JSON template" and of
//! the 2025-10-01 specification: the name, exactly one user-assigned identity, a known source
//! with its fields, customizers and in-VM validators with their fields (exactly one of
//! `scriptUri`/`inline`, `runAsSystem` only with `runElevated`), at least one distributor with a
//! unique `runOutputName`, `buildTimeoutInMinutes` 0 or 6 to 960, the vnet rules, and a staging
//! group id in the template's subscription.

use std::collections::{BTreeMap, HashSet};

use serde_json::{Map, Value};

use crate::arm::body;
use crate::arm::error::ArmError;
use crate::model::ids;

/// Where Image Builder's template reference is.
const REFERENCE: &str =
    "Please review http://aka.ms/azvmimagebuildertmplref for details on fields required in the Image Builder Template.";

/// A valid PUT body.
pub(super) struct Definition {
    pub location: String,
    pub tags: BTreeMap<String, String>,
    /// The id of its one user-assigned identity, as given.
    pub identity_id: String,
    /// The writable `properties`, read-only ones dropped.
    pub properties: Map<String, Value>,
}

/// 400 `ValidationFailed` for a missing field of `context`.
pub(super) fn missing(context: &str, field: &str) -> ArmError {
    ArmError::bad_request(
        "ValidationFailed",
        format!("Validation failed: '{context}': Missing field '{field}'. {REFERENCE}"),
    )
}

/// 400 `ValidationFailed` for a field of `context` with a bad value (and why).
pub(super) fn bad_value(context: &str, field: &str, value: &str, why: &str) -> ArmError {
    ArmError::bad_request(
        "ValidationFailed",
        format!("Validation failed: '{context}': Field '{field}' has a bad value: '{value}'. {why} {REFERENCE}"),
    )
}

/// Template and run output names: `^[A-Za-z0-9-_.]{1,64}$`.
pub(super) fn is_name(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// The definition of a PUT body for template `name` in `subscription`.
pub(super) fn definition(body: &Map<String, Value>, name: &str, subscription: &str) -> Result<Definition, ArmError> {
    if !is_name(name) {
        return Err(bad_value(
            "ImageTemplate",
            "name",
            name,
            "It must be 1 to 64 letters, digits, '-', '_' or '.'.",
        ));
    }
    let identity_id = identity(body)?;
    let location = body::location(body, Some(super::template::TEMPLATE_TYPE))?;
    let tags = body::tags(body)?.unwrap_or_default();
    let mut properties = match body.get("properties") {
        Some(Value::Object(properties)) => properties.clone(),
        _ => return Err(missing("ImageTemplate", "properties")),
    };
    for read_only in [
        "provisioningState",
        "provisioningError",
        "lastRunStatus",
        "exactStagingResourceGroup",
    ] {
        properties.remove(read_only);
    }
    check_properties(&properties, subscription)?;
    Ok(Definition {
        location,
        tags,
        identity_id,
        properties,
    })
}

/// The id of the body's one user-assigned identity.
pub(super) fn identity(body: &Map<String, Value>) -> Result<String, ArmError> {
    let Some(Value::Object(identity)) = body.get("identity") else {
        return Err(missing("ImageTemplate", "identity"));
    };
    let kind = identity.get("type").and_then(Value::as_str).unwrap_or_default();
    if !kind.eq_ignore_ascii_case("UserAssigned") {
        return Err(bad_value(
            "ImageTemplate.identity",
            "type",
            kind,
            "Image Builder supports only a user-assigned identity ('UserAssigned').",
        ));
    }
    let ids: Vec<&String> = identity
        .get("userAssignedIdentities")
        .and_then(Value::as_object)
        .map(|ids| ids.keys().collect())
        .unwrap_or_default();
    match ids.as_slice() {
        [id] => Ok((*id).clone()),
        _ => Err(bad_value(
            "ImageTemplate.identity",
            "userAssignedIdentities",
            &ids.len().to_string(),
            "Exactly one user-assigned identity must be given.",
        )),
    }
}

/// The rules of `properties`.
pub(super) fn check_properties(properties: &Map<String, Value>, subscription: &str) -> Result<(), ArmError> {
    const CONTEXT: &str = "ImageTemplate.properties";
    check_source(properties)?;
    for (index, customizer) in array(properties, "customize")?.iter().enumerate() {
        check_step(customizer, &format!("customize[{index}]"), CUSTOMIZER_TYPES)?;
    }
    if let Some(validate) = properties.get("validate").and_then(Value::as_object) {
        for (index, validator) in array(validate, "inVMValidations")?.iter().enumerate() {
            check_step(
                validator,
                &format!("validate.inVMValidations[{index}]"),
                VALIDATOR_TYPES,
            )?;
        }
    }
    check_distribute(properties)?;
    match properties.get("buildTimeoutInMinutes") {
        None | Some(Value::Null) => {}
        Some(value) => {
            let minutes = value.as_i64().unwrap_or(-1);
            if !(minutes == 0 || (6..=960).contains(&minutes)) {
                return Err(bad_value(
                    CONTEXT,
                    "buildTimeoutInMinutes",
                    &value.to_string(),
                    "It must be 0 (the default, 240 minutes) or 6 to 960.",
                ));
            }
        }
    }
    if let Some(vnet) = properties
        .get("vmProfile")
        .and_then(|profile| profile.get("vnetConfig"))
        .and_then(Value::as_object)
    {
        let has = |key: &str| vnet.get(key).and_then(Value::as_str).is_some_and(|s| !s.is_empty());
        if has("containerInstanceSubnetId") && !has("subnetId") {
            return Err(missing(CONTEXT, "vmProfile.vnetConfig.subnetId"));
        }
        if has("containerInstanceSubnetId") && has("proxyVmSize") {
            return Err(bad_value(
                CONTEXT,
                "vmProfile.vnetConfig.proxyVmSize",
                vnet.get("proxyVmSize").and_then(Value::as_str).unwrap_or_default(),
                "A proxy VM is not used with 'containerInstanceSubnetId'.",
            ));
        }
    }
    if let Some(staging) = properties.get("stagingResourceGroup").and_then(Value::as_str) {
        let in_subscription = staging
            .split('/')
            .nth(2)
            .is_some_and(|s| s.eq_ignore_ascii_case(subscription));
        if ids::group_of(staging).is_none() || !in_subscription || staging.split('/').count() != 5 {
            return Err(bad_value(
                CONTEXT,
                "stagingResourceGroup",
                staging,
                "It must be the id of a resource group in the template's subscription.",
            ));
        }
    }
    Ok(())
}

/// The array at `key`, empty when absent.
fn array<'a>(parent: &'a Map<String, Value>, key: &str) -> Result<&'a [Value], ArmError> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(bad_value(
            "ImageTemplate.properties",
            key,
            &other.to_string(),
            "It must be an array.",
        )),
    }
}

/// The string field `key` of `object`, non-empty.
fn text<'a>(object: &'a Map<String, Value>, key: &str) -> Option<&'a str> {
    object.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// The source: a known type with its required fields.
fn check_source(properties: &Map<String, Value>) -> Result<(), ArmError> {
    const CONTEXT: &str = "ImageTemplate.properties";
    let Some(Value::Object(source)) = properties.get("source") else {
        return Err(missing(CONTEXT, "source"));
    };
    let kind = source.get("type").and_then(Value::as_str).unwrap_or_default();
    let required: &[&str] = match kind {
        "PlatformImage" => &["publisher", "offer", "sku"],
        "ManagedImage" => &["imageId"],
        "SharedImageVersion" => &["imageVersionId"],
        _ => {
            return Err(bad_value(
                CONTEXT,
                "source.type",
                kind,
                "It must be PlatformImage, ManagedImage or SharedImageVersion.",
            ));
        }
    };
    for field in required {
        if text(source, field).is_none() {
            return Err(missing(CONTEXT, &format!("source.{field}")));
        }
    }
    if let Some(plan) = source.get("planInfo").and_then(Value::as_object) {
        for field in ["planName", "planProduct", "planPublisher"] {
            if text(plan, field).is_none() {
                return Err(missing(CONTEXT, &format!("source.planInfo.{field}")));
            }
        }
    }
    Ok(())
}

/// The customizer types.
const CUSTOMIZER_TYPES: &[&str] = &["Shell", "PowerShell", "File", "WindowsRestart", "WindowsUpdate"];
/// The in-VM validator types.
const VALIDATOR_TYPES: &[&str] = &["Shell", "PowerShell", "File"];

/// A customizer or in-VM validator at `path`: a known type with its fields.
fn check_step(step: &Value, path: &str, types: &[&str]) -> Result<(), ArmError> {
    const CONTEXT: &str = "ImageTemplate.properties";
    let Some(step) = step.as_object() else {
        return Err(bad_value(CONTEXT, path, &step.to_string(), "It must be an object."));
    };
    let kind = step.get("type").and_then(Value::as_str).unwrap_or_default();
    if !types.contains(&kind) {
        return Err(bad_value(
            CONTEXT,
            &format!("{path}.type"),
            kind,
            &format!("It must be one of {}.", types.join(", ")),
        ));
    }
    match kind {
        "Shell" | "PowerShell" => {
            let has_inline = step
                .get("inline")
                .and_then(Value::as_array)
                .is_some_and(|l| !l.is_empty());
            let has_uri = text(step, "scriptUri").is_some();
            if has_inline == has_uri {
                return Err(bad_value(
                    CONTEXT,
                    &format!("{path}.scriptUri"),
                    text(step, "scriptUri").unwrap_or_default(),
                    "Exactly one of 'scriptUri' and 'inline' must be given.",
                ));
            }
            let flag = |key: &str| step.get(key).and_then(Value::as_bool).unwrap_or(false);
            if flag("runAsSystem") && !flag("runElevated") {
                return Err(bad_value(
                    CONTEXT,
                    &format!("{path}.runAsSystem"),
                    "true",
                    "'runAsSystem' needs 'runElevated'.",
                ));
            }
        }
        "File" => {
            for field in ["sourceUri", "destination"] {
                if text(step, field).is_none() {
                    return Err(missing(CONTEXT, &format!("{path}.{field}")));
                }
            }
        }
        _ => {}
    }
    Ok(())
}

/// The distributors: at least one, known types with their fields, unique run output names.
fn check_distribute(properties: &Map<String, Value>) -> Result<(), ArmError> {
    const CONTEXT: &str = "ImageTemplate.properties";
    let distribute = array(properties, "distribute")?;
    if distribute.is_empty() {
        return Err(missing(CONTEXT, "distribute"));
    }
    let mut names = HashSet::new();
    for (index, distributor) in distribute.iter().enumerate() {
        let path = format!("distribute[{index}]");
        let Some(distributor) = distributor.as_object() else {
            return Err(bad_value(
                CONTEXT,
                &path,
                &distributor.to_string(),
                "It must be an object.",
            ));
        };
        let kind = distributor.get("type").and_then(Value::as_str).unwrap_or_default();
        let required: &[&str] = match kind {
            "ManagedImage" => &["imageId", "location"],
            "SharedImage" => &["galleryImageId"],
            "VHD" => &[],
            _ => {
                return Err(bad_value(
                    CONTEXT,
                    &format!("{path}.type"),
                    kind,
                    "It must be ManagedImage, SharedImage or VHD.",
                ));
            }
        };
        for field in required {
            if text(distributor, field).is_none() {
                return Err(missing(CONTEXT, &format!("{path}.{field}")));
            }
        }
        let name =
            text(distributor, "runOutputName").ok_or_else(|| missing(CONTEXT, &format!("{path}.runOutputName")))?;
        if !is_name(name) {
            return Err(bad_value(
                CONTEXT,
                &format!("{path}.runOutputName"),
                name,
                "It must be 1 to 64 letters, digits, '-', '_' or '.'.",
            ));
        }
        if !names.insert(name.to_ascii_lowercase()) {
            return Err(bad_value(
                CONTEXT,
                &format!("{path}.runOutputName"),
                name,
                "Run output names must be unique.",
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::definition;

    fn body(properties: Value) -> serde_json::Map<String, Value> {
        let value = json!({
            "location": "westus",
            "identity": { "type": "UserAssigned", "userAssignedIdentities": { "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id": {} } },
            "properties": properties,
        });
        value.as_object().cloned().unwrap_or_default()
    }

    fn base() -> Value {
        json!({
            "source": { "type": "PlatformImage", "publisher": "Canonical", "offer": "o", "sku": "s", "version": "latest" },
            "distribute": [{ "type": "VHD", "runOutputName": "vhd" }],
        })
    }

    fn message(properties: Value) -> String {
        definition(&body(properties), "t", "s")
            .err()
            .map(|e| e.message)
            .unwrap_or_default()
    }

    #[test]
    fn valid_bodies_pass_and_read_only_fields_are_dropped() {
        let mut properties = base();
        properties["provisioningState"] = json!("Succeeded");
        let definition = definition(&body(properties), "t_1.x-y", "s").expect("valid");
        assert!(!definition.properties.contains_key("provisioningState"));
        assert_eq!(definition.location, "westus");
    }

    #[test]
    fn each_rule_names_its_field() {
        let cases: Vec<(Value, &str)> = vec![
            (json!({ "distribute": [] }), "Missing field 'source'"),
            (
                json!({ "source": { "type": "Nope" }, "distribute": [] }),
                "'source.type' has a bad value: 'Nope'",
            ),
            (
                json!({ "source": { "type": "ManagedImage" } }),
                "Missing field 'source.imageId'",
            ),
            (
                json!({ "source": base()["source"], "distribute": [] }),
                "Missing field 'distribute'",
            ),
            (
                json!({ "source": base()["source"], "distribute": [{ "type": "VHD", "runOutputName": "a" }, { "type": "VHD", "runOutputName": "A" }] }),
                "unique",
            ),
            (
                json!({ "source": base()["source"], "distribute": base()["distribute"], "buildTimeoutInMinutes": 5 }),
                "'buildTimeoutInMinutes' has a bad value: '5'",
            ),
            (
                json!({ "source": base()["source"], "distribute": base()["distribute"], "customize": [{ "type": "Shell", "inline": ["x"], "scriptUri": "https://a/b" }] }),
                "Exactly one of 'scriptUri' and 'inline'",
            ),
            (
                json!({ "source": base()["source"], "distribute": base()["distribute"], "customize": [{ "type": "PowerShell", "inline": ["x"], "runAsSystem": true }] }),
                "'runAsSystem' needs 'runElevated'",
            ),
            (
                json!({ "source": base()["source"], "distribute": base()["distribute"], "customize": [{ "type": "File", "sourceUri": "https://a/b" }] }),
                "Missing field 'customize[0].destination'",
            ),
            (
                json!({ "source": base()["source"], "distribute": base()["distribute"], "vmProfile": { "vnetConfig": { "containerInstanceSubnetId": "/x" } } }),
                "Missing field 'vmProfile.vnetConfig.subnetId'",
            ),
            (
                json!({ "source": base()["source"], "distribute": base()["distribute"], "stagingResourceGroup": "/subscriptions/other/resourceGroups/x" }),
                "'stagingResourceGroup' has a bad value",
            ),
        ];
        for (properties, expected) in cases {
            let message = message(properties.clone());
            assert!(message.starts_with("Validation failed: "), "{message}");
            assert!(message.contains(expected), "{properties}: {message}");
        }
    }

    #[test]
    fn exactly_one_user_assigned_identity() {
        let mut two = body(base());
        two["identity"]["userAssignedIdentities"]["/other"] = json!({});
        assert!(definition(&two, "t", "s").is_err());
        let mut none = body(base());
        none.remove("identity");
        let message = definition(&none, "t", "s").err().map(|e| e.message).unwrap_or_default();
        assert!(message.contains("Missing field 'identity'"), "{message}");
        assert!(definition(&body(base()), "bad name", "s").is_err());
    }
}
