//! The models against Azure's own material in `fixtures/api-examples/aci/`: every example body
//! round-trips exactly, every property and enum value of the spec is modelled, secrets stay out
//! of `Debug`.

use aci_lifecycle::models::{
    AzureFileVolume, Container, ContainerGroup, ContainerGroupDiagnostics, ContainerGroupIdentity,
    ContainerGroupListResult, ContainerGroupPriority, ContainerGroupSku, ContainerGroupState, ContainerGroupSubnetId,
    ContainerRunState, CreatedByType, DeploymentExtension, DeploymentExtensionProperties, DnsNameLabelReusePolicy,
    EnvironmentVariable, GpuSku, IdentityAccessLevel, ImageRegistryCredential, IpAddress, IpAddressType, LogAnalytics,
    LogAnalyticsLogType, Logs, NetworkProtocol, OsType, ProtectedSettings, ProvisioningState, ResourceIdentityType,
    RestartPolicy, Scheme, Volume,
};
use arm_core::azure_core::credentials::Secret;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Debug;
use std::path::PathBuf;

const SPEC: &str = "spec-2026-05-01.json";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fixtures/api-examples/aci")
}

fn read_json(name: &str) -> Value {
    let path = fixtures().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn spec() -> Value {
    read_json(SPEC)
}

/// The JSON pointers where `actual` differs from `expected`, for a readable failure.
fn differences(expected: &Value, actual: &Value, at: &str, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            let keys: BTreeSet<&String> = e.keys().chain(a.keys()).collect();
            for key in keys {
                let path = format!("{at}/{key}");
                match (e.get(key), a.get(key)) {
                    (Some(e), Some(a)) => differences(e, a, &path, out),
                    (Some(e), None) => out.push(format!("{path}: lost (was {e})")),
                    (None, Some(a)) => out.push(format!("{path}: added ({a})")),
                    (None, None) => unreachable!(),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) if e.len() == a.len() => {
            for (i, (e, a)) in e.iter().zip(a).enumerate() {
                differences(e, a, &format!("{at}/{i}"), out);
            }
        }
        _ if expected == actual => {}
        _ => out.push(format!("{at}: {expected} became {actual}")),
    }
}

fn assert_same_json(expected: &Value, actual: &Value, context: &str) {
    let mut out = Vec::new();
    differences(expected, actual, "", &mut out);
    assert!(
        out.is_empty(),
        "{context}: serialized JSON differs from the original:\n  {}",
        out.join("\n  ")
    );
}

/// Deserializes `value` as `T`, serializes it back and asserts the JSON is the same; returns `T`.
fn round_trip<T: DeserializeOwned + Serialize + PartialEq + Debug>(value: &Value, context: &str) -> T {
    let typed: T = serde_json::from_value(value.clone()).unwrap_or_else(|e| panic!("{context}: {e}"));
    let back = serde_json::to_value(&typed).unwrap_or_else(|e| panic!("{context}: {e}"));
    assert_same_json(value, &back, context);
    let again: T = serde_json::from_value(back).unwrap_or_else(|e| panic!("{context}: {e}"));
    assert_eq!(typed, again, "{context}: a second round trip changed the value");
    typed
}

/// Round-trips `body` through the Rust type of the spec's schema `#/definitions/{schema}`.
fn round_trip_schema(schema: &str, body: &Value, context: &str) {
    match schema {
        "ContainerGroup" => {
            round_trip::<ContainerGroup>(body, context);
        }
        "ContainerGroupListResult" => {
            round_trip::<ContainerGroupListResult>(body, context);
        }
        "Logs" => {
            round_trip::<Logs>(body, context);
        }
        other => panic!("{context}: schema {other} has no model"),
    }
}

fn definition_name(schema: &Value) -> Option<&str> {
    schema.get("$ref")?.as_str()?.strip_prefix("#/definitions/")
}

/// The operation of the spec with `operation_id`.
fn operation<'a>(spec: &'a Value, operation_id: &str) -> &'a Value {
    spec["paths"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|methods| methods.as_object().unwrap().values())
        .find(|op| op.get("operationId").and_then(Value::as_str) == Some(operation_id))
        .unwrap_or_else(|| panic!("operation {operation_id} is not in the spec"))
}

