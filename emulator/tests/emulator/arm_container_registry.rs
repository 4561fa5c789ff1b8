//! `Microsoft.ContainerRegistry` over ARM: registries (CRUD, global names, the generic resource
//! list), agent pools from the official 2025-03-01-preview examples
//! (`fixtures/api-examples/acr/AgentPools*.json`) in both api-versions with their LRO shapes,
//! provisioning on the emulator clock, the server-side rules (Premium, quota, name, tier, OS,
//! count, region), tasks with `agentPoolName`, and the resource group cascade.

use std::path::PathBuf;

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Harness, RG_API};

/// The api-version of the examples.
const API: &str = "2025-03-01-preview";
/// The other api-version with agent pools.
const API_2019: &str = "2019-06-01-preview";
/// A stable registries api-version.
const REGISTRY_API: &str = "2025-04-01";

/// An official example of `fixtures/api-examples/acr/`.
fn example(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/api-examples/acr")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).expect("example")).expect("json")
}

/// `.../registries/{registry}{rest}?api-version={api}` in the default group.
fn registry_path(h: &Harness, registry: &str, rest: &str, api: &str) -> String {
    let d = &h.info().defaults;
    format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ContainerRegistry/registries/{registry}{rest}?api-version={api}",
        d.subscription_id, d.resource_group
    )
}

