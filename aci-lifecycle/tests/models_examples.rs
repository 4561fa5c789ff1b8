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
use arm_core::test_support::examples::{
    ApiExamples, ExampleBody, assert_same_json, check_enum, leaf_count, round_trip,
};
use arm_core::test_support::spec_walker::SpecWalker;
use serde_json::json;
use std::collections::BTreeMap;

const SPEC: &str = "spec-2026-05-01.json";

fn examples() -> ApiExamples {
    ApiExamples::new("aci")
}

/// Round-trips an example body through the Rust type of its schema.
fn round_trip_body(example: &ExampleBody) {
    let (body, context) = (&example.body, example.context.as_str());
    match example.schema.as_str() {
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

#[test]
fn every_example_body_round_trips_through_its_model() {
    let spec = examples().read(SPEC);
    let files = examples().files();
    assert!(
        files.len() >= 11,
        "expected the 11 examples of the spec, found {files:?}"
    );

    let bodies = examples().bodies(&spec);
    bodies.iter().for_each(round_trip_body);
    let requests = bodies.iter().filter(|body| body.is_request).count();
    let responses = bodies.len() - requests;
    // At least: two create requests; create 200 and 201 twice, delete 200, two gets, two lists, logs.
    assert!(
        requests >= 2 && responses >= 10,
        "too few bodies checked: {requests} requests, {responses} responses"
    );
}

#[test]
fn example_values_land_in_typed_fields() {
    let failed: ContainerGroup =
        serde_json::from_value(examples().read("ContainerGroupsGet_Failed.json")["responses"]["200"]["body"].clone())
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

    let create = examples().read("ContainerGroupsCreateOrUpdate.json");
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

#[test]
fn every_spec_property_reachable_from_a_container_group_is_modelled() {
    let spec = examples().read(SPEC);
    let walker = SpecWalker::new(&spec);
    // Serde ignores unknown fields: a property the model lacks is lost on the way back.
    let group = walker.sample_of("ContainerGroup");
    assert!(
        leaf_count(&group) > 150,
        "the sample should set every property: {group}"
    );
    round_trip::<ContainerGroup>(&group, "fully populated ContainerGroup");

    let list = walker.sample_of("ContainerGroupListResult");
    round_trip::<ContainerGroupListResult>(&list, "fully populated ContainerGroupListResult");

    let logs = walker.sample_of("Logs");
    round_trip::<Logs>(&logs, "fully populated Logs");
}

#[test]
fn every_spec_enum_value_is_a_variant() {
    let spec = examples().read(SPEC);
    let found = SpecWalker::new(&spec).enums(["ContainerGroup", "ContainerGroupListResult"]);
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
