//! Spawning and reaping against wiremock.

use aci_lifecycle::models::{Container, ContainerGroup, OsType, RestartPolicy};
use aci_lifecycle::{ContainerGroupsClient, Error, ReapOptions, ReapScope, SpawnOptions, WaiterOptions};
use arm_core::ArmClientOptions;
use arm_core::azure_core::time::parse_rfc3339;
use arm_core::test_support::{ManualClock, ScriptedResponses, mock_arm_client};
use serde_json::{Value, json};
use std::time::Duration;
use wiremock::matchers::{method, path, path_regex};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SUB: &str = "00000000-0000-0000-0000-000000000000";
const RG_PATH: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups";
const OP: &str = "/subscriptions/s/providers/Microsoft.ContainerInstance/locations/westeurope/operations/op";

fn client(server: &MockServer) -> ContainerGroupsClient {
    let options = ArmClientOptions {
        clock: Some(ManualClock::new()),
        ..ArmClientOptions::default()
    };
    ContainerGroupsClient::from_arm(mock_arm_client(&server.uri(), Some(options)).unwrap(), SUB).unwrap()
}

fn job() -> ContainerGroup {
    let mut group = ContainerGroup::new("westeurope");
    group.properties.os_type = Some(OsType::Linux);
    group
        .properties
        .containers
        .push(Container::new("job", "busybox", 1.0, 1.0));
    group
}

fn spawn_options() -> Option<SpawnOptions> {
    Some(SpawnOptions {
        wait: WaiterOptions {
            max_wait: Duration::from_secs(60),
            ..WaiterOptions::default()
        },
        ..SpawnOptions::default()
    })
}

fn group(name: &str, tags: Value, state: &str, provisioning: &str, finish: Option<&str>) -> Value {
    let mut current = json!({"state": if state == "Running" { "Running" } else { "Terminated" }});
    if let Some(finish) = finish {
        current["finishTime"] = json!(finish);
    }
    json!({"id": format!("{RG_PATH}/{name}"), "name": name, "location": "westeurope", "tags": tags,
        "properties": {"provisioningState": provisioning, "instanceView": {"state": state},
            "containers": [{"name": "job", "properties": {"image": "busybox", "resources": {"requests": {"cpu": 1, "memoryInGB": 1}},
                "instanceView": {"currentState": current}}}]}})
}

async fn mount_create(server: &MockServer, after: Vec<ResponseTemplate>) {
    Mock::given(method("PUT"))
        .and(path(format!("{RG_PATH}/job")))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header(
                    "azure-asyncoperation",
                    format!("https://management.azure.com{OP}").as_str(),
                )
                .set_body_json(group("job", json!({}), "Pending", "Pending", None)),
        )
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(OP))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "Succeeded"})))
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{RG_PATH}/job")))
        .respond_with(ScriptedResponses::new(after))
        .mount(server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(server)
        .await;
}

async fn sent(server: &MockServer, verb: &str) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.method.as_str() == verb)
        .collect()
}

#[tokio::test]
async fn spawn_tags_the_group_runs_it_once_and_keeps_it_when_it_runs() {
    let server = MockServer::start().await;
    let running = ResponseTemplate::new(200).set_body_json(group("job", json!({}), "Running", "Succeeded", None));
    mount_create(&server, vec![running]).await;
    let spawned = client(&server)
        .spawn("rg", "job", job(), spawn_options())
        .await
        .unwrap();
    assert_eq!(spawned.name.as_deref(), Some("job"));
    let put = &sent(&server, "PUT").await[0];
    let body: Value = serde_json::from_slice(&put.body).unwrap();
    assert_eq!(body["properties"]["restartPolicy"], "Never");
    assert_eq!(body["tags"]["azure-ephemeral"], "true");
    parse_rfc3339(body["tags"]["azure-ephemeral-created-at"].as_str().unwrap()).unwrap();
    assert!(sent(&server, "DELETE").await.is_empty());
}

#[tokio::test]
async fn a_spawn_that_fails_deletes_what_it_created_and_reports_the_events() {
    let server = MockServer::start().await;
    let failed = group("job", json!({}), "Failed", "Failed", None);
    let mut failed_with_events = failed.clone();
    failed_with_events["properties"]["instanceView"]["events"] =
        json!([{"name": "Failed", "message": "Failed to pull image \"busybox\""}]);
    mount_create(
        &server,
        vec![ResponseTemplate::new(200).set_body_json(failed_with_events)],
    )
    .await;
    let err = client(&server)
        .spawn("rg", "job", job(), spawn_options())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::SpawnFailed {
                cleanup_error: None,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("Failed to pull image"), "{err}");
    assert_eq!(sent(&server, "DELETE").await.len(), 1, "the failed group is deleted");
}

