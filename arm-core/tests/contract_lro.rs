//! Contract tests of long-running operations and paging against wiremock.

use arm_core::test_support::{ManualClock, ScriptedResponses, arm_error, mock_arm_client};
use arm_core::{ArmClient, ArmClientOptions, ArmRequest, Error, LroStatus, PollOptions};
use azure_core::http::Method;
use futures::TryStreamExt;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CG: &str = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/cg";
const OP: &str = "/subscriptions/sub/providers/Microsoft.ContainerInstance/locations/eastus/operations/op1";
const ARM: &str = "https://management.azure.com";

fn client(server: &MockServer) -> (ArmClient, Arc<ManualClock>) {
    let clock = ManualClock::new();
    let options = ArmClientOptions {
        clock: Some(clock.clone()),
        ..ArmClientOptions::default()
    };
    (mock_arm_client(&server.uri(), Some(options)).unwrap(), clock)
}

fn op_status(status: &str, retry_after: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("retry-after", retry_after)
        .set_body_json(json!({"status": status}))
}

fn resource(state: &str) -> serde_json::Value {
    json!({"id": CG, "name": "cg", "properties": {"provisioningState": state}})
}

/// A PUT of the container group with an empty body.
fn put_request(arm: &ArmClient) -> ArmRequest {
    arm.request(Method::Put, CG, "2023-05-01")
        .unwrap()
        .json(&json!({}))
        .unwrap()
}

async fn requests(server: &MockServer) -> Vec<(String, String)> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| (r.method.to_string(), r.url.path().to_owned()))
        .collect()
}

#[tokio::test]
async fn follows_azure_async_operation_then_gets_the_resource() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(CG))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header(
                    "azure-asyncoperation",
                    format!("{ARM}{OP}?api-version=2023-05-01").as_str(),
                )
                .insert_header("location", format!("{ARM}/somewhere-else").as_str())
                .insert_header("retry-after", "4")
                .set_body_json(resource("Pending")),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(OP))
        .respond_with(ScriptedResponses::new(vec![
            op_status("InProgress", "2"),
            op_status("InProgress", "3"),
            op_status("Succeeded", "1"),
        ]))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(CG))
        .respond_with(ResponseTemplate::new(200).set_body_json(resource("Succeeded")))
        .mount(&server)
        .await;
    let (arm, clock) = client(&server);
    let request = arm
        .request(Method::Put, CG, "2023-05-01")
        .unwrap()
        .json(&json!({"location": "eastus"}))
        .unwrap();
    let mut poller = arm.begin::<serde_json::Value>(request, None).await.unwrap();
    assert_eq!(poller.operation_url().unwrap().path(), OP);
    assert_eq!(poller.poll().await.unwrap(), LroStatus::InProgress("InProgress".into()));
    let result = poller.await.unwrap();
    assert_eq!(result["properties"]["provisioningState"], "Succeeded");
    assert_eq!(
        clock.sleeps(),
        [4, 2, 3].map(Duration::from_secs).to_vec(),
        "one poll per Retry-After"
    );
    assert_eq!(
        requests(&server).await,
        vec![
            ("PUT".into(), CG.into()),
            ("GET".into(), OP.into()),
            ("GET".into(), OP.into()),
            ("GET".into(), OP.into()),
            ("GET".into(), CG.into())
        ]
    );
}

#[tokio::test]
async fn follows_location_for_a_delete() {
    let server = MockServer::start().await;
    let location = "/subscriptions/sub/operationresults/abc";
    Mock::given(method("DELETE"))
        .and(path("/subscriptions/sub/resourcegroups/rg"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("location", format!("{ARM}{location}?api-version=2021-04-01").as_str())
                .insert_header("retry-after", "3"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(location))
        .respond_with(ScriptedResponses::new(vec![
            ResponseTemplate::new(202).insert_header("retry-after", "3"),
            ResponseTemplate::new(202).insert_header("retry-after", "3"),
            ResponseTemplate::new(200),
        ]))
        .mount(&server)
        .await;
    let (arm, clock) = client(&server);
    let request = arm
        .request(Method::Delete, "/subscriptions/sub/resourcegroups/rg", "2021-04-01")
        .unwrap();
    arm.begin::<()>(request, None).await.unwrap().await.unwrap();
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(3); 3]);
    assert_eq!(
        requests(&server).await.len(),
        4,
        "the DELETE and three polls, no final GET"
    );
}