#[test]
fn every_example_body_round_trips_through_its_model() {
    let spec = spec();
    let mut files: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .map(|entry| entry.unwrap().file_name().into_string().unwrap())
        .filter(|name| name.ends_with(".json") && !name.starts_with("spec-"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 11,
        "expected the 11 examples of the spec, found {files:?}"
    );

    let mut requests = 0;
    let mut responses = 0;
    for file in &files {
        let example = read_json(file);
        let operation_id = example["operationId"]
            .as_str()
            .unwrap_or_else(|| panic!("{file}: no operationId"));
        let op = operation(&spec, operation_id);

        for parameter in op["parameters"].as_array().into_iter().flatten() {
            if parameter.get("in").and_then(Value::as_str) != Some("body") {
                continue;
            }
            let name = parameter["name"].as_str().unwrap();
            let Some(body) = example["parameters"].get(name) else {
                continue;
            };
            let schema = definition_name(&parameter["schema"]).unwrap();
            round_trip_schema(schema, body, &format!("{file} request {name} ({schema})"));
            requests += 1;
        }

        for (status, response) in example["responses"].as_object().unwrap() {
            let Some(body) = response.get("body") else { continue };
            let declared = &op["responses"][status];
            let schema = definition_name(&declared["schema"])
                .unwrap_or_else(|| panic!("{file}: the spec declares no body for {operation_id} {status}"));
            round_trip_schema(schema, body, &format!("{file} response {status} ({schema})"));
            responses += 1;
        }
    }
    // At least: two create requests; create 200 and 201 twice, delete 200, two gets, two lists, logs.
    assert!(
        requests >= 2 && responses >= 10,
        "too few bodies checked: {requests} requests, {responses} responses"
    );
}

#[test]
fn example_values_land_in_typed_fields() {
    let failed: ContainerGroup =
        serde_json::from_value(read_json("ContainerGroupsGet_Failed.json")["responses"]["200"]["body"].clone())
            .unwrap();
    let properties = &failed.properties;
    assert_eq!(
        failed.resource_type.as_deref(),
        Some("Microsoft.ContainerInstance/containerGroups")
    );
    assert_eq!(properties.provisioning_state, Some(ProvisioningState::Failed));
    assert_eq!(properties.os_type, Some(OsType::Linux));
    let view = properties.instance_view.as_ref().unwrap();
    assert_eq!(view.state, Some(ContainerGroupState::Pending));
    let events = view.events.as_ref().unwrap();
    assert_eq!(events[0].name.as_deref(), Some("FailedMount"));
    assert_eq!(events[0].event_type.as_deref(), Some("Normal"));
    assert_eq!(events[0].first_timestamp.as_deref(), Some("2017-10-08T00:19:10Z"));
    let container = properties.containers[0].properties.instance_view.as_ref().unwrap();
    assert_eq!(container.restart_count, Some(0));
    let current = container.current_state.as_ref().unwrap();
    assert_eq!(current.state, Some(ContainerRunState::Waiting));
    assert_eq!(current.start_time.as_deref(), Some("2017-08-08T00:09:10Z"));
    assert_eq!(current.detail_status.as_deref(), Some(""));
    let ip = properties.ip_address.as_ref().unwrap();
    assert_eq!(
        (ip.address_type.clone(), ip.ports[0].protocol.clone()),
        (IpAddressType::Public, Some(NetworkProtocol::Tcp))
    );

    let create = read_json("ContainerGroupsCreateOrUpdate.json");
    let request: ContainerGroup = serde_json::from_value(create["parameters"]["containerGroup"].clone()).unwrap();
    let identity = request.identity.as_ref().unwrap();
    assert_eq!(
        identity.identity_type,
        Some(ResourceIdentityType::SystemAssignedUserAssigned)
    );
    assert_eq!(identity.user_assigned_identities.as_ref().unwrap().len(), 1);
    let requests = &request.properties.containers[0]
        .properties
        .resources
        .as_ref()
        .unwrap()
        .requests;
    assert_eq!((requests.cpu, requests.memory_in_gb), (1.0, 1.5));
    assert_eq!(requests.gpu.as_ref().unwrap().sku, GpuSku::K80);
    let properties = &request.properties;
    assert_eq!(
        properties.containers[0].properties.command,
        Some(vec![]),
        "an empty array stays empty, not absent"
    );
    let log_analytics = properties.diagnostics.as_ref().unwrap().log_analytics.as_ref().unwrap();
    assert_eq!(log_analytics.workspace_key.as_ref().unwrap().secret(), "workspaceKey");
    assert_eq!(log_analytics.log_type, Some(LogAnalyticsLogType::ContainerInsights));
    let volumes = properties.volumes.as_ref().unwrap();
    assert_eq!(
        volumes[0]
            .azure_file
            .as_ref()
            .unwrap()
            .storage_account_key
            .as_ref()
            .unwrap()
            .secret(),
        "accountKey"
    );
    assert_eq!(volumes[1].empty_dir, Some(json!({})));
    assert_eq!(
        volumes[2].secret.as_ref().unwrap()["secretKey1"].secret(),
        "SecretValue1InBase64"
    );
    let ip = properties.ip_address.as_ref().unwrap();
    assert_eq!(
        ip.auto_generated_domain_name_label_scope,
        Some(DnsNameLabelReusePolicy::Unsecure)
    );
}

/// A JSON value for `schema` with every property of the spec set, recursively.
fn sample(spec: &Value, schema: &Value, name: &str) -> Value {
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let definition = reference
            .strip_prefix("#/definitions/")
            .unwrap_or_else(|| panic!("external $ref {reference}"));
        return sample(spec, &spec["definitions"][definition], name);
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values[0].clone();
    }
    match schema.get("type").and_then(Value::as_str) {
        Some("string") if schema.get("format").and_then(Value::as_str) == Some("date-time") => {
            json!("2026-05-01T12:34:56.789Z")
        }
        Some("string") => json!(format!("sample-{name}")),
        Some("integer") => json!(7),
        Some("number") => json!(1.25),
        Some("boolean") => json!(true),
        Some("array") => json!([sample(spec, &schema["items"], name)]),
        Some("object") | None if schema.get("properties").is_some() || schema.get("allOf").is_some() => {
            let mut object = Map::new();
            for (key, property) in schema["properties"].as_object().into_iter().flatten() {
                object.insert(key.clone(), sample(spec, property, key));
            }
            for parent in schema["allOf"].as_array().into_iter().flatten() {
                object.extend(parent_sample(parent));
            }
            Value::Object(object)
        }
        Some("object") if schema.get("additionalProperties").is_some() => {
            json!({ "sample-key": sample(spec, &schema["additionalProperties"], name) })
        }
        // No schema at all (`emptyDir`, extension settings): any JSON.
        None => json!({ "any": ["json", 1, true] }),
        other => panic!("{name}: unexpected schema type {other:?}"),
    }
}

