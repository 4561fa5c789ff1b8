//! Waiters against wiremock, on a clock the test drives.

use aci_lifecycle::{ContainerExit, ContainerGroupsClient, Error, WaiterOptions};
use arm_core::ArmClientOptions;
use arm_core::test_support::{ManualClock, ScriptedResponses, arm_error, mock_arm_client};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SUB: &str = "00000000-0000-0000-0000-000000000000";
const CG: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/job";

fn group(provisioning: &str, state: &str, containers: Value, events: Value) -> Value {
    json!({"name": "job", "location": "westeurope", "properties": {
        "provisioningState": provisioning, "containers": containers,
        "instanceView": {"state": state, "events": events}}})
}

fn container(name: &str, state: &str, exit_code: Option<i32>) -> Value {
    let mut current = json!({"state": state, "detailStatus": if state == "Terminated" { "Completed" } else { "" }});
    if let Some(code) = exit_code {
        current["exitCode"] = json!(code);
    }
    json!({"name": name, "properties": {"image": "busybox", "resources": {"requests": {"cpu": 1, "memoryInGB": 1}},
        "instanceView": {"currentState": current, "restartCount": 0, "events": []}}})
}

/// Serves the given group bodies in order, repeating the last.
async fn serve(bodies: Vec<Value>) -> (MockServer, ContainerGroupsClient, Arc<ManualClock>) {
    let server = MockServer::start().await;
    let responses = bodies
        .into_iter()
        .map(|body| ResponseTemplate::new(200).set_body_json(body))
        .collect();
    Mock::given(method("GET"))
        .and(path(CG))
        .respond_with(ScriptedResponses::new(responses))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let options = ArmClientOptions {
        clock: Some(clock.clone()),
        ..ArmClientOptions::default()
    };
    let groups = ContainerGroupsClient::from_arm(mock_arm_client(&server.uri(), Some(options)).unwrap(), SUB).unwrap();
    (server, groups, clock)
}

fn options() -> Option<WaiterOptions> {
    Some(WaiterOptions {
        min_delay: Duration::from_secs(2),
        max_delay: Duration::from_secs(5),
        max_wait: Duration::from_secs(20),
        jitter: false,
    })
}

#[tokio::test]
async fn running_is_reached_with_a_growing_delay() {
    let pending = group(
        "Creating",
        "Pending",
        json!([container("job", "Waiting", None)]),
        json!([]),
    );
    let running = group(
        "Succeeded",
        "Running",
        json!([container("job", "Running", None)]),
        json!([]),
    );
    let (_server, groups, clock) = serve(vec![pending.clone(), pending.clone(), pending, running]).await;
    let group = groups.wait_until_running("rg", "job", options()).await.unwrap();
    assert_eq!(group.name.as_deref(), Some("job"));
    assert_eq!(
        clock.sleeps(),
        [2, 4, 5].map(Duration::from_secs).to_vec(),
        "min, doubled, capped at max"
    );
}

#[tokio::test]
async fn a_failed_group_reports_its_events() {
    let failed = group(
        "Failed",
        "Failed",
        json!([container("job", "Waiting", None)]),
        json!([{"name": "Failed", "type": "Warning", "count": 3, "message": "Failed to pull image \"contoso.azurecr.io/agent:9\": unauthorized"}]),
    );
    let (_server, groups, clock) = serve(vec![failed]).await;
    let err = groups.wait_until_running("rg", "job", options()).await.unwrap_err();
    let Error::WaitFailed { events, reason, .. } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(reason, "provisioning ended Failed");
    assert_eq!(events.len(), 1);
    let text = err.to_string();
    assert!(text.contains("Failed to pull image") && !text.contains('\n'), "{text}");
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn a_group_that_finished_before_running_was_seen_is_a_failure_of_the_running_wait() {
    let done = group(
        "Succeeded",
        "Succeeded",
        json!([container("job", "Terminated", Some(0))]),
        json!([]),
    );
    let (_server, groups, _) = serve(vec![done]).await;
    let err = groups.wait_until_running("rg", "job", options()).await.unwrap_err();
    assert!(err.to_string().contains("the group is Succeeded, not Running"), "{err}");
}

#[tokio::test]
async fn termination_gives_every_exit_code() {
    let running = group(
        "Succeeded",
        "Running",
        json!([container("a", "Running", None), container("b", "Terminated", Some(0))]),
        json!([]),
    );
    let done = group(
        "Succeeded",
        "Failed",
        json!([
            container("a", "Terminated", Some(3)),
            container("b", "Terminated", Some(0))
        ]),
        json!([]),
    );
    let (_server, groups, clock) = serve(vec![running, done]).await;
    let exits = groups.wait_until_terminated("rg", "job", options()).await.unwrap();
    assert_eq!(
        exits,
        vec![
            ContainerExit {
                name: "a".into(),
                exit_code: Some(3),
                detail_status: Some("Completed".into())
            },
            ContainerExit {
                name: "b".into(),
                exit_code: Some(0),
                detail_status: Some("Completed".into())
            },
        ]
    );
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(2)]);
}

