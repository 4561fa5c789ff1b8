//! Contract tests of `ContainerGroupsClient` against wiremock: method, path, api-version and body
//! of every operation, delete outcomes, retries, and inputs rejected before any request.

use aci_lifecycle::SubscriptionClient;
use aci_lifecycle::models::{
    Container, ContainerGroup, ContainerGroupSubnetId, EnvironmentVariable, IpAddress, OsType, RestartPolicy,
};
use aci_lifecycle::{ContainerGroupsClient, ContainerGroupsClientOptions, Error, ListLogsOptions};
use arm_core::azure_core::credentials::Secret;
use arm_core::test_support::{
    ManualClock, ScriptedResponses, StaticTokenCredential, mock_arm_client, redirecting_transport,
};
use arm_core::{ArmClientOptions, LroStatus};
use futures::TryStreamExt;
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SUB: &str = "00000000-0000-0000-0000-000000000000";
const CG: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/agent-1";
const SUBNET: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/net/providers/Microsoft.Network/virtualNetworks/vnet/subnets/agents";

fn client(server: &MockServer) -> (ContainerGroupsClient, Arc<ManualClock>) {
    let clock = ManualClock::new();
    let options = ArmClientOptions {
        clock: Some(clock.clone()),
        ..ArmClientOptions::default()
    };
    let arm = mock_arm_client(&server.uri(), Some(options)).unwrap();
    (ContainerGroupsClient::from_arm(arm, SUB).unwrap(), clock)
}

fn agent_group() -> ContainerGroup {
    let mut group = ContainerGroup::new("westeurope");
    group.properties.os_type = Some(OsType::Linux);
    group.properties.restart_policy = Some(RestartPolicy::Never);
    group.properties.ip_address = Some(IpAddress::private([]));
    group.properties.subnet_ids = Some(vec![ContainerGroupSubnetId::new(SUBNET)]);
    let mut container = Container::new("agent", "contoso.azurecr.io/agent:1", 1.0, 1.5);
    container.properties.environment_variables = Some(vec![
        EnvironmentVariable::plain("AZP_POOL", "ephemeral"),
        EnvironmentVariable::secure("AZP_TOKEN", Secret::new("pat-value")),
    ]);
    group.properties.containers.push(container);
    group
}

fn group_json(state: &str) -> Value {
    json!({"id": CG, "name": "agent-1", "type": "Microsoft.ContainerInstance/containerGroups", "location": "westeurope",
           "properties": {"provisioningState": state, "containers": [], "osType": "Linux"}})
}

#[tokio::test]
async fn create_sends_the_group_and_follows_the_operation() {
    let server = MockServer::start().await;
    let expected_body = json!({
        "location": "westeurope",
        "properties": {
            "containers": [{"name": "agent", "properties": {
                "image": "contoso.azurecr.io/agent:1",
                "environmentVariables": [{"name": "AZP_POOL", "value": "ephemeral"}, {"name": "AZP_TOKEN", "secureValue": "pat-value"}],
                "resources": {"requests": {"memoryInGB": 1.5, "cpu": 1}}
            }}],
            "restartPolicy": "Never",
            "ipAddress": {"ports": [], "type": "Private"},
            "osType": "Linux",
            "subnetIds": [{"id": SUBNET}]
        }
    });
    Mock::given(method("PUT"))
        .and(path(CG))
        .and(query_param("api-version", "2023-05-01"))
        .and(body_json(&expected_body))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("azure-asyncoperation", "https://management.azure.com/subscriptions/s/providers/Microsoft.ContainerInstance/locations/westeurope/operations/op?api-version=2023-05-01")
                .set_body_json(group_json("Pending")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(
            "/subscriptions/s/providers/Microsoft.ContainerInstance/locations/westeurope/operations/op",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "Succeeded"})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(CG))
        .respond_with(ResponseTemplate::new(200).set_body_json(group_json("Succeeded")))
        .mount(&server)
        .await;
    let (groups, _) = client(&server);
    let created = groups
        .begin_create_or_update("rg", "agent-1", &agent_group(), None)
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(created.name.as_deref(), Some("agent-1"));
}