/// The properties of the ARM common type a definition extends (only `ProxyResource` here).
fn parent_sample(parent: &Value) -> Map<String, Value> {
    let reference = parent["$ref"].as_str().unwrap();
    assert!(
        reference.ends_with("common-types/resource-management/v5/types.json#/definitions/ProxyResource"),
        "{reference}"
    );
    let system_data = json!({
        "createdBy": "someone@example.com",
        "createdByType": "User",
        "createdAt": "2026-05-01T12:34:56.789Z",
        "lastModifiedBy": "00000000-0000-0000-0000-000000000000",
        "lastModifiedByType": "Application",
        "lastModifiedAt": "2026-05-02T12:34:56.789Z"
    });
    let value = json!({ "id": "sample-id", "name": "sample-name", "type": "sample-type", "systemData": system_data });
    value.as_object().unwrap().clone()
}

fn leaf_count(value: &Value) -> usize {
    match value {
        Value::Object(map) => map.values().map(leaf_count).sum(),
        Value::Array(items) => items.iter().map(leaf_count).sum(),
        _ => 1,
    }
}

#[test]
fn every_spec_property_reachable_from_a_container_group_is_modelled() {
    let spec = spec();
    // Serde ignores unknown fields: a property the model lacks is lost on the way back.
    let group = sample(&spec, &json!({ "$ref": "#/definitions/ContainerGroup" }), "group");
    assert!(
        leaf_count(&group) > 150,
        "the sample should set every property: {group}"
    );
    round_trip::<ContainerGroup>(&group, "fully populated ContainerGroup");

    let list = sample(
        &spec,
        &json!({ "$ref": "#/definitions/ContainerGroupListResult" }),
        "list",
    );
    round_trip::<ContainerGroupListResult>(&list, "fully populated ContainerGroupListResult");

    let logs = sample(&spec, &json!({ "$ref": "#/definitions/Logs" }), "logs");
    round_trip::<Logs>(&logs, "fully populated Logs");
}

/// Every enum schema (named by `x-ms-enum`, else by its definition) reachable from `root`.
fn enums(
    spec: &Value,
    schema: &Value,
    name: &str,
    seen: &mut BTreeSet<String>,
    out: &mut BTreeMap<String, Vec<String>>,
) {
    if let Some(definition) = definition_name(schema) {
        if seen.insert(definition.to_owned()) {
            enums(spec, &spec["definitions"][definition], definition, seen, out);
        }
        return;
    }
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        let enum_name = schema
            .pointer("/x-ms-enum/name")
            .and_then(Value::as_str)
            .unwrap_or(name);
        out.insert(
            enum_name.to_owned(),
            values.iter().map(|v| v.as_str().unwrap().to_owned()).collect(),
        );
        return;
    }
    if let Some(object) = schema.as_object() {
        for (key, child) in object {
            if key != "allOf" {
                enums(spec, child, name, seen, out);
            }
        }
    }
}