#[tokio::test]
async fn a_refused_create_deletes_nothing_and_a_restarting_policy_is_refused_before_any_request() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(
            ResponseTemplate::new(409).set_body_json(json!({"error": {"code": "Conflict", "message": "in use"}})),
        )
        .mount(&server)
        .await;
    let groups = client(&server);
    let err = groups.spawn("rg", "job", job(), spawn_options()).await.unwrap_err();
    assert_eq!(err.as_arm().and_then(|e| e.code()), Some("Conflict"));
    assert!(
        sent(&server, "DELETE").await.is_empty(),
        "someone else's group is never deleted"
    );

    let mut always = job();
    always.properties.restart_policy = Some(RestartPolicy::Always);
    let before = server.received_requests().await.unwrap().len();
    let err = groups.spawn("rg", "job", always, spawn_options()).await.unwrap_err();
    assert!(
        err.to_string().starts_with("invalid restart_policy: is Always"),
        "{err}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), before);
}

/// A resource group with finished, running, young and foreign groups.
async fn reap_server() -> MockServer {
    let server = MockServer::start().await;
    let ephemeral = json!({"azure-ephemeral": "true"});
    let groups = [
        group(
            "done-old",
            ephemeral.clone(),
            "Succeeded",
            "Succeeded",
            Some("2026-11-23T08:00:00Z"),
        ),
        group("running", ephemeral.clone(), "Running", "Succeeded", None),
        group(
            "foreign",
            json!({"team": "web"}),
            "Failed",
            "Succeeded",
            Some("2026-11-23T08:00:00Z"),
        ),
        group(
            "done-young",
            ephemeral.clone(),
            "Failed",
            "Succeeded",
            Some("2026-11-23T09:58:00Z"),
        ),
        group(
            "stopped-old",
            json!({"azure-ephemeral": "true", "azure-ephemeral-created-at": "2026-11-23T07:00:00Z"}),
            "Stopped",
            "Succeeded",
            None,
        ),
    ];
    Mock::given(method("GET"))
        .and(path(RG_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": groups})))
        .mount(&server)
        .await;
    for body in groups {
        let name = body["name"].as_str().unwrap().to_owned();
        Mock::given(method("GET"))
            .and(path(format!("{RG_PATH}/{name}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .mount(&server)
            .await;
    }
    Mock::given(method("DELETE"))
        .and(path_regex("containerGroups/"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    server
}

fn reap_options(dry_run: bool) -> ReapOptions {
    ReapOptions {
        scope: ReapScope::ResourceGroups(vec!["rg".into()]),
        min_age: Duration::from_secs(600),
        concurrency: 4,
        dry_run,
        now: Some(parse_rfc3339("2026-11-23T10:00:00Z").unwrap()),
    }
}

#[tokio::test]
async fn reap_deletes_only_finished_old_ephemeral_groups() {
    let server = reap_server().await;
    let report = client(&server).reap(Some(reap_options(false))).await.unwrap();
    assert_eq!(report.deleted, ["rg/done-old", "rg/stopped-old"]);
    let skipped: Vec<&str> = report.skipped.iter().map(|(g, _)| g.as_str()).collect();
    assert_eq!(skipped, ["rg/done-young", "rg/running"]);
    assert!(
        report.skipped[0].1.contains("younger than 600s"),
        "{:?}",
        report.skipped
    );
    assert_eq!(report.skipped[1].1, "not finished");
    assert!(report.failed.is_empty());
    let deleted: Vec<String> = sent(&server, "DELETE")
        .await
        .iter()
        .map(|r| r.url.path().rsplit('/').next().unwrap().to_owned())
        .collect();
    assert_eq!(deleted.len(), 2);
    assert!(!deleted.contains(&"running".to_owned()) && !deleted.contains(&"foreign".to_owned()));
    let lists = sent(&server, "GET")
        .await
        .iter()
        .filter(|r| r.url.path() == RG_PATH)
        .count();
    assert_eq!(lists, 1, "one list pass per resource group");
    assert!(
        !sent(&server, "GET")
            .await
            .iter()
            .any(|r| r.url.path().ends_with("/foreign")),
        "foreign groups are not even read"
    );
}

#[tokio::test]
async fn a_dry_run_reports_and_deletes_nothing() {
    let server = reap_server().await;
    let report = client(&server).reap(Some(reap_options(true))).await.unwrap();
    assert!(report.dry_run);
    assert_eq!(report.deleted, ["rg/done-old", "rg/stopped-old"]);
    assert!(sent(&server, "DELETE").await.is_empty());
}
