//! Contract tests of `AgentPoolsClient`, `RegistriesClient`, `RunsClient` and `TasksClient`
//! against wiremock: method, path, api-version, headers and body of every operation (the
//! official examples of `fixtures/api-examples/acr/` as bodies and answers), the long-running
//! shapes of 2025-03-01-preview and 2019-06-01-preview, retries where a request is safe to send
//! twice and none where it is not (`scheduleRun`), paging, `$filter`/`$top`, SAS URLs kept out
//! of `Debug` and errors, and bad names refused before any request.

use acr_agentpool::client::{AcrClientOptions, RegistriesClientOptions, RunFilter, RunListOptions};
use acr_agentpool::model::{
    AgentPool, AgentPoolUpdateParameters, RunRequest, RunStatus, RunUpdateParameters, SkuName, Task,
    TaskUpdateParameters,
};
use acr_agentpool::{AgentPoolsClient, Error, LEGACY_API_VERSION, RegistriesClient, RunsClient, TasksClient};
use arm_core::test_support::examples::ApiExamples;
use arm_core::test_support::{ManualClock, ScriptedResponses, arm_error, mock_arm_client};
use arm_core::{ArmClient, ArmClientOptions, SubscriptionClient};
use futures::TryStreamExt;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// The subscription, resource group, registry and pool of the official examples.
const SUB: &str = "4385cf00-2d3a-425a-832f-f4285b1c9dce";
const RG: &str = "myResourceGroup";
const REGISTRY: &str = "myRegistry";
const POOL: &str = "myAgentPool";
const API: &str = "2025-03-01-preview";
const REGISTRY_PATH: &str = "/subscriptions/4385cf00-2d3a-425a-832f-f4285b1c9dce/resourceGroups/myResourceGroup/providers/Microsoft.ContainerRegistry/registries/myRegistry";
const OP_PATH: &str = "/subscriptions/4385cf00-2d3a-425a-832f-f4285b1c9dce/providers/Microsoft.ContainerRegistry/locations/westus/operationResults/op1";

fn op_url(api: &str) -> String {
    format!("https://management.azure.com{OP_PATH}?api-version={api}")
}

fn pool_path(suffix: &str) -> String {
    format!("{REGISTRY_PATH}/agentPools/{POOL}{suffix}")
}

fn examples() -> ApiExamples {
    ApiExamples::new("acr")
}

/// An ARM client on `server` whose retries and polls wait on a manual clock.
fn mock_arm(server: &str) -> (ArmClient, Arc<ManualClock>) {
    let clock = ManualClock::new();
    let options = ArmClientOptions {
        clock: Some(clock.clone()),
        ..ArmClientOptions::default()
    };
    (mock_arm_client(server, Some(options)).unwrap(), clock)
}

fn legacy() -> Option<AcrClientOptions> {
    Some(AcrClientOptions {
        api_version: LEGACY_API_VERSION.to_owned(),
    })
}

fn pools_client(server: &MockServer, options: Option<AcrClientOptions>) -> (AgentPoolsClient, Arc<ManualClock>) {
    let (arm, clock) = mock_arm(&server.uri());
    (AgentPoolsClient::new(arm, SUB, RG, REGISTRY, options).unwrap(), clock)
}

fn registries_client(server: &MockServer) -> (RegistriesClient, Arc<ManualClock>) {
    let (arm, clock) = mock_arm(&server.uri());
    (RegistriesClient::new(arm, SUB, None).unwrap(), clock)
}

fn runs_client(server: &MockServer, options: Option<AcrClientOptions>) -> RunsClient {
    RunsClient::new(mock_arm(&server.uri()).0, SUB, RG, REGISTRY, options).unwrap()
}

fn tasks_client(server: &MockServer, options: Option<AcrClientOptions>) -> TasksClient {
    TasksClient::new(mock_arm(&server.uri()).0, SUB, RG, REGISTRY, options).unwrap()
}

/// The headers every ARM request carries: the token and a client request id.
fn authorized() -> impl wiremock::Match {
    |request: &Request| {
        request.headers.get("authorization").and_then(|v| v.to_str().ok()) == Some("Bearer test-token")
            && request.headers.contains_key("x-ms-client-request-id")
    }
}