#[tokio::test]
async fn the_wait_ends_at_max_wait_with_the_last_state() {
    let pending = group(
        "Creating",
        "Pending",
        json!([container("job", "Waiting", None)]),
        json!([]),
    );
    let (server, groups, clock) = serve(vec![pending]).await;
    let err = groups.wait_until_provisioned("rg", "job", options()).await.unwrap_err();
    assert!(
        matches!(err, Error::WaitTimedOut { after, .. } if after == Duration::from_secs(20)),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("provisioning Creating, state Pending"),
        "{err}"
    );
    assert_eq!(
        clock.sleeps(),
        [2, 4, 5, 5, 4].map(Duration::from_secs).to_vec(),
        "the last sleep ends at max_wait"
    );
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        6,
        "a last read at max_wait"
    );
}

#[tokio::test]
async fn a_missing_group_ends_the_wait_with_not_found() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"error": {"code": "ResourceNotFound", "message": "not found"}})),
        )
        .mount(&server)
        .await;
    let groups = ContainerGroupsClient::from_arm(mock_arm_client(&server.uri(), None).unwrap(), SUB).unwrap();
    let err = groups.wait_until_running("rg", "job", options()).await.unwrap_err();
    assert!(err.as_arm().is_some_and(|e| e.is_not_found()), "{err:?}");
}

#[tokio::test]
async fn absurd_waiter_options_neither_panic_nor_pass_max_wait() {
    let pending = group(
        "Creating",
        "Pending",
        json!([container("job", "Waiting", None)]),
        json!([]),
    );
    let (_server, groups, clock) = serve(vec![pending]).await;
    let options = WaiterOptions {
        min_delay: Duration::MAX,
        max_delay: Duration::MAX,
        max_wait: Duration::from_secs(3 * 86_400),
        ..WaiterOptions::default()
    };
    let err = groups
        .wait_until_provisioned("rg", "job", Some(options))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::WaitTimedOut { .. }), "{err:?}");
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(3 * 86_400)]);
}

#[tokio::test]
async fn deletion_ends_when_the_group_answers_not_found() {
    let server = MockServer::start().await;
    let deleting = group(
        "Deleting",
        "Running",
        json!([container("job", "Running", None)]),
        json!([]),
    );
    let gone = ResponseTemplate::new(404)
        .set_body_json(json!({"error": {"code": "ResourceNotFound", "message": "not found"}}));
    Mock::given(method("GET"))
        .and(path(CG))
        .respond_with(ScriptedResponses::new(vec![
            ResponseTemplate::new(200).set_body_json(deleting.clone()),
            ResponseTemplate::new(200).set_body_json(deleting),
            gone,
        ]))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let arm_options = ArmClientOptions {
        clock: Some(clock.clone()),
        ..ArmClientOptions::default()
    };
    let groups =
        ContainerGroupsClient::from_arm(mock_arm_client(&server.uri(), Some(arm_options)).unwrap(), SUB).unwrap();
    groups.wait_until_deleted("rg", "job", options()).await.unwrap();
    assert_eq!(clock.sleeps(), [2, 4].map(Duration::from_secs).to_vec());
}

#[tokio::test]
async fn deletion_wait_ends_with_any_other_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(arm_error(403, "AuthorizationFailed", "no read permission"))
        .mount(&server)
        .await;
    let groups = ContainerGroupsClient::from_arm(mock_arm_client(&server.uri(), None).unwrap(), SUB).unwrap();
    let err = groups.wait_until_deleted("rg", "job", options()).await.unwrap_err();
    assert_eq!(
        err.as_arm().and_then(|e| e.code()),
        Some("AuthorizationFailed"),
        "{err:?}"
    );
}