/// Asserts that `value` is a known variant of `T` (not `Other`) and round-trips, and that an
/// unknown value round-trips through `Other`.
fn check_enum<T: DeserializeOwned + Serialize + Debug>(value: &str) {
    let typed: T = serde_json::from_value(json!(value)).unwrap();
    assert!(
        !format!("{typed:?}").starts_with("Other("),
        "{value:?} is not a variant of {}",
        std::any::type_name::<T>()
    );
    assert_eq!(serde_json::to_value(&typed).unwrap(), json!(value));
    let future: T = serde_json::from_value(json!("AddedIn2030")).unwrap();
    assert_eq!(format!("{future:?}"), "Other(\"AddedIn2030\")");
    assert_eq!(serde_json::to_value(&future).unwrap(), json!("AddedIn2030"));
}

#[test]
fn every_spec_enum_value_is_a_variant() {
    let spec = spec();
    let mut found = BTreeMap::new();
    for root in ["ContainerGroup", "ContainerGroupListResult"] {
        let root = json!({ "$ref": format!("#/definitions/{root}") });
        enums(&spec, &root, "", &mut BTreeSet::new(), &mut found);
    }
    assert!(found.len() >= 13, "{found:?}");
    for (name, values) in &found {
        for value in values {
            match name.as_str() {
                "ContainerGroupIpAddressType" => check_enum::<IpAddressType>(value),
                "ContainerGroupNetworkProtocol" | "ContainerNetworkProtocol" => check_enum::<NetworkProtocol>(value),
                "ContainerGroupPriority" => check_enum::<ContainerGroupPriority>(value),
                "ContainerGroupProvisioningState" => check_enum::<ProvisioningState>(value),
                "ContainerGroupRestartPolicy" => check_enum::<RestartPolicy>(value),
                "ContainerGroupSku" => check_enum::<ContainerGroupSku>(value),
                "DnsNameLabelReusePolicy" => check_enum::<DnsNameLabelReusePolicy>(value),
                "GpuSku" => check_enum::<GpuSku>(value),
                "IdentityAccessLevel" => check_enum::<IdentityAccessLevel>(value),
                "LogAnalyticsLogType" => check_enum::<LogAnalyticsLogType>(value),
                "OperatingSystemTypes" => check_enum::<OsType>(value),
                "ResourceIdentityType" => check_enum::<ResourceIdentityType>(value),
                "Scheme" => check_enum::<Scheme>(value),
                other => panic!("the spec's enum {other} has no model"),
            }
        }
    }
    // Not enums in the spec, but documented values the waiters and the reaper match on.
    for value in ["Pending", "Running", "Succeeded", "Failed", "Stopped"] {
        check_enum::<ContainerGroupState>(value);
    }
    for value in ["Waiting", "Running", "Terminated"] {
        check_enum::<ContainerRunState>(value);
    }
    for value in ["User", "Application", "ManagedIdentity", "Key"] {
        check_enum::<CreatedByType>(value);
    }
}

const SECRETS: [&str; 7] = [
    "env-s3cr3t",
    "registry-p4ssw0rd",
    "storage-k3y",
    "secret-volume-c0ntent",
    "workspace-k3y",
    "/subscriptions/workspace-resource-id",
    "protected-s3tting",
];