/// Creates registry `name` of `sku` in westus and waits until it is provisioned.
async fn create_registry(h: &Harness, token: &str, name: &str, sku: &str) -> Value {
    let body = json!({ "location": "westus", "sku": { "name": sku }, "tags": { "k": "v" } });
    let reply = h
        .arm(
            Method::PUT,
            &registry_path(h, name, "", REGISTRY_API),
            token,
            Some(body),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert!(reply.header("azure-asyncoperation").is_some());
    assert_eq!(reply.json["properties"]["provisioningState"], "Creating");
    h.advance_clock(1).await;
    h.arm(Method::GET, &registry_path(h, name, "", REGISTRY_API), token, None)
        .await
        .json
}

/// PUT of pool `name` with `properties`, in `api`.
async fn put_pool(
    h: &Harness,
    token: &str,
    registry: &str,
    name: &str,
    api: &str,
    properties: Value,
) -> crate::common::Reply {
    let body = json!({ "location": "westus", "properties": properties });
    let path = registry_path(h, registry, &format!("/agentPools/{name}"), api);
    h.arm(Method::PUT, &path, token, Some(body)).await
}

#[tokio::test]
async fn registries_are_created_found_by_name_updated_and_deleted() {
    let h = Harness::start().await;
    let token = h.token().await;
    let registry = create_registry(&h, &token, "MyRegistry1", "standard").await;
    assert_eq!(registry["properties"]["provisioningState"], "Succeeded", "{registry}");
    assert_eq!(registry["properties"]["loginServer"], "myregistry1.azurecr.io");
    assert_eq!(registry["sku"]["name"], "Standard");
    let sub = &h.info().defaults.subscription_id;
    let generic = format!(
        "/subscriptions/{sub}/resources?api-version={RG_API}&$filter=resourceType eq 'Microsoft.ContainerRegistry/registries'"
    );
    let listed = h.arm(Method::GET, &generic, &token, None).await;
    assert_eq!(listed.json["value"][0]["name"], "MyRegistry1", "{}", listed.text);
    let in_sub =
        format!("/subscriptions/{sub}/providers/Microsoft.ContainerRegistry/registries?api-version={REGISTRY_API}");
    assert_eq!(
        h.arm(Method::GET, &in_sub, &token, None).await.json["value"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    let patched = h
        .arm(
            Method::PATCH,
            &registry_path(&h, "MyRegistry1", "", REGISTRY_API),
            &token,
            Some(json!({ "sku": { "name": "Premium" }, "properties": { "adminUserEnabled": true } })),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.json["sku"]["tier"], "Premium");
    assert_eq!(patched.json["properties"]["adminUserEnabled"], true);
    // Names are global and case-insensitive; the rule is 5-50 alphanumerics; Classic is gone.
    let other_group = h
        .arm(
            Method::PUT,
            &h.rg_path("rg-other"),
            &token,
            Some(json!({ "location": "westus" })),
        )
        .await;
    assert!((200..300).contains(&other_group.status), "{}", other_group.text);
    let taken = format!(
        "/subscriptions/{sub}/resourceGroups/rg-other/providers/Microsoft.ContainerRegistry/registries/myregistry1?api-version={REGISTRY_API}"
    );
    let body = json!({ "location": "westus", "sku": { "name": "Basic" } });
    let reply = h.arm(Method::PUT, &taken, &token, Some(body.clone())).await;
    assert_eq!(
        (reply.status, reply.arm_code()),
        (409, "AlreadyInUse"),
        "{}",
        reply.text
    );
    let check = format!(
        "/subscriptions/{sub}/providers/Microsoft.ContainerRegistry/checkNameAvailability?api-version={REGISTRY_API}"
    );
    let answer = h
        .arm(
            Method::POST,
            &check,
            &token,
            Some(json!({ "name": "MYREGISTRY1", "type": "Microsoft.ContainerRegistry/registries" })),
        )
        .await;
    assert_eq!(answer.json["nameAvailable"], false, "{}", answer.text);
    assert_eq!(answer.json["reason"], "AlreadyExists");
    for bad in ["abc", "my-registry"] {
        let reply = h
            .arm(
                Method::PUT,
                &registry_path(&h, bad, "", REGISTRY_API),
                &token,
                Some(body.clone()),
            )
            .await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.text);
        assert!(reply.text.contains("between 5 and 50"), "{}", reply.text);
    }
    let classic = json!({ "location": "westus", "sku": { "name": "Classic" } });
    let reply = h
        .arm(
            Method::PUT,
            &registry_path(&h, "classic1", "", REGISTRY_API),
            &token,
            Some(classic),
        )
        .await;
    assert_eq!((reply.status, reply.arm_code()), (400, "InvalidSku"), "{}", reply.text);
    // DELETE answers 200, 202 or 204; then the registry is gone (at once or once deleted).
    let deleted = h
        .arm(
            Method::DELETE,
            &registry_path(&h, "MyRegistry1", "", REGISTRY_API),
            &token,
            None,
        )
        .await;
    assert!([200, 202, 204].contains(&deleted.status), "{}", deleted.text);
    h.advance_clock(1).await;
    let gone = h
        .arm(
            Method::GET,
            &registry_path(&h, "MyRegistry1", "", REGISTRY_API),
            &token,
            None,
        )
        .await;
    assert_eq!(gone.status, 404, "{}", gone.text);
}

#[tokio::test]
async fn agent_pool_examples_round_trip_with_the_2025_lro_shapes() {
    let h = Harness::start().await;
    let token = h.token().await;
    create_registry(&h, &token, "myRegistry", "Premium").await;
    let create = example("AgentPoolsCreate.json");
    let pool = "myAgentPool";
    let pool_path = registry_path(&h, "myRegistry", &format!("/agentPools/{pool}"), API);
    let reply = h
        .arm(
            Method::PUT,
            &pool_path,
            &token,
            Some(create["parameters"]["agentPool"].clone()),
        )
        .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    let status_url = reply
        .header("azure-asyncoperation")
        .expect("Azure-AsyncOperation")
        .to_owned();
    assert_eq!(reply.json["properties"]["provisioningState"], "Creating");
    let status_path = &status_url[status_url.find("/subscriptions/").expect("an ARM path")..];
    let polled = h.arm(Method::GET, status_path, &token, None).await;
    assert_eq!(polled.json["status"], "InProgress", "{}", polled.text);
    h.advance_clock(1).await;
    assert_eq!(
        h.arm(Method::GET, status_path, &token, None).await.json["status"],
        "Succeeded"
    );
    // GET shows every property of the example's answer, with this pool's identity.
    let got = h.arm(Method::GET, &pool_path, &token, None).await;
    let expected = &example("AgentPoolsGet.json")["responses"]["200"]["body"];
    for key in ["count", "os", "provisioningState", "tier"] {
        assert_eq!(
            got.json["properties"][key], expected["properties"][key],
            "{key}: {}",
            got.text
        );
    }
    assert_eq!(got.json["type"], expected["type"]);
    assert_eq!(got.json["name"], pool);
    assert_eq!(got.json["tags"], json!({ "key": "value" }));
    let listed = h
        .arm(
            Method::GET,
            &registry_path(&h, "myRegistry", "/agentPools", API),
            &token,
            None,
        )
        .await;
    assert_eq!(listed.json["value"][0], got.json, "{}", listed.text);
    let update = example("AgentPoolsUpdate.json");
    let mut scale = update["parameters"]["updateParameters"].clone();
    scale["properties"]["count"] = json!(2);
    let patched = h.arm(Method::PATCH, &pool_path, &token, Some(scale)).await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.json["properties"]["count"], 2);
    assert_eq!(patched.json["properties"]["provisioningState"], "Updating");
    assert!(patched.header("azure-asyncoperation").is_some());
    h.advance_clock(1).await;
    let got = h.arm(Method::GET, &pool_path, &token, None).await;
    assert_eq!(got.json["properties"]["provisioningState"], "Succeeded");
    let queue = registry_path(&h, "myRegistry", &format!("/agentPools/{pool}/listQueueStatus"), API);
    let queued = h.arm(Method::POST, &queue, &token, None).await;
    assert_eq!(
        (queued.status, &queued.json),
        (200, &json!({ "count": 0 })),
        "{}",
        queued.text
    );
    // DELETE: 202 with a Location under agentPoolsOperationResults, 202 while it runs, 204 after.
    let deleted = h.arm(Method::DELETE, &pool_path, &token, None).await;
    assert_eq!(deleted.status, 202, "{}", deleted.text);
    let location = deleted.header("location").expect("Location").to_owned();
    assert!(
        location.contains("/registries/myRegistry/agentPoolsOperationResults/"),
        "{location}"
    );
    assert!(
        location.contains("/status?api-version=2025-03-01-preview"),
        "{location}"
    );
    let result_path = &location[location.find("/subscriptions/").expect("path")..];
    assert_eq!(h.arm(Method::GET, result_path, &token, None).await.status, 202);
    assert_eq!(
        h.arm(Method::GET, &pool_path, &token, None).await.json["properties"]["provisioningState"],
        "Deleting"
    );
    h.advance_clock(1).await;
    assert_eq!(h.arm(Method::GET, result_path, &token, None).await.status, 204);
    assert_eq!(h.arm(Method::GET, &pool_path, &token, None).await.status, 404);
    assert_eq!(h.arm(Method::DELETE, &pool_path, &token, None).await.status, 204);
    assert_eq!(h.arm(Method::POST, &queue, &token, None).await.status, 404);
}

#[tokio::test]
async fn agent_pools_in_2019_06_01_preview() {
    let h = Harness::start().await;
    let token = h.token().await;
    create_registry(&h, &token, "registry2019", "Premium").await;
    let reply = put_pool(
        &h,
        &token,
        "registry2019",
        "pool2019",
        API_2019,
        json!({ "tier": "S2", "count": 1, "os": "Linux" }),
    )
    .await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert!(reply.header("azure-asyncoperation").is_some());
    let again = put_pool(
        &h,
        &token,
        "registry2019",
        "pool2019",
        API_2019,
        json!({ "tier": "S2", "count": 0 }),
    )
    .await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(again.json["properties"]["count"], 0);
    let path = registry_path(&h, "registry2019", "/agentPools/pool2019", API_2019);
    let deleted = h.arm(Method::DELETE, &path, &token, None).await;
    assert!([200, 202, 204].contains(&deleted.status), "{}", deleted.text);
    if deleted.status == 202 {
        assert!(
            deleted
                .header("location")
                .is_some_and(|l| l.contains("agentPoolsOperationResults"))
        );
    }
    h.advance_clock(1).await;
    assert_eq!(h.arm(Method::GET, &path, &token, None).await.status, 404);
    // Only the two versions with agent pools are accepted.
    let other = registry_path(&h, "registry2019", "/agentPools", REGISTRY_API);
    let reply = h.arm(Method::GET, &other, &token, None).await;
    assert_eq!(
        (reply.status, reply.arm_code()),
        (400, "InvalidApiVersionParameter"),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn the_service_refuses_what_azure_refuses() {
    let h = Harness::start().await;
    let token = h.token().await;
    create_registry(&h, &token, "standardreg", "Standard").await;
    let reply = put_pool(
        &h,
        &token,
        "standardreg",
        "pool1",
        API,
        json!({ "tier": "S1", "count": 1 }),
    )
    .await;
    assert_eq!(
        (reply.status, reply.arm_code()),
        (400, "RegistrySkuNotSupported"),
        "{}",
        reply.text
    );
    create_registry(&h, &token, "premiumreg", "Premium").await;
    for name in ["s3-a", "s3-b"] {
        let reply = put_pool(&h, &token, "premiumreg", name, API, json!({ "tier": "S3", "count": 1 })).await;
        assert_eq!(reply.status, 201, "{name}: {}", reply.text);
    }
    let reply = put_pool(
        &h,
        &token,
        "premiumreg",
        "s1-c",
        API,
        json!({ "tier": "S1", "count": 1 }),
    )
    .await;
    assert_eq!(
        (reply.status, reply.arm_code()),
        (409, "QuotaExceeded"),
        "{}",
        reply.text
    );
    assert!(reply.text.contains("16 of 16"), "{}", reply.text);
    let reply = put_pool(
        &h,
        &token,
        "premiumreg",
        "i6-pool",
        API,
        json!({ "tier": "I6", "count": 1 }),
    )
    .await;
    assert_eq!(
        (reply.status, reply.arm_code()),
        (409, "QuotaExceeded"),
        "{}",
        reply.text
    );
    // Scaling one S3 pool to 0 frees 8 vCPU; scaling it back over the quota is refused.
    let s3 = registry_path(&h, "premiumreg", "/agentPools/s3-a", API);
    let scaled = h
        .arm(
            Method::PATCH,
            &s3,
            &token,
            Some(json!({ "properties": { "count": 0 } })),
        )
        .await;
    assert_eq!(scaled.status, 200, "{}", scaled.text);
    assert_eq!(
        put_pool(
            &h,
            &token,
            "premiumreg",
            "s1-c",
            API,
            json!({ "tier": "S1", "count": 1 })
        )
        .await
        .status,
        201
    );
    let reply = h
        .arm(
            Method::PATCH,
            &s3,
            &token,
            Some(json!({ "properties": { "count": 1 } })),
        )
        .await;
    assert_eq!(reply.arm_code(), "QuotaExceeded", "{}", reply.text);
    let cases = [
        ("ab", json!({ "tier": "S1" }), "westus", "name"),
        ("bad_name", json!({ "tier": "S1" }), "westus", "name"),
        ("tier-pool", json!({ "tier": "S4" }), "westus", "tier"),
        ("os-pool", json!({ "tier": "S1", "os": "Windows" }), "westus", "os"),
        ("count-pool", json!({ "tier": "S1", "count": -1 }), "westus", "count"),
        ("region-pool", json!({ "tier": "S1" }), "eastus", "location"),
        (
            "subnet-pool",
            json!({ "tier": "S1", "virtualNetworkSubnetResourceId": "/subscriptions/x/vnets" }),
            "westus",
            "virtualNetworkSubnetResourceId",
        ),
        (
            "nosubnet-pool",
            json!({ "tier": "S1", "virtualNetworkSubnetResourceId": format!("/subscriptions/{}/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/none/subnets/none", h.info().defaults.subscription_id) }),
            "westus",
            "names no existing subnet",
        ),
    ];
    for (name, properties, location, named) in cases {
        let path = registry_path(&h, "premiumreg", &format!("/agentPools/{name}"), API);
        let body = json!({ "location": location, "properties": properties });
        let reply = h.arm(Method::PUT, &path, &token, Some(body)).await;
        assert_eq!(reply.status, 400, "{name}: {}", reply.text);
        assert!(reply.text.contains(named), "{name}: {}", reply.text);
    }
    let missing = registry_path(&h, "noregistry", "/agentPools/pool1", API);
    let reply = h
        .arm(
            Method::PUT,
            &missing,
            &token,
            Some(json!({ "location": "westus", "properties": {} })),
        )
        .await;
    assert_eq!(reply.status, 404, "{}", reply.text);
}

#[tokio::test]
async fn tasks_name_pools_of_their_registry_and_hide_their_secrets() {
    let h = Harness::start().await;
    let token = h.token().await;
    create_registry(&h, &token, "taskreg", "Premium").await;
    assert_eq!(
        put_pool(&h, &token, "taskreg", "taskpool", API, json!({ "tier": "S1" }))
            .await
            .status,
        201
    );
    let mut body = example("TasksCreate.json")["parameters"]["taskCreateParameters"].clone();
    body["location"] = json!("westus");
    body["properties"]["agentPoolName"] = json!("nopool");
    let path = registry_path(&h, "taskreg", "/tasks/mytask", API);
    let reply = h.arm(Method::PUT, &path, &token, Some(body.clone())).await;
    assert_eq!(
        (reply.status, reply.arm_code()),
        (400, "AgentPoolNotFound"),
        "{}",
        reply.text
    );
    body["properties"]["agentPoolName"] = json!("taskpool");
    body["properties"]["step"]["contextAccessToken"] = json!("git-pat-secret");
    let created = h.arm(Method::PUT, &path, &token, Some(body.clone())).await;
    assert_eq!(created.status, 201, "{}", created.text);
    assert_eq!(created.json["properties"]["agentPoolName"], "taskpool");
    assert!(!created.text.contains("git-pat-secret"), "{}", created.text);
    let details = h
        .arm(
            Method::POST,
            &registry_path(&h, "taskreg", "/tasks/mytask/listDetails", API),
            &token,
            None,
        )
        .await;
    assert_eq!(
        details.json["properties"]["step"]["contextAccessToken"], "git-pat-secret",
        "{}",
        details.text
    );
    let patched = h
        .arm(
            Method::PATCH,
            &path,
            &token,
            Some(json!({ "properties": { "timeout": 600 } })),
        )
        .await;
    assert_eq!(patched.status, 200, "{}", patched.text);
    assert_eq!(patched.json["properties"]["timeout"], 600);
    assert_eq!(patched.json["properties"]["agentPoolName"], "taskpool");
    assert_eq!(h.arm(Method::PUT, &path, &token, Some(body)).await.status, 200);
    let listed = h
        .arm(Method::GET, &registry_path(&h, "taskreg", "/tasks", API), &token, None)
        .await;
    assert_eq!(
        listed.json["value"].as_array().map(Vec::len),
        Some(1),
        "{}",
        listed.text
    );
    let deleted = h.arm(Method::DELETE, &path, &token, None).await;
    assert!([200, 204].contains(&deleted.status), "{}", deleted.text);
    assert_eq!(h.arm(Method::GET, &path, &token, None).await.status, 404);
    assert_eq!(h.arm(Method::DELETE, &path, &token, None).await.status, 204);
}

#[tokio::test]
async fn deleting_the_group_takes_registries_pools_and_tasks() {
    let h = Harness::start().await;
    let token = h.token().await;
    let created = h
        .arm(
            Method::PUT,
            &h.rg_path("rg-acr"),
            &token,
            Some(json!({ "location": "westus" })),
        )
        .await;
    assert!((200..300).contains(&created.status), "{}", created.text);
    let sub = h.info().defaults.subscription_id.clone();
    let base = format!(
        "/subscriptions/{sub}/resourceGroups/rg-acr/providers/Microsoft.ContainerRegistry/registries/cascadereg"
    );
    let body = json!({ "location": "westus", "sku": { "name": "Premium" } });
    assert_eq!(
        h.arm(
            Method::PUT,
            &format!("{base}?api-version={REGISTRY_API}"),
            &token,
            Some(body)
        )
        .await
        .status,
        201
    );
    let pool = format!("{base}/agentPools/pool1?api-version={API}");
    let pool_body = json!({ "location": "westus", "properties": { "tier": "S1" } });
    assert_eq!(h.arm(Method::PUT, &pool, &token, Some(pool_body)).await.status, 201);
    let deleting = h.arm(Method::DELETE, &h.rg_path("rg-acr"), &token, None).await;
    assert!((200..300).contains(&deleting.status), "{}", deleting.text);
    h.advance_clock(60).await;
    let recreated = h
        .arm(
            Method::PUT,
            &h.rg_path("rg-acr"),
            &token,
            Some(json!({ "location": "westus" })),
        )
        .await;
    assert!((200..300).contains(&recreated.status), "{}", recreated.text);
    assert_eq!(
        h.arm(Method::GET, &format!("{base}?api-version={REGISTRY_API}"), &token, None)
            .await
            .status,
        404
    );
    assert_eq!(h.arm(Method::GET, &pool, &token, None).await.status, 404);
}