#[tokio::test]
async fn polls_provisioning_state_without_operation_headers() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(CG))
        .respond_with(ResponseTemplate::new(201).set_body_json(resource("Creating")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(CG))
        .respond_with(ScriptedResponses::new(vec![
            ResponseTemplate::new(200).set_body_json(resource("Creating")),
            ResponseTemplate::new(200).set_body_json(resource("Succeeded")),
        ]))
        .mount(&server)
        .await;
    let (arm, clock) = client(&server);
    let options = PollOptions {
        default_delay: Duration::from_secs(10),
        ..PollOptions::default()
    };
    let request = put_request(&arm);
    let result: serde_json::Value = arm.begin(request, Some(options)).await.unwrap().await.unwrap();
    assert_eq!(result["properties"]["provisioningState"], "Succeeded");
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(10); 2]);
    assert_eq!(
        requests(&server).await.len(),
        3,
        "no extra GET after the resource said Succeeded"
    );
}

#[tokio::test]
async fn a_failed_operation_carries_the_arm_error() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(201).insert_header("azure-asyncoperation", format!("{ARM}{OP}").as_str()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(OP))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "status": "Failed",
            "error": {"code": "InaccessibleImage", "message": "The image 'x' is not accessible.", "details": [{"code": "Inner", "message": "401"}]}
        })))
        .mount(&server)
        .await;
    let (arm, _) = client(&server);
    let request = put_request(&arm);
    let err = arm
        .begin::<serde_json::Value>(request, None)
        .await
        .unwrap()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("InaccessibleImage"));
    let Error::OperationFailed(failure) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(failure.status, "Failed");
    assert_eq!(failure.error.as_ref().unwrap().details[0].code, "Inner");
    assert!(
        err.to_string()
            .contains("ended Failed: InaccessibleImage: The image 'x' is not accessible.; Inner: 401"),
        "{err}"
    );
}

#[tokio::test]
async fn a_location_poll_with_a_client_error_is_the_operation_failure() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(202).insert_header(
            "location",
            format!("{ARM}/subscriptions/sub/operationresults/x").as_str(),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(arm_error(409, "Conflict", "template is running"))
        .mount(&server)
        .await;
    let (arm, _) = client(&server);
    let err = arm
        .begin::<()>(arm.request(Method::Post, "/run", "1").unwrap(), None)
        .await
        .unwrap()
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some("Conflict"));
}

#[tokio::test]
async fn the_caller_deadline_stops_polling_after_a_last_poll_at_the_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("azure-asyncoperation", format!("{ARM}{OP}").as_str())
                .insert_header("retry-after", "4"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(OP))
        .respond_with(op_status("InProgress", "4"))
        .expect(3)
        .mount(&server)
        .await;
    let (arm, clock) = client(&server);
    let options = PollOptions {
        deadline: Some(Duration::from_secs(10)),
        ..PollOptions::default()
    };
    let request = put_request(&arm);
    let err = arm
        .begin::<serde_json::Value>(request, Some(options))
        .await
        .unwrap()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::DeadlineExceeded { after, .. } if after == Duration::from_secs(10)),
        "{err:?}"
    );
    assert_eq!(
        clock.sleeps(),
        [4, 4, 2].map(Duration::from_secs).to_vec(),
        "the last poll is at the deadline"
    );
}