#[tokio::test]
async fn every_other_operation_uses_its_method_path_and_api_version() {
    let server = MockServer::start().await;
    let list_rg = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups";
    let list_sub =
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.ContainerInstance/containerGroups";
    let page = json!({"value": [group_json("Succeeded")]});
    let routes = [
        (
            "GET",
            CG.to_owned(),
            ResponseTemplate::new(200).set_body_json(group_json("Succeeded")),
        ),
        (
            "GET",
            list_rg.to_owned(),
            ResponseTemplate::new(200).set_body_json(&page),
        ),
        (
            "GET",
            list_sub.to_owned(),
            ResponseTemplate::new(200).set_body_json(&page),
        ),
        (
            "PATCH",
            CG.to_owned(),
            ResponseTemplate::new(200).set_body_json(group_json("Succeeded")),
        ),
        ("POST", format!("{CG}/stop"), ResponseTemplate::new(204)),
        ("POST", format!("{CG}/start"), ResponseTemplate::new(204)),
        ("POST", format!("{CG}/restart"), ResponseTemplate::new(204)),
        (
            "GET",
            format!("{CG}/containers/agent/logs"),
            ResponseTemplate::new(200).set_body_json(json!({"content": "line 1\nline 2\n"})),
        ),
    ];
    for (verb, route, response) in routes {
        Mock::given(method(verb))
            .and(path(route.as_str()))
            .and(query_param("api-version", "2023-05-01"))
            .respond_with(response)
            .expect(1)
            .mount(&server)
            .await;
    }
    let (groups, _) = client(&server);
    assert_eq!(
        groups.get("rg", "agent-1", None).await.unwrap().name.as_deref(),
        Some("agent-1")
    );
    assert_eq!(
        groups
            .list_by_resource_group("rg", None)
            .unwrap()
            .try_collect::<Vec<_>>()
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(
        groups.list(None).unwrap().try_collect::<Vec<_>>().await.unwrap().len(),
        1
    );
    let tags = BTreeMap::from([("ephemeral".to_owned(), "true".to_owned())]);
    groups.update_tags("rg", "agent-1", &tags, None).await.unwrap();
    groups.stop("rg", "agent-1", None).await.unwrap();
    groups.begin_start("rg", "agent-1", None).await.unwrap().await.unwrap();
    groups
        .begin_restart("rg", "agent-1", None)
        .await
        .unwrap()
        .await
        .unwrap();
    let logs = groups
        .list_logs(
            "rg",
            "agent-1",
            "agent",
            Some(ListLogsOptions {
                tail: Some(10),
                timestamps: Some(true),
                ..ListLogsOptions::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(logs.content.as_deref(), Some("line 1\nline 2\n"));

    let requests = server.received_requests().await.unwrap();
    let patch = requests.iter().find(|r| r.method.as_str() == "PATCH").unwrap();
    assert_eq!(
        serde_json::from_slice::<Value>(&patch.body).unwrap(),
        json!({"tags": {"ephemeral": "true"}})
    );
    let logs = requests.iter().find(|r| r.url.path().ends_with("/logs")).unwrap();
    assert_eq!(logs.url.query(), Some("api-version=2023-05-01&tail=10&timestamps=true"));
}

#[tokio::test]
async fn delete_succeeds_on_200_202_204_and_404_whatever_the_deleted_group_says() {
    let accepted = ResponseTemplate::new(202).insert_header(
        "azure-asyncoperation",
        "https://management.azure.com/subscriptions/s/providers/Microsoft.ContainerInstance/locations/westeurope/operations/del",
    );
    let not_found =
        ResponseTemplate::new(404).set_body_json(json!({"error": {"code": "ResourceNotFound", "message": "gone"}}));
    for (status, response) in [
        (200, ResponseTemplate::new(200).set_body_json(group_json("Succeeded"))),
        // A group that failed to provision still says so in the body of its deletion.
        (200, ResponseTemplate::new(200).set_body_json(group_json("Failed"))),
        (202, accepted),
        (204, ResponseTemplate::new(204)),
        (404, not_found),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("DELETE"))
            .and(path(CG))
            .respond_with(response)
            .expect(1)
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(
                "/subscriptions/s/providers/Microsoft.ContainerInstance/locations/westeurope/operations/del",
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "Succeeded"})))
            .mount(&server)
            .await;
        let (groups, _) = client(&server);
        let mut poller = groups
            .begin_delete("rg", "agent-1", None)
            .await
            .unwrap_or_else(|e| panic!("{status}: {e}"));
        while !poller.poll().await.unwrap().is_terminal() {}
        assert_eq!(poller.status(), &LroStatus::Succeeded, "{status}");
        poller.await.unwrap();
    }
}