fn answer(body: &Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// A SAS the service answers with, as the examples write it but expiring in 2999 (the examples'
/// own expired in 2015, and an expired SAS is refused on arrival).
fn fresh(sas: &Value) -> Value {
    json!(
        sas.as_str()
            .unwrap()
            .replace("se=2015-04-30T02%3A23%3A26Z", "se=2999-01-01T00%3A00%3A00Z")
    )
}

async fn operation(server: &MockServer, api: &str, statuses: &[&str]) {
    let answers = statuses
        .iter()
        .map(|status| answer(&json!({"status": status})).insert_header("retry-after", "2"))
        .collect();
    Mock::given(method("GET"))
        .and(path(OP_PATH))
        .and(query_param("api-version", api))
        .respond_with(ScriptedResponses::new(answers))
        .mount(server)
        .await;
}

// ---------------------------------------------------------------------------------------------
// Agent pools

#[tokio::test]
async fn pool_create_puts_the_example_and_follows_azure_async_operation() {
    let server = MockServer::start().await;
    let example = examples().read("AgentPoolsCreate.json");
    let body = example["parameters"]["agentPool"].clone();
    let mut creating = example["responses"]["201"]["body"].clone();
    creating["properties"]["provisioningState"] = json!("Creating");
    Mock::given(method("PUT"))
        .and(path(pool_path("")))
        .and(query_param("api-version", API))
        .and(header("content-type", "application/json"))
        .and(authorized())
        .and(body_json(&body))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("azure-asyncoperation", op_url(API).as_str())
                .insert_header("retry-after", "1")
                .set_body_json(&creating),
        )
        .expect(1)
        .mount(&server)
        .await;
    operation(&server, API, &["InProgress", "Succeeded"]).await;
    Mock::given(method("GET"))
        .and(path(pool_path("")))
        .and(query_param("api-version", API))
        .respond_with(answer(
            &examples().read("AgentPoolsGet.json")["responses"]["200"]["body"],
        ))
        .expect(1)
        .mount(&server)
        .await;
    let (pools, clock) = pools_client(&server, None);
    let pool: AgentPool = serde_json::from_value(body).unwrap();
    let created = pools.begin_create(POOL, &pool, None).await.unwrap().await.unwrap();
    assert_eq!(created.count(), Some(1));
    assert_eq!(
        clock.sleeps(),
        vec![Duration::from_secs(1), Duration::from_secs(2)],
        "Retry-After honoured"
    );
}