#[tokio::test]
async fn an_operation_that_ends_by_the_deadline_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(
            ResponseTemplate::new(202)
                .insert_header("azure-asyncoperation", format!("{ARM}{OP}").as_str())
                .insert_header("location", "https://elsewhere.example.com/result")
                .insert_header("retry-after", "6"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(OP))
        .respond_with(ScriptedResponses::new(vec![
            op_status("InProgress", "6"),
            op_status("Succeeded", "6"),
        ]))
        .mount(&server)
        .await;
    let (arm, clock) = client(&server);
    let options = PollOptions {
        deadline: Some(Duration::from_secs(10)),
        ..PollOptions::default()
    };
    let poller = arm
        .begin::<()>(arm.request(Method::Delete, CG, "1").unwrap(), Some(options))
        .await
        .unwrap();
    poller.await.unwrap();
    assert_eq!(clock.sleeps(), [6, 4].map(Duration::from_secs).to_vec());
}

#[tokio::test]
async fn synchronous_success_needs_no_poll_and_stepping_after_the_end_is_safe() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(200).set_body_json(resource("Succeeded")))
        .mount(&server)
        .await;
    let (arm, clock) = client(&server);
    let request = put_request(&arm);
    let mut poller = arm.begin::<serde_json::Value>(request, None).await.unwrap();
    assert_eq!(poller.poll().await.unwrap(), LroStatus::Succeeded);
    assert_eq!(poller.poll().await.unwrap(), LroStatus::Succeeded);
    assert_eq!(poller.await.unwrap()["name"], "cg");
    assert!(clock.sleeps().is_empty());
    assert_eq!(requests(&server).await.len(), 1);
}

#[tokio::test]
async fn operation_urls_off_the_arm_origin_are_refused() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(202).insert_header("location", "https://attacker.example.net/op"))
        .mount(&server)
        .await;
    let (arm, _) = client(&server);
    let err = arm
        .begin::<()>(arm.request(Method::Delete, CG, "1").unwrap(), None)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("refusing to send a token"), "{err}");
}

#[tokio::test]
async fn pages_follow_next_link() {
    let server = MockServer::start().await;
    let list = "/subscriptions/sub/resourcegroups";
    Mock::given(method("GET"))
        .and(path(list))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"name": "a", "location": "x"}, {"name": "b", "location": "x"}],
            "nextLink": format!("{ARM}/subscriptions/sub/resourcegroups/page2?api-version=2021-04-01&%24skiptoken=2")
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/subscriptions/sub/resourcegroups/page2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [{"name": "c", "location": "x"}]})))
        .mount(&server)
        .await;
    let (arm, _) = client(&server);
    let names: Vec<String> = arm
        .pager::<arm_core::resource_groups::ResourceGroup>(arm.request(Method::Get, list, "2021-04-01").unwrap())
        .map_ok(|g| g.name.unwrap())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["a", "b", "c"]);
    let second = &server.received_requests().await.unwrap()[1];
    assert_eq!(second.url.query(), Some("api-version=2021-04-01&%24skiptoken=2"));
}

#[tokio::test]
async fn a_page_error_ends_the_stream_with_that_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(arm_error(403, "AuthorizationFailed", "no"))
        .mount(&server)
        .await;
    let (arm, _) = client(&server);
    let result: Result<Vec<serde_json::Value>, _> = arm
        .pager(
            arm.request(Method::Get, "/subscriptions/sub/resourcegroups", "1")
                .unwrap(),
        )
        .try_collect()
        .await;
    assert_eq!(result.unwrap_err().code(), Some("AuthorizationFailed"));
}

#[tokio::test]
async fn an_idempotent_delete_treats_not_found_as_gone() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(arm_error(404, "ResourceNotFound", "gone"))
        .expect(2)
        .mount(&server)
        .await;
    let (arm, clock) = client(&server);
    let mut poller = arm
        .begin_delete(arm.request(Method::Delete, CG, "1").unwrap(), None)
        .await
        .unwrap();
    assert_eq!(poller.poll().await.unwrap(), LroStatus::Succeeded);
    poller.await.unwrap();
    assert!(clock.sleeps().is_empty());
    let err = arm
        .begin::<()>(arm.request(Method::Delete, CG, "1").unwrap(), None)
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "plain begin keeps the 404");
}

