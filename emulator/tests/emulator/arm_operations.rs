//! Generic long-running operations: Azure-AsyncOperation status and Location results.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{Harness, Reply};

async fn start_operation(h: &Harness, body: Value) -> Value {
    let reply = h.admin(Method::POST, "/operations", Some(body)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    reply.json
}

fn path<'a>(h: &Harness, url: &'a str) -> &'a str {
    url.strip_prefix(&h.info().endpoints.arm).expect("ARM URL")
}

/// `GET` of the operation's polling URL `key` (`azure_async_operation` or `location`).
async fn poll(h: &Harness, op: &Value, key: &str, token: &str) -> Reply {
    let url = op[key].as_str().expect("a polling URL");
    h.arm(Method::GET, path(h, url), token, None).await
}

#[tokio::test]
async fn async_operation_goes_from_in_progress_to_succeeded() {
    let h = Harness::start().await;
    let token = h.token().await;
    let op = start_operation(
        &h,
        json!({ "namespace": "Microsoft.ContainerInstance", "location": "westus2", "duration_ms": 60_000, "api_version": "2023-05-01" }),
    )
    .await;
    let status_url = op["azure_async_operation"].as_str().unwrap();
    let sub = &h.info().defaults.subscription_id;
    let id = op["id"].as_str().unwrap();
    assert_eq!(
        status_url,
        format!(
            "{}/subscriptions/{sub}/providers/Microsoft.ContainerInstance/locations/westus2/operations/{id}?api-version=2023-05-01",
            h.info().endpoints.arm
        )
    );

    let first = h.arm(Method::GET, path(&h, status_url), &token, None).await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.json["status"], "InProgress");
    assert_eq!(first.json["name"], id);
    assert!(first.json["startTime"].is_string());
    assert!(first.json.get("endTime").is_none());
    assert_eq!(first.header("retry-after"), Some("1"));

    h.advance_clock(30).await;
    let still = h.arm(Method::GET, path(&h, status_url), &token, None).await;
    assert_eq!(still.json["status"], "InProgress");
    h.advance_clock(30).await;
    let done = h.arm(Method::GET, path(&h, status_url), &token, None).await;
    assert_eq!(done.json["status"], "Succeeded");
    assert!(done.json["endTime"].is_string());
    assert!(done.header("retry-after").is_none());

    let location = op["location"].as_str().unwrap();
    assert!(location.contains("/operationResults/"), "{location}");
    let result = h.arm(Method::GET, path(&h, location), &token, None).await;
    assert_eq!(result.status, 204);
}

#[tokio::test]
async fn location_result_is_202_then_the_error_of_a_failed_operation() {
    let h = Harness::start().await;
    let token = h.token().await;
    let op = start_operation(
        &h,
        json!({
            "namespace": "Microsoft.VirtualMachineImages",
            "duration_ms": 60_000,
            "status": "Failed",
            "error": { "code": "ImageBuildFailed", "message": "customization failed" }
        }),
    )
    .await;
    let location = op["location"].as_str().unwrap();
    let first = h.arm(Method::GET, path(&h, location), &token, None).await;
    assert_eq!(first.status, 202);
    assert_eq!(first.header("location"), Some(location));
    assert_eq!(first.header("retry-after"), Some("1"));
    h.advance_clock(60).await;
    let result = h.arm(Method::GET, path(&h, location), &token, None).await;
    assert_eq!(result.status, 400, "a failure is a 4xx, which clients do not retry");
    assert_eq!(
        result.json,
        json!({"error":{"code":"ImageBuildFailed","message":"customization failed"}})
    );
    let status = poll(&h, &op, "azure_async_operation", &token).await;
    assert_eq!(status.json["status"], "Failed");
    assert_eq!(status.json["error"]["code"], "ImageBuildFailed");
}

#[tokio::test]
async fn canceled_operations_report_canceled() {
    let h = Harness::start().await;
    let token = h.token().await;
    let op = start_operation(
        &h,
        json!({ "namespace": "Microsoft.ContainerRegistry", "duration_ms": 0, "status": "Canceled" }),
    )
    .await;
    let status = poll(&h, &op, "azure_async_operation", &token).await;
    assert_eq!(status.json["status"], "Canceled");
    let result = poll(&h, &op, "location", &token).await;
    assert_eq!(result.status, 409);
    assert_eq!(result.arm_code(), "OperationCanceled");
}

#[tokio::test]
async fn operations_are_found_only_under_their_own_namespace() {
    let h = Harness::start().await;
    let token = h.token().await;
    let op = start_operation(&h, json!({ "namespace": "Microsoft.ContainerInstance" })).await;
    let url = op["azure_async_operation"].as_str().unwrap();
    let wrong = path(&h, url).replace("Microsoft.ContainerInstance", "Microsoft.Compute");
    let reply = h.arm(Method::GET, &wrong, &token, None).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.arm_code(), "OperationNotFound");
    let missing = h
        .arm(
            Method::GET,
            &path(&h, url).replace(op["id"].as_str().unwrap(), "nope"),
            &token,
            None,
        )
        .await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn the_failure_status_of_a_location_result_can_be_chosen() {
    let h = Harness::start().await;
    let token = h.token().await;
    for status in [409, 422, 500] {
        let op = start_operation(
            &h,
            json!({ "namespace": "Microsoft.Compute", "duration_ms": 0, "status": "Failed", "failure_status": status }),
        )
        .await;
        let result = poll(&h, &op, "location", &token).await;
        assert_eq!(result.status, status);
        assert_eq!(
            result.json,
            json!({"error":{"code":"OperationFailed","message":"The operation failed."}})
        );
    }
    for bad in [
        json!({ "namespace": "Microsoft.Compute", "failure_status": 200 }),
        json!({ "namespace": "Microsoft.Compute", "failure_status": 600 }),
        json!({ "namespace": "Microsoft.Compute", "duration_ms": u64::MAX }),
    ] {
        let reply = h.admin(Method::POST, "/operations", Some(bad.clone())).await;
        assert_eq!(reply.status, 400, "{bad}: {}", reply.text);
    }
}
