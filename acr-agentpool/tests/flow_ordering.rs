//! The flows' ordering rule on wiremock: every check runs before the first write, so a refusal
//! leaves the recorded requests without any PUT, PATCH, DELETE or write POST.

use acr_agentpool::flow::{CreatePoolRequest, QuickRunRequest, QuickRunTask};
use acr_agentpool::network::NetworkClient;
use acr_agentpool::{AgentPoolFlow, Error, RegistriesClient, RegistryRef};
use arm_core::storage::StorageClient;
use arm_core::test_support::mock_arm_client;
use serde_json::json;
use std::collections::HashMap;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SUB: &str = "00000000-0000-0000-0000-000000000001";
const REGISTRY: &str = "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/myregistry";

fn registry(sku: &str, location: &str) -> serde_json::Value {
    json!({
        "id": REGISTRY, "name": "myregistry", "type": "Microsoft.ContainerRegistry/registries",
        "location": location, "sku": { "name": sku, "tier": sku },
        "properties": { "loginServer": "myregistry.azurecr.io", "provisioningState": "Succeeded" }
    })
}

fn pool(name: &str, tier: &str, count: i32) -> serde_json::Value {
    json!({
        "id": format!("{REGISTRY}/agentPools/{name}"), "name": name, "location": "eastus",
        "properties": { "tier": tier, "count": count, "os": "Linux", "provisioningState": "Succeeded" }
    })
}

async fn world(registry_body: serde_json::Value, pools: Vec<serde_json::Value>) -> (MockServer, AgentPoolFlow) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(REGISTRY))
        .respond_with(ResponseTemplate::new(200).set_body_json(registry_body))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{REGISTRY}/agentPools")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({ "value": pools.clone() })))
        .mount(&server)
        .await;
    for p in &pools {
        Mock::given(method("GET"))
            .and(path(format!("{REGISTRY}/agentPools/{}", p["name"].as_str().unwrap())))
            .respond_with(ResponseTemplate::new(200).set_body_json(p.clone()))
            .mount(&server)
            .await;
    }
    let arm = mock_arm_client(&server.uri(), None).unwrap();
    let registries = RegistriesClient::new(arm.clone(), SUB, None).unwrap();
    let flow = AgentPoolFlow::new(
        registries,
        NetworkClient::new(arm, None),
        StorageClient::new(None).unwrap(),
    );
    (server, flow)
}

async fn writes(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() != "GET")
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect()
}

fn create(tier: &str, count: i64) -> CreatePoolRequest {
    CreatePoolRequest {
        registry: RegistryRef {
            name: "myregistry".into(),
            resource_group: Some("rg".into()),
        },
        name: "newpool".into(),
        tier: tier.into(),
        count,
        os: "Linux".into(),
        subnet_id: None,
        tags: HashMap::new(),
        skip_preflight: false,
    }
}

#[tokio::test]
async fn create_refusals_come_before_any_write() {
    for (registry_body, pools, request, check) in [
        (registry("Standard", "eastus"), vec![], create("S1", 1), "sku"),
        (registry("Premium", "brazilsouth"), vec![], create("S1", 1), "region"),
        (
            registry("Premium", "eastus"),
            vec![pool("big", "S3", 1)],
            create("S3", 2),
            "quota",
        ),
        (registry("Premium", "eastus"), vec![], create("I6", 1), "quota"),
        (
            registry("Premium", "eastus"),
            vec![pool("newpool", "S1", 1)],
            create("S1", 1),
            "agent pool",
        ),
    ] {
        let (server, flow) = world(registry_body, pools).await;
        let error = flow.create_pool(&request, |_| {}, |_| {}).await.unwrap_err();
        assert!(
            matches!(&error, Error::Refused { check: c, .. } if c == check),
            "{check}: {error}"
        );
        assert_eq!(writes(&server).await, Vec::<String>::new(), "{check}");
    }
}

#[tokio::test]
async fn bad_inputs_are_refused_before_any_request() {
    let (server, flow) = world(registry("Premium", "eastus"), vec![]).await;
    for (request, field) in [
        (create("S9", 1), "tier"),
        (create("S1", -1), "count"),
        (
            CreatePoolRequest {
                name: "x".into(),
                ..create("S1", 1)
            },
            "name",
        ),
        (
            CreatePoolRequest {
                os: "Windows".into(),
                ..create("S1", 1)
            },
            "os",
        ),
    ] {
        let error = flow.create_pool(&request, |_| {}, |_| {}).await.unwrap_err();
        assert!(matches!(error, Error::InvalidInput { .. }), "{field}: {error}");
    }
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn a_run_on_a_pool_of_0_is_refused_before_scheduling() {
    let (server, flow) = world(registry("Premium", "eastus"), vec![pool("idle", "S1", 0)]).await;
    let request = QuickRunRequest {
        registry: RegistryRef {
            name: "myregistry".into(),
            resource_group: Some("rg".into()),
        },
        agent_pool: "idle".into(),
        task: QuickRunTask::Cmd("mcr.microsoft.com/hello-world".into()),
        platform: None,
        timeout: None,
        no_logs: false,
    };
    let error = flow
        .quick_run(&request, std::future::pending(), |_| {}, |_| {})
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::Refused { check, .. } if check == "scale"),
        "{error}"
    );
    assert!(writes(&server).await.is_empty());
}