#[tokio::test]
async fn pool_get_and_list_follow_next_link() {
    let server = MockServer::start().await;
    let get = examples().read("AgentPoolsGet.json")["responses"]["200"]["body"].clone();
    let mut page = examples().read("AgentPoolsList.json")["responses"]["200"]["body"].clone();
    let next = format!("https://management.azure.com{REGISTRY_PATH}/agentPools?api-version={API}&$skipToken=p2");
    page["nextLink"] = json!(next);
    Mock::given(method("GET"))
        .and(path(pool_path("")))
        .and(query_param("api-version", API))
        .and(authorized())
        .respond_with(answer(&get))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{REGISTRY_PATH}/agentPools")))
        .and(query_param("$skipToken", "p2"))
        .respond_with(answer(&json!({"value": [get.clone()]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{REGISTRY_PATH}/agentPools")))
        .and(query_param("api-version", API))
        .and(query_param_is_missing("$skipToken"))
        .respond_with(answer(&page))
        .expect(1)
        .mount(&server)
        .await;
    let (pools, _) = pools_client(&server, None);
    assert_eq!(
        pools.get(POOL, None).await.unwrap().count(),
        get["properties"]["count"].as_i64().map(|c| c as i32)
    );
    let listed: Vec<AgentPool> = pools.list(None).unwrap().try_collect().await.unwrap();
    assert_eq!(listed.len(), page["value"].as_array().unwrap().len() + 1);
}

#[tokio::test]
async fn pool_update_patches_count_and_tags_with_both_answers() {
    let example = examples().read("AgentPoolsUpdate.json");
    let body = example["parameters"]["updateParameters"].clone();
    let parameters: AgentPoolUpdateParameters = serde_json::from_value(body.clone()).unwrap();
    // 200 and 201 with the final pool: done at once, nothing polled.
    for status in ["200", "201"] {
        let server = MockServer::start().await;
        Mock::given(method("PATCH"))
            .and(path(pool_path("")))
            .and(query_param("api-version", API))
            .and(header("content-type", "application/json"))
            .and(body_json(&body))
            .respond_with(
                ResponseTemplate::new(status.parse::<u16>().unwrap())
                    .set_body_json(&example["responses"][status]["body"]),
            )
            .expect(1)
            .mount(&server)
            .await;
        let (pools, _) = pools_client(&server, None);
        let updated = pools
            .begin_update(POOL, &parameters, None)
            .await
            .unwrap()
            .await
            .unwrap();
        assert_eq!(updated.count(), Some(1), "{status}");
    }
    // 201 while `Updating`, without operation headers: the pool itself is polled.
    let server = MockServer::start().await;
    let mut updating = example["responses"]["201"]["body"].clone();
    updating["properties"]["provisioningState"] = json!("Updating");
    Mock::given(method("PATCH"))
        .and(path(pool_path("")))
        .respond_with(ResponseTemplate::new(201).set_body_json(&updating))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(pool_path("")))
        .respond_with(ScriptedResponses::new(vec![
            answer(&updating),
            answer(&example["responses"]["200"]["body"]),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let (pools, _) = pools_client(&server, None);
    let updated = pools
        .begin_update(POOL, &parameters, None)
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(updated.provisioning_state().map(|s| s.as_str()), Some("Succeeded"));
}

#[tokio::test]
async fn pool_delete_follows_location_then_counts_204_and_404_as_gone() {
    let example = examples().read("AgentPoolsDelete.json");
    let location = example["responses"]["202"]["headers"]["Location"]
        .as_str()
        .unwrap()
        .to_owned();
    let location_path = location
        .trim_start_matches("https://management.azure.com")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    assert!(
        location_path.contains("/agentPoolsOperationResults/"),
        "{location_path}"
    );
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path(pool_path("")))
        .and(query_param("api-version", API))
        .and(authorized())
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("location", location.as_str())
                .insert_header("retry-after", "3"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(location_path.as_str()))
        .respond_with(ScriptedResponses::new(vec![
            ResponseTemplate::new(202).insert_header("location", location.as_str()),
            ResponseTemplate::new(204),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let (client, clock) = pools_client(&server, None);
    client.begin_delete(POOL, None).await.unwrap().await.unwrap();
    assert_eq!(clock.sleeps().first(), Some(&Duration::from_secs(3)));

    for gone in [
        ResponseTemplate::new(204),
        arm_error(404, "ResourceNotFound", "not found"),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("DELETE"))
            .and(path(pool_path("")))
            .respond_with(gone)
            .expect(1)
            .mount(&server)
            .await;
        let (client, _) = pools_client(&server, None);
        client.begin_delete(POOL, None).await.unwrap().await.unwrap();
    }
}

#[tokio::test]
async fn queue_status_is_a_post_retried_after_a_5xx() {
    let server = MockServer::start().await;
    let example = examples().read("AgentPoolsGetQueueStatus.json");
    Mock::given(method("POST"))
        .and(path(pool_path("/listQueueStatus")))
        .and(query_param("api-version", API))
        .and(authorized())
        .respond_with(ScriptedResponses::new(vec![
            arm_error(503, "ServiceUnavailable", "try again"),
            answer(&example["responses"]["200"]["body"]),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let (pools, _) = pools_client(&server, None);
    let status = pools.queue_status(POOL, None).await.unwrap();
    assert_eq!(
        status.count.map(i64::from),
        example["responses"]["200"]["body"]["count"].as_i64()
    );
}

#[tokio::test]
async fn a_throttled_get_waits_for_retry_after() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(pool_path("")))
        .respond_with(ScriptedResponses::new(vec![
            arm_error(429, "TooManyRequests", "slow down").insert_header("retry-after", "7"),
            answer(&examples().read("AgentPoolsGet.json")["responses"]["200"]["body"]),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let (pools, clock) = pools_client(&server, None);
    pools.get(POOL, None).await.unwrap();
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(7)]);
}

#[tokio::test]
async fn the_api_version_is_the_clients_and_can_be_the_legacy_one() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(pool_path("")))
        .and(query_param("api-version", LEGACY_API_VERSION))
        .respond_with(answer(
            &examples().read("AgentPoolsGet.json")["responses"]["200"]["body"],
        ))
        .expect(2)
        .mount(&server)
        .await;
    let (legacy_pools, _) = pools_client(&server, legacy());
    assert_eq!(legacy_pools.api_version(), LEGACY_API_VERSION);
    legacy_pools.get(POOL, None).await.unwrap();
    let (pools, _) = pools_client(&server, None);
    assert_eq!(pools.api_version(), API);
    pools
        .with_api_version(LEGACY_API_VERSION)
        .get(POOL, None)
        .await
        .unwrap();
}

// ---------------------------------------------------------------------------------------------
// Registries

fn registry_body(sku: &str) -> Value {
    json!({
        "id": REGISTRY_PATH,
        "name": REGISTRY,
        "type": "Microsoft.ContainerRegistry/registries",
        "location": "westus",
        "tags": {"key": "value"},
        "sku": {"name": sku, "tier": sku},
        "properties": {
            "loginServer": "myregistry.azurecr.io",
            "creationDate": "2021-06-15T21:38:26.1537861Z",
            "provisioningState": "Succeeded",
            "adminUserEnabled": false
        }
    })
}

#[tokio::test]
async fn registry_get_uses_the_stable_registry_api_version() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(REGISTRY_PATH))
        .and(query_param("api-version", "2023-07-01"))
        .and(authorized())
        .respond_with(answer(&registry_body("Premium")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(REGISTRY_PATH))
        .and(query_param("api-version", "2019-05-01"))
        .respond_with(answer(&registry_body("Basic")))
        .expect(1)
        .mount(&server)
        .await;
    let (registries, _) = registries_client(&server);
    let registry = registries.get(RG, REGISTRY, None).await.unwrap();
    assert_eq!(registry.sku.name, SkuName::Premium);
    assert_eq!(registry.location, "westus");
    let options = RegistriesClientOptions {
        registry_api_version: "2019-05-01".to_owned(),
        ..RegistriesClientOptions::default()
    };
    let older = RegistriesClient::new(mock_arm(&server.uri()).0, SUB, Some(options)).unwrap();
    assert_eq!(older.get(RG, REGISTRY, None).await.unwrap().sku.name, SkuName::Basic);
}

#[tokio::test]
async fn a_registry_that_does_not_exist_is_a_clear_404() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(REGISTRY_PATH))
        .respond_with(arm_error(
            404,
            "ResourceNotFound",
            "The Resource 'Microsoft.ContainerRegistry/registries/myRegistry' under resource group 'myResourceGroup' was not found.",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let (registries, _) = registries_client(&server);
    let error = registries.get(RG, REGISTRY, None).await.unwrap_err();
    let Error::Arm(arm) = &error else { panic!("{error:?}") };
    assert!(arm.is_not_found(), "{error}");
    let message = error.to_string();
    assert!(
        message.contains("404") && message.contains("ResourceNotFound"),
        "{message}"
    );
    assert!(message.contains("registries/myRegistry"), "{message}");
    assert!(message.contains("req-42"), "the request id is kept: {message}");
    assert!(!message.contains('\n'), "{message}");
}

#[tokio::test]
async fn find_reads_the_subscriptions_resource_list_as_the_azure_cli_does() {
    let listed = |name: &str, group: &str| {
        json!({
            "id": format!("/subscriptions/{SUB}/resourceGroups/{group}/providers/Microsoft.ContainerRegistry/registries/{name}"),
            "name": name,
            "type": "Microsoft.ContainerRegistry/registries",
            "location": "westus"
        })
    };
    let resources = format!("/subscriptions/{SUB}/resources");
    let filter = |name: &str| format!("name eq '{name}' and resourceType eq 'Microsoft.ContainerRegistry/registries'");
    let server = MockServer::start().await;
    let next = format!("https://management.azure.com{resources}?api-version=2021-04-01&$skiptoken=2");
    Mock::given(method("GET"))
        .and(path(resources.as_str()))
        .and(query_param("$skiptoken", "2"))
        .respond_with(answer(&json!({"value": [listed("MYREGISTRY", "rg-acr")]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(resources.as_str()))
        .and(query_param("api-version", "2021-04-01"))
        .and(query_param("$filter", filter("myRegistry").as_str()))
        .and(query_param_is_missing("$skiptoken"))
        .and(authorized())
        .respond_with(answer(
            &json!({"value": [listed("otherregistry", "rg-x")], "nextLink": next}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(resources.as_str()))
        .and(query_param("$filter", filter("nosuchregistry").as_str()))
        .respond_with(answer(&json!({"value": []})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(resources.as_str()))
        .and(query_param("$filter", filter("twiceregistry").as_str()))
        .respond_with(answer(
            &json!({"value": [listed("twiceregistry", "rg-a"), listed("twiceregistry", "rg-b")]}),
        ))
        .mount(&server)
        .await;
    let (registries, _) = registries_client(&server);
    let found = registries.find(REGISTRY, None).await.unwrap();
    assert_eq!(
        found.resource_group(),
        Some("rg-acr"),
        "matched case-insensitively, across pages"
    );

    let none = registries.find("nosuchregistry", None).await.unwrap_err().to_string();
    assert_eq!(
        none,
        format!(
            "registry: no container registry named 'nosuchregistry' in subscription {SUB} (or none this identity may read): check the name and the subscription, or give the resource group"
        )
    );
    let several = registries.find("twiceregistry", None).await.unwrap_err().to_string();
    assert!(
        several.starts_with("registry: 2 container registries named 'twiceregistry'"),
        "{several}"
    );
    assert!(several.contains("rg-a") && several.contains("rg-b") && several.ends_with("give the resource group"));
}

#[tokio::test]
async fn the_build_source_upload_url_is_a_sas_kept_out_of_debug() {
    let server = MockServer::start().await;
    let mut body = examples().read("RegistriesGetBuildSourceUploadUrl.json")["responses"]["200"]["body"].clone();
    body["uploadUrl"] = fresh(&body["uploadUrl"]);
    Mock::given(method("POST"))
        .and(path(format!("{REGISTRY_PATH}/listBuildSourceUploadUrl")))
        .and(query_param("api-version", API))
        .and(authorized())
        .respond_with(ScriptedResponses::new(vec![
            arm_error(500, "InternalServerError", "oops"),
            answer(&body),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let (registries, _) = registries_client(&server);
    let upload = registries.build_source_upload_url(RG, REGISTRY, None).await.unwrap();
    assert_eq!(upload.relative_path, body["relativePath"].as_str().unwrap());
    assert_eq!(upload.upload_url.secret().secret(), body["uploadUrl"].as_str().unwrap());
    let shown = format!("{upload:?} {}", upload.upload_url);
    assert!(!shown.contains("sig=") && !shown.contains("Z%2FRHIX5"), "{shown}");
    assert!(
        shown.contains("registrystorageaccount.blob.core.windows.net"),
        "{shown}"
    );
}

#[tokio::test]
async fn an_expired_upload_sas_is_refused_without_showing_it() {
    let server = MockServer::start().await;
    let example = examples().read("RegistriesGetBuildSourceUploadUrl.json");
    Mock::given(method("POST"))
        .and(path(format!("{REGISTRY_PATH}/listBuildSourceUploadUrl")))
        .respond_with(answer(&example["responses"]["200"]["body"]))
        .mount(&server)
        .await;
    let (registries, _) = registries_client(&server);
    let error = registries
        .build_source_upload_url(RG, REGISTRY, None)
        .await
        .unwrap_err();
    let shown = format!("{error} {error:?}");
    assert!(shown.contains("expired"), "{shown}");
    assert!(!shown.contains("sig=") && !shown.contains("Z%2FRHIX5"), "{shown}");
}

#[tokio::test]
async fn schedule_run_posts_every_example_request_and_returns_the_run() {
    let names: Vec<String> = examples()
        .files()
        .into_iter()
        .filter(|f| f.starts_with("RegistriesScheduleRun"))
        .collect();
    assert_eq!(names.len(), 7, "{names:?}");
    for name in names {
        let example = examples().read(&name);
        let body = example["parameters"]["runRequest"].clone();
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(format!("{REGISTRY_PATH}/scheduleRun")))
            .and(query_param("api-version", API))
            .and(header("content-type", "application/json"))
            .and(authorized())
            .and(body_json(&body))
            .respond_with(answer(&example["responses"]["200"]["body"]))
            .expect(1)
            .mount(&server)
            .await;
        let (registries, _) = registries_client(&server);
        let request: RunRequest = serde_json::from_value(body).unwrap();
        let run = registries.schedule_run(RG, REGISTRY, &request, None).await.unwrap();
        assert_eq!(
            run.run_id(),
            example["responses"]["200"]["body"]["properties"]["runId"].as_str(),
            "{name}"
        );
    }
}

#[tokio::test]
async fn legacy_schedule_run_follows_the_operation_to_the_run() {
    let example = examples().read("RegistriesScheduleRun_Task.json");
    let body = example["parameters"]["runRequest"].clone();
    let run = examples().read("RunsGet.json")["responses"]["200"]["body"].clone();
    let run_path = format!("{REGISTRY_PATH}/runs/{}", run["name"].as_str().unwrap());
    let request: RunRequest = serde_json::from_value(body.clone()).unwrap();

    // 202 with Azure-AsyncOperation and Location: the operation, then the run at Location.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{REGISTRY_PATH}/scheduleRun")))
        .and(query_param("api-version", LEGACY_API_VERSION))
        .and(body_json(&body))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("azure-asyncoperation", op_url(LEGACY_API_VERSION).as_str())
                .insert_header(
                    "location",
                    format!("https://management.azure.com{run_path}?api-version={LEGACY_API_VERSION}").as_str(),
                ),
        )
        .expect(1)
        .mount(&server)
        .await;
    operation(&server, LEGACY_API_VERSION, &["InProgress", "Succeeded"]).await;
    Mock::given(method("GET"))
        .and(path(run_path.as_str()))
        .and(query_param("api-version", LEGACY_API_VERSION))
        .respond_with(answer(&run))
        .expect(1)
        .mount(&server)
        .await;
    let (arm, _) = mock_arm(&server.uri());
    let options = RegistriesClientOptions {
        api_version: LEGACY_API_VERSION.to_owned(),
        ..RegistriesClientOptions::default()
    };
    let registries = RegistriesClient::new(arm, SUB, Some(options)).unwrap();
    let scheduled = registries.schedule_run(RG, REGISTRY, &request, None).await.unwrap();
    assert_eq!(scheduled.run_id(), run["properties"]["runId"].as_str());

    // A 202 with only Azure-AsyncOperation gives no run: a clear error, not a decode failure.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{REGISTRY_PATH}/scheduleRun")))
        .respond_with(
            ResponseTemplate::new(202).insert_header("azure-asyncoperation", op_url(LEGACY_API_VERSION).as_str()),
        )
        .expect(1)
        .mount(&server)
        .await;
    operation(&server, LEGACY_API_VERSION, &["Succeeded"]).await;
    let registries = RegistriesClient::new(mock_arm(&server.uri()).0, SUB, None)
        .unwrap()
        .with_api_version(LEGACY_API_VERSION);
    let error = registries.schedule_run(RG, REGISTRY, &request, None).await.unwrap_err();
    assert!(matches!(error, Error::Wait { .. }), "{error:?}");
    assert!(
        error.to_string().contains("scheduleRun ended without giving the run"),
        "{error}"
    );
}

#[tokio::test]
async fn schedule_run_is_retried_after_429_but_never_after_a_5xx() {
    let example = examples().read("RegistriesScheduleRun.json");
    let request: RunRequest = serde_json::from_value(example["parameters"]["runRequest"].clone()).unwrap();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{REGISTRY_PATH}/scheduleRun")))
        .respond_with(ScriptedResponses::new(vec![
            arm_error(429, "TooManyRequests", "slow down").insert_header("retry-after", "4"),
            answer(&example["responses"]["200"]["body"]),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let (registries, clock) = registries_client(&server);
    registries.schedule_run(RG, REGISTRY, &request, None).await.unwrap();
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(4)]);

    for status in [500, 502, 503, 504] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(format!("{REGISTRY_PATH}/scheduleRun")))
            .respond_with(arm_error(status, "InternalServerError", "lost"))
            .expect(1)
            .mount(&server)
            .await;
        let (registries, _) = registries_client(&server);
        let error = registries.schedule_run(RG, REGISTRY, &request, None).await.unwrap_err();
        let Error::Arm(arm) = &error else { panic!("{error:?}") };
        assert_eq!(arm.status().map(u16::from), Some(status), "{error}");
    }
}

/// A TCP proxy to `upstream` that closes the first connection once it has read the request
/// (the answer is lost: the service may have acted), and relays every later one; it counts the
/// connections it accepted.
async fn dropping_proxy(upstream: std::net::SocketAddr) -> (String, Arc<AtomicUsize>) {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let count = accepted.clone();
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            if count.fetch_add(1, Ordering::SeqCst) == 0 {
                let mut buffer = vec![0u8; 64 * 1024];
                let _ = client.read(&mut buffer).await;
                drop(client);
                continue;
            }
            tokio::spawn(async move {
                let mut server = tokio::net::TcpStream::connect(upstream).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
    (format!("http://{address}"), accepted)
}

#[tokio::test]
async fn schedule_run_is_not_sent_again_after_a_dropped_connection() {
    let example = examples().read("RegistriesScheduleRun.json");
    let request: RunRequest = serde_json::from_value(example["parameters"]["runRequest"].clone()).unwrap();
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{REGISTRY_PATH}/scheduleRun")))
        .respond_with(answer(&example["responses"]["200"]["body"]))
        .expect(1)
        .mount(&server)
        .await;
    let (proxy, accepted) = dropping_proxy(*server.address()).await;
    let (arm, _) = mock_arm(&proxy);
    let registries = RegistriesClient::new(arm, SUB, None).unwrap();
    let error = registries.schedule_run(RG, REGISTRY, &request, None).await.unwrap_err();
    assert_eq!(
        accepted.load(Ordering::SeqCst),
        1,
        "the lost scheduleRun was not sent again: {error}"
    );
    assert!(!error.to_string().contains("sig="), "{error}");
    // The caller decides to ask again: this one goes through the relay.
    registries.schedule_run(RG, REGISTRY, &request, None).await.unwrap();
    assert_eq!(accepted.load(Ordering::SeqCst), 2);
}

// ---------------------------------------------------------------------------------------------
// Runs

const RUN: &str = "0accec26-d6de-4757-8e74-d080f38eaaab";

fn run_path(suffix: &str) -> String {
    format!("{REGISTRY_PATH}/runs/{RUN}{suffix}")
}

#[tokio::test]
async fn run_get_update_and_cancel() {
    let server = MockServer::start().await;
    let run = examples().read("RunsGet.json")["responses"]["200"]["body"].clone();
    Mock::given(method("GET"))
        .and(path(run_path("")))
        .and(query_param("api-version", API))
        .and(authorized())
        .respond_with(answer(&run))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(run_path("")))
        .and(query_param("api-version", API))
        .and(body_json(json!({"isArchiveEnabled": true})))
        .respond_with(ScriptedResponses::new(vec![
            arm_error(503, "ServiceUnavailable", "busy"),
            answer(&run),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(run_path("/cancel")))
        .and(query_param("api-version", API))
        .and(authorized())
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let runs = runs_client(&server, None);
    assert_eq!(runs.get(RUN, None).await.unwrap().run_id(), Some(RUN));
    let parameters = RunUpdateParameters {
        is_archive_enabled: Some(true),
    };
    assert_eq!(runs.update(RUN, &parameters, None).await.unwrap().run_id(), Some(RUN));
    runs.cancel(RUN, None).await.unwrap();
}

#[tokio::test]
async fn legacy_cancel_follows_location_and_is_retried_after_a_5xx() {
    let server = MockServer::start().await;
    let location = format!("https://management.azure.com{OP_PATH}?api-version={LEGACY_API_VERSION}");
    Mock::given(method("POST"))
        .and(path(run_path("/cancel")))
        .and(query_param("api-version", LEGACY_API_VERSION))
        .respond_with(ScriptedResponses::new(vec![
            arm_error(500, "InternalServerError", "oops"),
            ResponseTemplate::new(202).insert_header("location", location.as_str()),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(OP_PATH))
        .respond_with(ScriptedResponses::new(vec![
            ResponseTemplate::new(202),
            ResponseTemplate::new(200),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    runs_client(&server, legacy()).cancel(RUN, None).await.unwrap();
}

#[tokio::test]
async fn run_list_encodes_filter_and_top_and_pages() {
    let server = MockServer::start().await;
    let run = examples().read("RunsGet.json")["responses"]["200"]["body"].clone();
    let filter = "AgentPoolName eq 'myAgentPool' and Status eq 'Queued' and TaskName eq 'it''s'";
    let next = format!("https://management.azure.com{REGISTRY_PATH}/runs?api-version={API}&$skipToken=2");
    Mock::given(method("GET"))
        .and(path(format!("{REGISTRY_PATH}/runs")))
        .and(query_param("$skipToken", "2"))
        .respond_with(answer(&json!({"value": [run.clone()]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{REGISTRY_PATH}/runs")))
        .and(query_param("api-version", API))
        .and(query_param("$filter", filter))
        .and(query_param("$top", "10"))
        .and(|request: &Request| {
            // Spaces and quotes percent- or form-encoded, never raw in the URL.
            let query = request.url.query().unwrap_or_default();
            query.contains("%24filter=AgentPoolName+eq+%27myAgentPool%27+and+Status") && !query.contains('\'')
        })
        .respond_with(answer(&json!({"value": [run.clone()], "nextLink": next})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{REGISTRY_PATH}/runs")))
        .and(query_param_is_missing("$filter"))
        .and(query_param_is_missing("$top"))
        .and(query_param_is_missing("$skipToken"))
        .respond_with(answer(&json!({"value": []})))
        .expect(2)
        .mount(&server)
        .await;
    let runs = runs_client(&server, None);
    let options = RunListOptions {
        filter: Some(
            RunFilter::new()
                .agent_pool_name(POOL)
                .status(&RunStatus::Queued)
                .task_name("it's"),
        ),
        top: Some(10),
        ..RunListOptions::default()
    };
    let listed: Vec<_> = runs.list(Some(options)).unwrap().try_collect().await.unwrap();
    assert_eq!(listed.len(), 2);
    let all: Vec<_> = runs.list(None).unwrap().try_collect().await.unwrap();
    assert!(all.is_empty());
    let empty_filter = RunListOptions {
        filter: Some(RunFilter::new()),
        ..RunListOptions::default()
    };
    let all: Vec<_> = runs.list(Some(empty_filter)).unwrap().try_collect().await.unwrap();
    assert!(all.is_empty(), "an empty filter sends no $filter");
}

#[tokio::test]
async fn run_log_links_are_sas_urls_kept_out_of_debug() {
    let server = MockServer::start().await;
    let mut body = examples().read("RunsGetLogSasUrl.json")["responses"]["200"]["body"].clone();
    body["logLink"] = fresh(&body["logLink"]);
    Mock::given(method("POST"))
        .and(path(run_path("/listLogSasUrl")))
        .and(query_param("api-version", API))
        .and(authorized())
        .respond_with(ScriptedResponses::new(vec![
            arm_error(502, "BadGateway", "oops"),
            answer(&body),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let links = runs_client(&server, None).log_sas_url(RUN, None).await.unwrap();
    assert_eq!(links.log_link.secret().secret(), body["logLink"].as_str().unwrap());
    assert!(links.log_artifact_link.is_none());
    let shown = format!("{links:?}");
    assert!(!shown.contains("sig=") && !shown.contains("Z%2FRHIX5"), "{shown}");
    assert!(shown.contains("rawtext.log"), "{shown}");

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(run_path("/listLogSasUrl")))
        .respond_with(answer(&json!({})))
        .mount(&server)
        .await;
    let error = runs_client(&server, None).log_sas_url(RUN, None).await.unwrap_err();
    assert_eq!(
        error.to_string(),
        format!("invalid logLink: listLogSasUrl of run '{RUN}' answered without logLink")
    );
}

// ---------------------------------------------------------------------------------------------
// Tasks

const TASK: &str = "mytTask";

fn task_path(suffix: &str) -> String {
    format!("{REGISTRY_PATH}/tasks/{TASK}{suffix}")
}

#[tokio::test]
async fn task_create_get_details_list_update_and_delete() {
    let server = MockServer::start().await;
    let example = examples().read("TasksCreate.json");
    assert_eq!(example["parameters"]["taskName"], TASK);
    let body = example["parameters"]["taskCreateParameters"].clone();
    // The example's 201 says `Creating`: the task is read until it says `Succeeded`.
    let creating = example["responses"]["201"]["body"].clone();
    let created = example["responses"]["200"]["body"].clone();
    assert_eq!(creating["properties"]["provisioningState"], "Creating");
    Mock::given(method("PUT"))
        .and(path(task_path("")))
        .and(query_param("api-version", API))
        .and(header("content-type", "application/json"))
        .and(authorized())
        .and(body_json(&body))
        .respond_with(ResponseTemplate::new(201).set_body_json(&creating))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(task_path("")))
        .and(query_param("api-version", API))
        .respond_with(answer(&created))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(task_path("/listDetails")))
        .and(query_param("api-version", API))
        .respond_with(ScriptedResponses::new(vec![
            arm_error(500, "InternalServerError", "oops"),
            answer(&created),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{REGISTRY_PATH}/tasks")))
        .and(query_param("api-version", API))
        .respond_with(answer(&json!({"value": [created.clone(), created.clone()]})))
        .expect(1)
        .mount(&server)
        .await;
    let update = json!({"properties": {"agentPoolName": "mypool", "timeout": 600}, "tags": {"k": "v"}});
    Mock::given(method("PATCH"))
        .and(path(task_path("")))
        .and(query_param("api-version", API))
        .and(body_json(&update))
        .respond_with(answer(&created))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(task_path("")))
        .and(query_param("api-version", API))
        .respond_with(ScriptedResponses::new(vec![
            ResponseTemplate::new(200),
            ResponseTemplate::new(204),
            arm_error(404, "ResourceNotFound", "gone"),
        ]))
        .expect(3)
        .mount(&server)
        .await;
    let tasks = tasks_client(&server, None);
    let task: Task = serde_json::from_value(body).unwrap();
    let made = tasks.create(TASK, &task, None).await.unwrap();
    assert_eq!(made.name.as_deref(), created["name"].as_str());
    assert_eq!(tasks.get(TASK, None).await.unwrap(), made);
    assert_eq!(tasks.get_details(TASK, None).await.unwrap(), made);
    let listed: Vec<Task> = tasks.list(None).unwrap().try_collect().await.unwrap();
    assert_eq!(listed.len(), 2);
    let parameters: TaskUpdateParameters = serde_json::from_value(update).unwrap();
    tasks.update(TASK, &parameters, None).await.unwrap();
    for _ in 0..3 {
        tasks.delete(TASK, None).await.unwrap();
    }
}

#[tokio::test]
async fn legacy_task_create_follows_the_operation() {
    let server = MockServer::start().await;
    let example = examples().read("TasksCreate.json");
    let mut creating = example["responses"]["201"]["body"].clone();
    creating["properties"]["provisioningState"] = json!("Creating");
    Mock::given(method("PUT"))
        .and(path(task_path("")))
        .and(query_param("api-version", LEGACY_API_VERSION))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("azure-asyncoperation", op_url(LEGACY_API_VERSION).as_str())
                .set_body_json(&creating),
        )
        .expect(1)
        .mount(&server)
        .await;
    operation(&server, LEGACY_API_VERSION, &["Succeeded"]).await;
    Mock::given(method("GET"))
        .and(path(task_path("")))
        .and(query_param("api-version", LEGACY_API_VERSION))
        .respond_with(answer(&example["responses"]["200"]["body"]))
        .expect(1)
        .mount(&server)
        .await;
    let task: Task = serde_json::from_value(example["parameters"]["taskCreateParameters"].clone()).unwrap();
    let made = tasks_client(&server, legacy()).create(TASK, &task, None).await.unwrap();
    assert_eq!(
        made.properties
            .and_then(|p| p.provisioning_state)
            .map(|s| s.as_str().to_owned()),
        Some("Succeeded".to_owned())
    );
}

// ---------------------------------------------------------------------------------------------
// Bad input

#[tokio::test]
async fn bad_names_are_refused_before_any_request() {
    let server = MockServer::start().await;
    let (arm, _) = mock_arm(&server.uri());
    for registry in ["my-registry", "abcd", "a/b"] {
        let error = AgentPoolsClient::new(arm.clone(), SUB, RG, registry, None).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with(&format!("invalid registry_name: '{registry}'")),
            "{error}"
        );
    }
    let (pools, _) = pools_client(&server, None);
    for pool in ["ab", "pool_1", "a-name-of-twenty-one1", "../x"] {
        let error = pools.get(pool, None).await.unwrap_err();
        assert!(
            matches!(&error, Error::InvalidInput { field, .. } if field == "agent_pool_name"),
            "{error:?}"
        );
    }
    let runs = runs_client(&server, None);
    for run in ["", "ca1/cancel", "ca1?x"] {
        let error = runs.cancel(run, None).await.unwrap_err();
        assert!(error.to_string().starts_with("invalid run_id: "), "{error}");
    }
    let tasks = tasks_client(&server, None);
    let error = tasks.delete("task", None).await.unwrap_err();
    assert!(
        error.to_string().starts_with("invalid task_name: 'task' has length 4"),
        "{error}"
    );
    let mut task: Task =
        serde_json::from_value(examples().read("TasksCreate.json")["parameters"]["taskCreateParameters"].clone())
            .unwrap();
    task.properties.as_mut().unwrap().agent_pool_name = Some("bad_pool".to_owned());
    let error = tasks.create(TASK, &task, None).await.unwrap_err();
    assert!(
        error.to_string().starts_with("invalid agent_pool_name: 'bad_pool'"),
        "{error}"
    );
    let (registries, _) = registries_client(&server);
    let mut request: RunRequest =
        serde_json::from_value(examples().read("RegistriesScheduleRun_Task.json")["parameters"]["runRequest"].clone())
            .unwrap();
    request.set_agent_pool_name(Some("p".to_owned()));
    let error = registries.schedule_run(RG, REGISTRY, &request, None).await.unwrap_err();
    assert!(error.to_string().starts_with("invalid agent_pool_name: 'p'"), "{error}");
    let error = registries.find("my_registry", None).await.unwrap_err();
    assert!(error.to_string().starts_with("invalid registry_name"), "{error}");
    let error = registries.get("bad group!", REGISTRY, None).await.unwrap_err();
    assert!(error.to_string().contains("bad group!"), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty(), "nothing was sent");
}