#[tokio::test]
async fn a_delete_answered_200_or_204_is_done_whatever_the_provisioning_state_in_its_body() {
    for (answer, name) in [
        (
            ResponseTemplate::new(200).set_body_json(resource("Failed")),
            "200 Failed",
        ),
        (
            ResponseTemplate::new(200).set_body_json(resource("Deleting")),
            "200 Deleting",
        ),
        (ResponseTemplate::new(204), "204"),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("DELETE"))
            .and(path(CG))
            .respond_with(answer)
            .expect(2)
            .mount(&server)
            .await;
        let (arm, clock) = client(&server);
        let mut poller = arm
            .begin_delete(arm.request(Method::Delete, CG, "1").unwrap(), None)
            .await
            .unwrap();
        assert_eq!(poller.status(), &LroStatus::Succeeded, "{name}");
        assert_eq!(poller.poll().await.unwrap(), LroStatus::Succeeded, "{name}");
        poller.await.unwrap_or_else(|e| panic!("{name}: {e}"));
        let plain = arm
            .begin::<()>(arm.request(Method::Delete, CG, "1").unwrap(), None)
            .await
            .unwrap();
        plain.await.unwrap_or_else(|e| panic!("{name} through begin: {e}"));
        assert!(clock.sleeps().is_empty(), "{name}");
    }
}

#[tokio::test]
async fn a_throttled_poll_whose_retry_after_passes_the_deadline_ends_at_once_with_the_429() {
    for retry_after in ["100", "18446744073709551615", "Fri, 31 Dec 9999 23:59:59 GMT"] {
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .respond_with(
                ResponseTemplate::new(201)
                    .insert_header("azure-asyncoperation", format!("{ARM}{OP}").as_str())
                    .insert_header("retry-after", "1"),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(OP))
            .respond_with(arm_error(429, "TooManyRequests", "slow down").insert_header("retry-after", retry_after))
            .expect(1)
            .mount(&server)
            .await;
        let (arm, clock) = client(&server);
        let options = PollOptions {
            deadline: Some(Duration::from_secs(30)),
            ..PollOptions::default()
        };
        let err = arm
            .begin::<serde_json::Value>(put_request(&arm), Some(options))
            .await
            .unwrap()
            .await
            .unwrap_err();
        assert!(err.is_throttled(), "{retry_after}: {err:?}");
        assert_eq!(err.code(), Some("TooManyRequests"), "{retry_after}");
        assert_eq!(
            clock.sleeps(),
            vec![Duration::from_secs(1)],
            "{retry_after}: only the poll delay, no wait for a retry that cannot fit"
        );
    }
}

#[tokio::test]
async fn hostile_retry_after_on_an_operation_in_progress_is_clamped_and_the_deadline_holds() {
    for retry_after in [
        "18446744073709551615",
        "99999999999999999999999999",
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Thu, 01 Jan 1970 00:00:00 GMT",
        "-5",
        "1e30",
        "soon",
        "",
    ] {
        let server = MockServer::start().await;
        Mock::given(method("PUT"))
            .respond_with(
                ResponseTemplate::new(201)
                    .insert_header("azure-asyncoperation", format!("{ARM}{OP}").as_str())
                    .insert_header("retry-after", retry_after),
            )
            .mount(&server)
            .await;
        Mock::given(method("GET"))
            .and(path(OP))
            .respond_with(op_status("InProgress", retry_after))
            .mount(&server)
            .await;
        let (arm, clock) = client(&server);
        let options = PollOptions {
            deadline: Some(Duration::from_secs(120)),
            ..PollOptions::default()
        };
        let err = arm
            .begin::<serde_json::Value>(put_request(&arm), Some(options))
            .await
            .unwrap()
            .await
            .unwrap_err();
        assert!(matches!(err, Error::DeadlineExceeded { .. }), "{retry_after}: {err:?}");
        let sleeps = clock.sleeps();
        assert!(
            sleeps
                .iter()
                .all(|s| *s >= Duration::from_secs(1) && *s <= Duration::from_secs(60)),
            "{retry_after}: every wait within min_delay..=max_delay: {sleeps:?}"
        );
        assert_eq!(
            sleeps.iter().sum::<Duration>(),
            Duration::from_secs(120),
            "{retry_after}"
        );
    }
}