#[tokio::test]
async fn throttling_and_server_errors_are_retried_client_errors_are_not() {
    for (status, code, expected_requests) in [
        (429, "TooManyRequests", 2),
        (503, "ServiceUnavailable", 2),
        (400, "InvalidRequest", 1),
        (403, "AuthorizationFailed", 1),
    ] {
        let server = MockServer::start().await;
        let failure = ResponseTemplate::new(status)
            .insert_header("retry-after", "2")
            .set_body_json(json!({"error": {"code": code, "message": "m"}}));
        Mock::given(method("GET"))
            .respond_with(ScriptedResponses::new(vec![
                failure,
                ResponseTemplate::new(200).set_body_json(group_json("Succeeded")),
            ]))
            .mount(&server)
            .await;
        let (groups, clock) = client(&server);
        let result = groups.get("rg", "agent-1", None).await;
        assert_eq!(
            server.received_requests().await.unwrap().len(),
            expected_requests,
            "{status}"
        );
        if expected_requests == 1 {
            let error = result.unwrap_err();
            assert_eq!(error.as_arm().and_then(|e| e.code()), Some(code));
            assert!(clock.sleeps().is_empty());
        } else {
            result.unwrap();
            assert_eq!(clock.sleeps(), vec![std::time::Duration::from_secs(2)]);
        }
    }
}