fn group_with_secrets() -> ContainerGroup {
    let mut group = ContainerGroup::new("westeurope");
    let mut container = Container::new("agent", "contoso.azurecr.io/agent:1", 1.0, 1.5);
    container.properties.environment_variables = Some(vec![
        EnvironmentVariable::plain("AZ_ACI_NAME", "agent-1"),
        EnvironmentVariable::secure("AZP_TOKEN", Secret::new(SECRETS[0])),
    ]);
    let properties = &mut group.properties;
    properties.containers.push(container);
    properties.image_registry_credentials = Some(vec![ImageRegistryCredential::with_password(
        "contoso.azurecr.io",
        "contoso",
        Secret::new(SECRETS[1]),
    )]);
    properties.volumes = Some(vec![
        Volume {
            name: "share".into(),
            azure_file: Some(AzureFileVolume {
                share_name: "share".into(),
                read_only: None,
                storage_account_name: "contoso".into(),
                storage_account_key: Some(Secret::new(SECRETS[2])),
                storage_account_key_reference: None,
                user_managed_identity_client_id: None,
            }),
            empty_dir: None,
            secret: None,
            secret_reference: None,
            git_repo: None,
        },
        Volume {
            name: "secrets".into(),
            azure_file: None,
            empty_dir: None,
            secret: Some(BTreeMap::from([("token".to_owned(), Secret::new(SECRETS[3]))])),
            secret_reference: None,
            git_repo: None,
        },
    ]);
    properties.diagnostics = Some(ContainerGroupDiagnostics {
        log_analytics: Some(LogAnalytics {
            workspace_id: "workspace".into(),
            workspace_key: Some(Secret::new(SECRETS[4])),
            log_type: None,
            metadata: None,
            workspace_resource_id: Some(Secret::new(SECRETS[5])),
        }),
    });
    properties.extensions = Some(vec![DeploymentExtension {
        name: "kube-proxy".into(),
        properties: Some(DeploymentExtensionProperties {
            extension_type: "kube-proxy".into(),
            version: "1.0".into(),
            settings: None,
            protected_settings: Some(ProtectedSettings(json!({ "kubeConfig": SECRETS[6] }))),
        }),
    }]);
    group
}

#[test]
fn debug_never_prints_secrets_but_requests_carry_them() {
    let group = group_with_secrets();
    for debug in [format!("{group:?}"), format!("{group:#?}")] {
        for secret in SECRETS {
            assert!(!debug.contains(secret), "Debug printed {secret:?}: {debug}");
        }
        assert!(
            debug.contains("AZP_TOKEN") && debug.contains("agent-1"),
            "Debug still shows what is not secret"
        );
    }
    let body = serde_json::to_string(&group).unwrap();
    for secret in SECRETS {
        assert!(body.contains(secret), "the request body lacks {secret:?}: {body}");
    }
}

#[test]
fn builders_write_the_json_azure_expects() {
    let mut group = ContainerGroup::new("westeurope");
    group.tags = Some(BTreeMap::from([("ephemeral".to_owned(), "true".to_owned())]));
    group.identity = Some(ContainerGroupIdentity::user_assigned([
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id",
    ]));
    group.properties.os_type = Some(OsType::Linux);
    group.properties.restart_policy = Some(RestartPolicy::Never);
    group.properties.ip_address = Some(IpAddress::private([8080]));
    group.properties.subnet_ids = Some(vec![ContainerGroupSubnetId::new(
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aci",
    )]);
    group.properties.image_registry_credentials = Some(vec![ImageRegistryCredential::with_identity(
        "contoso.azurecr.io",
        "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id",
    )]);
    let mut container = Container::new("agent", "contoso.azurecr.io/agent:1", 2.0, 0.5);
    container.properties.environment_variables = Some(vec![
        EnvironmentVariable::plain("MODE", "once"),
        EnvironmentVariable::secure("TOKEN", Secret::new("t0ken")),
    ]);
    group.properties.containers.push(container);

    let expected = json!({
        "location": "westeurope",
        "tags": { "ephemeral": "true" },
        "identity": {
            "type": "UserAssigned",
            "userAssignedIdentities": {
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id": {}
            }
        },
        "properties": {
            "containers": [{
                "name": "agent",
                "properties": {
                    "image": "contoso.azurecr.io/agent:1",
                    "environmentVariables": [
                        { "name": "MODE", "value": "once" },
                        { "name": "TOKEN", "secureValue": "t0ken" }
                    ],
                    "resources": { "requests": { "memoryInGB": 0.5, "cpu": 2 } }
                }
            }],
            "imageRegistryCredentials": [{
                "server": "contoso.azurecr.io",
                "identity": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/id"
            }],
            "restartPolicy": "Never",
            "ipAddress": { "ports": [{ "protocol": "TCP", "port": 8080 }], "type": "Private" },
            "osType": "Linux",
            "subnetIds": [{
                "id": "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/vnet/subnets/aci"
            }]
        }
    });
    assert_same_json(&expected, &serde_json::to_value(&group).unwrap(), "built group");
    assert_eq!(
        serde_json::to_value(ContainerGroupIdentity::system_assigned()).unwrap(),
        json!({ "type": "SystemAssigned" })
    );
    assert_eq!(
        serde_json::to_value(IpAddress::public([80]).address_type).unwrap(),
        json!("Public")
    );
}