#[tokio::test]
async fn bad_input_is_refused_before_any_request() {
    let server = MockServer::start().await;
    let (groups, _) = client(&server);
    let with = |change: &dyn Fn(&mut ContainerGroup)| {
        let mut group = agent_group();
        change(&mut group);
        group
    };
    let long = "a".repeat(64);
    let bad_groups: Vec<(ContainerGroup, &str)> = vec![
        (with(&|g| g.location = None), "invalid location"),
        (with(&|g| g.properties.os_type = None), "invalid os_type: is missing"),
        (
            with(&|g| g.properties.containers.clear()),
            "invalid containers: is empty",
        ),
        (
            with(&|g| g.properties.containers[0].name = "Agent".into()),
            "invalid containers[0].name: 'Agent' has a character",
        ),
        (
            with(&|g| g.properties.containers[0].properties.image = None),
            "invalid containers[0].image",
        ),
        (
            with(&|g| g.properties.containers[0].properties.resources = None),
            "invalid containers[0].resources",
        ),
        (
            with(&|g| {
                g.properties.containers[0]
                    .properties
                    .resources
                    .as_mut()
                    .unwrap()
                    .requests
                    .cpu = 0.0
            }),
            "invalid containers[0].resources.requests.cpu",
        ),
        (
            with(&|g| {
                g.properties.containers[0]
                    .properties
                    .resources
                    .as_mut()
                    .unwrap()
                    .requests
                    .cpu = 64.0
            }),
            "invalid containers[0].resources.requests.cpu",
        ),
        (
            with(&|g| {
                g.properties.containers[0]
                    .properties
                    .resources
                    .as_mut()
                    .unwrap()
                    .requests
                    .memory_in_gb = 1.25
            }),
            "invalid containers[0].resources.requests.memory_in_gb: 1.25 is out of range",
        ),
        (
            with(&|g| {
                g.properties.containers[0]
                    .properties
                    .resources
                    .as_mut()
                    .unwrap()
                    .requests
                    .memory_in_gb = 512.0
            }),
            "invalid containers[0].resources.requests.memory_in_gb: 512 is out of range",
        ),
        (
            with(&|g| {
                g.properties.containers[0]
                    .properties
                    .environment_variables
                    .as_mut()
                    .unwrap()
                    .push(EnvironmentVariable::plain("AZP_POOL", "x"))
            }),
            "invalid containers[0].environment_variables[2].name: 'AZP_POOL' is set twice",
        ),
        (
            with(&|g| {
                g.properties.subnet_ids = Some(vec![ContainerGroupSubnetId::new("/subscriptions/s/resourceGroups/net")])
            }),
            "invalid subnet_ids[0]: '/subscriptions/s/resourceGroups/net' is not a Microsoft.Network/virtualNetworks/subnets",
        ),
        (
            with(&|g| g.properties.subnet_ids = Some(vec![ContainerGroupSubnetId::new("subnets/agents")])),
            "invalid subnet_ids[0]: invalid resource id 'subnets/agents'",
        ),
        (
            with(&|g| g.properties.subnet_ids = None),
            "invalid ip_address: is Private but subnet_ids is empty",
        ),
        (
            with(&|g| {
                let second = g.properties.containers[0].clone();
                g.properties.containers.push(second)
            }),
            "invalid containers[1].name: 'agent' is used by two containers",
        ),
    ];
    for (group, expected) in bad_groups {
        let err = groups
            .begin_create_or_update("rg", "agent-1", &group, None)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidInput { .. }), "{err:?}");
        assert!(
            err.to_string().starts_with(expected),
            "{err} does not start with {expected}"
        );
    }
    for (rg, name, expected) in [
        ("rg", "", "invalid container_group_name: '' has a bad length"),
        ("rg", long.as_str(), "invalid container_group_name"),
        (
            "rg",
            "-agent",
            "invalid container_group_name: '-agent' starts or ends with a hyphen",
        ),
        (
            "rg",
            "agent-",
            "invalid container_group_name: 'agent-' starts or ends with a hyphen",
        ),
        (
            "rg",
            "agent_1",
            "invalid container_group_name: 'agent_1' has a character",
        ),
        (
            "rg.",
            "agent-1",
            "invalid resource_group_name: 'rg.' ends with a period",
        ),
        ("r/g", "agent-1", "invalid resource_group_name"),
    ] {
        let err = groups.get(rg, name, None).await.unwrap_err();
        assert!(
            err.to_string().starts_with(expected),
            "{err} does not start with {expected}"
        );
    }
    let err = groups.list_logs("rg", "agent-1", "Agent", None).await.unwrap_err();
    assert!(err.to_string().starts_with("invalid container: 'Agent'"), "{err}");
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "nothing reached Azure"
    );
}

#[test]
fn a_group_with_secrets_keeps_them_out_of_debug() {
    let text = format!("{:?}", agent_group());
    assert!(!text.contains("pat-value"), "{text}");
}

#[tokio::test]
async fn the_client_options_override_the_api_version_of_every_request() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CG))
        .and(query_param("api-version", "2021-10-01"))
        .respond_with(ResponseTemplate::new(200).set_body_json(group_json("Succeeded")))
        .expect(2)
        .mount(&server)
        .await;
    let mut options = ContainerGroupsClientOptions {
        api_version: "2021-10-01".to_owned(),
        ..ContainerGroupsClientOptions::default()
    };
    options.arm.client_options.transport = Some(redirecting_transport(&server.uri()).unwrap().to_transport());
    let groups = ContainerGroupsClient::new(
        &arm_core::Cloud::public(),
        SUB,
        StaticTokenCredential::new("t"),
        Some(options),
    )
    .unwrap();
    assert_eq!(groups.api_version(), "2021-10-01");
    groups.get("rg", "agent-1", None).await.unwrap();
    let (shared, _) = client(&server);
    assert_eq!(shared.api_version(), aci_lifecycle::DEFAULT_API_VERSION);
    shared
        .with_api_version("2021-10-01")
        .get("rg", "agent-1", None)
        .await
        .unwrap();
}
