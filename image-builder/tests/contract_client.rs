//! Contract tests of `ImageTemplatesClient`, `TriggersClient` and the run helpers against
//! wiremock: method, path, api-version and body of every operation, the LRO headers followed,
//! and inputs refused before any request.

use arm_core::test_support::{ManualClock, ScriptedResponses, arm_error, mock_arm_client};
use arm_core::{ArmClientOptions, SubscriptionClient};
use futures::TryStreamExt;
use image_builder::model::{ImageTemplate, ImageTemplateUpdateParameters, RunState, RunSubState, Trigger};
use image_builder::runs::{self, RunWaitOptions};
use image_builder::{Error, ImageTemplatesClient};
use serde_json::{Value, json};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SUB: &str = "00000000-0000-0000-0000-000000000000";
const T: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.VirtualMachineImages/imageTemplates/t_1700000000000";
const OP: &str = "https://management.azure.com/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.VirtualMachineImages/locations/westus/operations/op1?api-version=2024-02-01";
const OP_PATH: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.VirtualMachineImages/locations/westus/operations/op1";
const NAME: &str = "t_1700000000000";

fn client(server: &MockServer) -> (ImageTemplatesClient, Arc<ManualClock>) {
    let clock = ManualClock::new();
    let options = ArmClientOptions {
        clock: Some(clock.clone()),
        ..ArmClientOptions::default()
    };
    let arm = mock_arm_client(&server.uri(), Some(options)).unwrap();
    (ImageTemplatesClient::from_arm(arm, SUB).unwrap(), clock)
}

/// The request body of an official example (`fixtures/api-examples/imagebuilder/`).
fn example(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../fixtures/api-examples/imagebuilder/{name}"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The body of an example's 200 response, without its `nextLink` (a placeholder URL).
fn example_page(name: &str) -> Value {
    let mut body = example(name)["responses"]["200"]["body"].clone();
    body.as_object_mut().unwrap().remove("nextLink");
    body
}

fn linux_template() -> (ImageTemplate, Value) {
    let body = example("CreateImageTemplateLinux.json")["parameters"]["parameters"].clone();
    (serde_json::from_value(body.clone()).unwrap(), body)
}

fn template_json(provisioning: &str, run: Option<(&str, Option<&str>, &str)>) -> Value {
    let (_, mut body) = linux_template();
    body["id"] = json!(T);
    body["name"] = json!(NAME);
    body["properties"]["provisioningState"] = json!(provisioning);
    if let Some((state, sub, message)) = run {
        body["properties"]["lastRunStatus"] = json!({"runState": state, "runSubState": sub, "message": message,
            "startTime": "2024-03-01T10:00:00Z", "endTime": "0001-01-01T00:00:00Z"});
    }
    body
}

fn accepted() -> ResponseTemplate {
    ResponseTemplate::new(202)
        .insert_header("azure-asyncoperation", OP)
        .insert_header("retry-after", "1")
}

async fn operation_succeeds(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(OP_PATH))
        .respond_with(ScriptedResponses::new(vec![
            ResponseTemplate::new(200).set_body_json(json!({"status": "InProgress"})),
            ResponseTemplate::new(200).set_body_json(json!({"status": "Succeeded"})),
        ]))
        .mount(server)
        .await;
}

#[tokio::test]
async fn create_sends_the_template_and_follows_azure_async_operation() {
    let server = MockServer::start().await;
    let (template, body) = linux_template();
    Mock::given(method("PUT"))
        .and(path(T))
        .and(query_param("api-version", "2024-02-01"))
        .and(body_json(&body))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("azure-asyncoperation", OP)
                .set_body_json(template_json("Creating", None)),
        )
        .expect(1)
        .mount(&server)
        .await;
    operation_succeeds(&server).await;
    Mock::given(method("GET"))
        .and(path(T))
        .and(query_param("api-version", "2024-02-01"))
        .respond_with(ResponseTemplate::new(200).set_body_json(template_json("Succeeded", None)))
        .expect(1)
        .mount(&server)
        .await;
    let (templates, _) = client(&server);
    let created = templates
        .begin_create_or_update("rg", NAME, &template, None)
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(created.id.as_deref(), Some(T));
}

#[tokio::test]
async fn the_api_version_is_the_clients_and_can_be_overridden() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(T))
        .and(query_param("api-version", "2025-10-01"))
        .respond_with(ResponseTemplate::new(200).set_body_json(template_json("Succeeded", None)))
        .expect(1)
        .mount(&server)
        .await;
    let (templates, _) = client(&server);
    let templates = templates.with_api_version(image_builder::LATEST_API_VERSION);
    assert_eq!(
        templates.get("rg", NAME, None).await.unwrap().name.as_deref(),
        Some(NAME)
    );
}

#[tokio::test]
async fn lists_page_through_the_subscription_and_a_resource_group() {
    let server = MockServer::start().await;
    let list =
        "/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.VirtualMachineImages/imageTemplates";
    let next = format!("https://management.azure.com{list}?api-version=2024-02-01&$skiptoken=2");
    Mock::given(method("GET"))
        .and(path(list))
        .and(query_param("$skiptoken", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [template_json("Succeeded", None)]})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(list))
        .and(query_param("api-version", "2024-02-01"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"value": [template_json("Failed", None)], "nextLink": next})),
        )
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.VirtualMachineImages/imageTemplates",
        ))
        .and(query_param("api-version", "2024-02-01"))
        .respond_with(ResponseTemplate::new(200).set_body_json(example_page("ListImageTemplatesByRg.json")))
        .mount(&server)
        .await;
    let (templates, _) = client(&server);
    let all: Vec<ImageTemplate> = templates.list(None).unwrap().try_collect().await.unwrap();
    assert_eq!(all.len(), 2);
    let in_group: Vec<ImageTemplate> = templates
        .list_by_resource_group("rg", None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(!in_group.is_empty());
}

#[tokio::test]
async fn update_patches_what_may_change_as_a_long_running_operation() {
    let server = MockServer::start().await;
    let example = example("UpdateImageTemplateTags.json");
    let parameters: ImageTemplateUpdateParameters =
        serde_json::from_value(example["parameters"]["parameters"].clone()).unwrap();
    Mock::given(method("PATCH"))
        .and(path(T))
        .and(query_param("api-version", "2024-02-01"))
        .and(body_json(json!({"tags": {"new-tag": "new-value"}})))
        .respond_with(accepted())
        .expect(1)
        .mount(&server)
        .await;
    operation_succeeds(&server).await;
    Mock::given(method("GET"))
        .and(path(T))
        .respond_with(ResponseTemplate::new(200).set_body_json(example["responses"]["200"]["body"].clone()))
        .mount(&server)
        .await;
    let (templates, clock) = client(&server);
    let updated = templates
        .begin_update("rg", NAME, &parameters, None)
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(updated.tags.unwrap()["new-tag"], "new-value");
    assert!(
        clock.sleeps().iter().all(|s| *s >= Duration::from_secs(1)),
        "Retry-After honoured"
    );
}

#[tokio::test]
async fn run_cancel_and_delete_are_long_running_operations() {
    let server = MockServer::start().await;
    for action in ["run", "cancel"] {
        Mock::given(method("POST"))
            .and(path(format!("{T}/{action}")))
            .and(query_param("api-version", "2024-02-01"))
            .respond_with(accepted())
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(OP_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "Succeeded"})))
        .mount(&server)
        .await;
    let delete_location = format!("https://management.azure.com{OP_PATH}/result?api-version=2024-02-01");
    Mock::given(method("DELETE"))
        .and(path(T))
        .and(query_param("api-version", "2024-02-01"))
        .respond_with(ResponseTemplate::new(202).insert_header("location", delete_location.as_str()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{OP_PATH}/result")))
        .respond_with(ScriptedResponses::new(vec![
            ResponseTemplate::new(202),
            ResponseTemplate::new(204),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let (templates, _) = client(&server);
    templates.begin_run("rg", NAME, None).await.unwrap().await.unwrap();
    templates.begin_cancel("rg", NAME, None).await.unwrap().await.unwrap();
    templates.begin_delete("rg", NAME, None).await.unwrap().await.unwrap();
}

#[tokio::test]
async fn run_outputs_are_listed_and_read_by_name() {
    let server = MockServer::start().await;
    let list = example_page("ListRunOutputs.json");
    let one = example("GetRunOutput.json")["responses"]["200"]["body"].clone();
    Mock::given(method("GET"))
        .and(path(format!("{T}/runOutputs")))
        .and(query_param("api-version", "2024-02-01"))
        .respond_with(ResponseTemplate::new(200).set_body_json(list))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{T}/runOutputs/image_it_pir_1")))
        .respond_with(ResponseTemplate::new(200).set_body_json(one))
        .mount(&server)
        .await;
    let (templates, _) = client(&server);
    let outputs: Vec<_> = templates
        .list_run_outputs("rg", NAME, None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert!(!outputs.is_empty());
    let output = templates
        .get_run_output("rg", NAME, "image_it_pir_1", None)
        .await
        .unwrap();
    assert!(output.properties.unwrap().artifact_id.is_some());
}

#[tokio::test]
async fn triggers_are_created_read_listed_and_deleted() {
    let server = MockServer::start().await;
    let trigger = format!("{T}/triggers/source");
    let trigger_json = json!({"id": trigger, "name": "source", "properties": {"kind": "SourceImage", "provisioningState": "Succeeded"}});
    Mock::given(method("PUT"))
        .and(path(trigger.as_str()))
        .and(query_param("api-version", "2024-02-01"))
        .and(body_json(json!({"properties": {"kind": "SourceImage"}})))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("azure-asyncoperation", OP)
                .set_body_json(trigger_json.clone()),
        )
        .expect(1)
        .mount(&server)
        .await;
    operation_succeeds(&server).await;
    Mock::given(method("GET"))
        .and(path(trigger.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(trigger_json.clone()))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{T}/triggers")))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [trigger_json]})))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(trigger.as_str()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let (templates, _) = client(&server);
    let triggers = templates.triggers();
    let created = triggers
        .begin_create_or_update("rg", NAME, "source", &Trigger::source_image(), None)
        .await
        .unwrap()
        .await
        .unwrap();
    assert_eq!(created.name.as_deref(), Some("source"));
    assert_eq!(
        triggers.get("rg", NAME, "source", None).await.unwrap().name.as_deref(),
        Some("source")
    );
    let all: Vec<Trigger> = triggers
        .list_by_image_template("rg", NAME, None)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 1);
    triggers
        .begin_delete("rg", NAME, "source", None)
        .await
        .unwrap()
        .await
        .unwrap();
}

#[tokio::test]
async fn bad_names_and_templates_are_refused_before_any_request() {
    let server = MockServer::start().await;
    let (templates, _) = client(&server);
    let (template, _) = linux_template();
    let errors = [
        templates.get("rg", "my template", None).await.unwrap_err(),
        templates.get("rg/x", NAME, None).await.unwrap_err(),
        templates.get_run_output("rg", NAME, "out put", None).await.unwrap_err(),
        templates.triggers().get("rg", NAME, "a/b", None).await.unwrap_err(),
        templates
            .begin_create_or_update("rg", &"x".repeat(65), &template, None)
            .await
            .unwrap_err(),
    ];
    for error in &errors {
        let text = error.to_string();
        assert!(text.starts_with("invalid "), "{text}");
        assert!(!text.contains('\n'), "{text}");
    }
    assert!(errors[2].to_string().starts_with("invalid run_output_name"));
    assert!(errors[3].to_string().starts_with("invalid trigger_name"));
    assert!(server.received_requests().await.unwrap().is_empty());
}

fn exact_wait() -> RunWaitOptions {
    let mut options = RunWaitOptions::for_build_timeout(60);
    options.waiter.jitter = false;
    options
}

#[tokio::test]
async fn the_run_waiter_reports_each_sub_state_once_with_its_time() {
    let server = MockServer::start().await;
    let states = [
        ("Running", Some("Queued")),
        ("Running", Some("Queued")),
        ("Running", Some("Building")),
        ("Running", Some("Customizing")),
        ("Running", Some("Customizing")),
        ("Running", Some("Distributing")),
        ("Succeeded", None),
    ];
    Mock::given(method("GET"))
        .and(path(T))
        .respond_with(ScriptedResponses::new(
            states
                .iter()
                .map(|(s, sub)| {
                    ResponseTemplate::new(200).set_body_json(template_json("Succeeded", Some((s, *sub, ""))))
                })
                .collect(),
        ))
        .mount(&server)
        .await;
    let (templates, clock) = client(&server);
    let mut events = Vec::new();
    let done = runs::wait_for_run(&templates, "rg", NAME, Some(exact_wait()), |e| events.push(e.clone()))
        .await
        .unwrap();
    assert_eq!(
        done.properties.last_run_status.unwrap().run_state,
        Some(RunState::Succeeded)
    );
    let seen: Vec<_> = events.iter().map(|e| e.run_sub_state.clone()).collect();
    assert_eq!(
        seen,
        [
            Some(RunSubState::Queued),
            Some(RunSubState::Building),
            Some(RunSubState::Customizing),
            Some(RunSubState::Distributing),
            None
        ]
    );
    assert_eq!(events[0].elapsed, Duration::ZERO);
    assert!(events.windows(2).all(|w| w[0].elapsed < w[1].elapsed));
    assert_eq!(
        clock.sleeps()[..3],
        [
            Duration::from_secs(10),
            Duration::from_secs(20),
            Duration::from_secs(40)
        ]
    );
}

#[tokio::test]
async fn the_run_waiter_is_bounded_by_the_build_timeout_and_reads_through_throttling() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(T))
        .respond_with(ScriptedResponses::new(vec![
            ResponseTemplate::new(200)
                .set_body_json(template_json("Succeeded", Some(("Running", Some("Customizing"), "")))),
            arm_error(429, "TooManyRequests", "slow down").insert_header("retry-after", "1"),
            arm_error(429, "TooManyRequests", "slow down").insert_header("retry-after", "1"),
            arm_error(429, "TooManyRequests", "slow down").insert_header("retry-after", "1"),
            arm_error(429, "TooManyRequests", "slow down").insert_header("retry-after", "1"),
            ResponseTemplate::new(200)
                .set_body_json(template_json("Succeeded", Some(("Running", Some("Customizing"), "")))),
        ]))
        .mount(&server)
        .await;
    let (templates, clock) = client(&server);
    let error = runs::wait_for_run(&templates, "rg", NAME, Some(exact_wait()), |_| {})
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, Error::Wait { .. }), "{text}");
    assert!(text.contains("runState Running, runSubState Customizing"), "{text}");
    assert!(
        clock.elapsed() >= Duration::from_secs(120 * 60),
        "60 minutes plus the margin"
    );
    assert!(clock.elapsed() < Duration::from_secs(121 * 60));
}

#[tokio::test]
async fn delete_cancels_a_running_build_first_and_waits_until_it_is_canceled() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(T))
        .respond_with(ScriptedResponses::new(vec![
            // delete's read, cancel_and_wait's read
            ResponseTemplate::new(200)
                .set_body_json(template_json("Succeeded", Some(("Running", Some("Building"), "")))),
            ResponseTemplate::new(200)
                .set_body_json(template_json("Succeeded", Some(("Running", Some("Building"), "")))),
            // the wait after the cancel
            ResponseTemplate::new(200).set_body_json(template_json("Succeeded", Some(("Canceling", None, "")))),
            ResponseTemplate::new(200)
                .set_body_json(template_json("Succeeded", Some(("Canceled", None, "canceled by user")))),
        ]))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{T}/cancel")))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(T))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let (templates, _) = client(&server);
    let mut states = Vec::new();
    runs::delete(&templates, "rg", NAME, Some(exact_wait()), |e| {
        states.push(e.run_state.clone())
    })
    .await
    .unwrap();
    assert_eq!(states.last().unwrap(), &Some(RunState::Canceled));
    let methods: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.method.to_string())
        .collect();
    let cancel = methods.iter().position(|m| m == "POST").unwrap();
    let delete = methods.iter().position(|m| m == "DELETE").unwrap();
    assert!(cancel < delete, "{methods:?}");
}

#[tokio::test]
async fn create_deletes_a_failed_template_left_behind_then_puts_again() {
    let server = MockServer::start().await;
    let (template, _) = linux_template();
    Mock::given(method("PUT"))
        .and(path(T))
        .respond_with(ScriptedResponses::new(vec![
            arm_error(409, "Conflict", "Update/Upgrade of image templates is currently not supported. Please change the name of the template you are submitting."),
            ResponseTemplate::new(200).set_body_json(template_json("Succeeded", None)),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(T))
        .respond_with(ScriptedResponses::new(vec![
            ResponseTemplate::new(200).set_body_json(template_json("Failed", None)),
            ResponseTemplate::new(200).set_body_json(template_json("Failed", None)),
        ]))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(T))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let (templates, _) = client(&server);
    let created = runs::create(&templates, "rg", NAME, &template, Some(exact_wait()))
        .await
        .unwrap();
    assert_eq!(created.properties.provisioning_state.unwrap().to_string(), "Succeeded");
}

#[tokio::test]
async fn create_reports_a_name_in_use_clearly_and_deletes_nothing() {
    let server = MockServer::start().await;
    let (template, _) = linux_template();
    Mock::given(method("PUT"))
        .and(path(T))
        .respond_with(arm_error(409, "Conflict", "Update/Upgrade of image templates is currently not supported. Please change the name of the template you are submitting."))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(T))
        .respond_with(ResponseTemplate::new(200).set_body_json(template_json("Succeeded", None)))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .expect(0)
        .mount(&server)
        .await;
    let (templates, _) = client(&server);
    let error = runs::create(&templates, "rg", NAME, &template, Some(exact_wait()))
        .await
        .unwrap_err();
    let text = error.to_string();
    assert!(matches!(error, Error::AlreadyExists { .. }), "{text}");
    assert!(
        text.starts_with(&format!("image template {T} already exists")),
        "{text}"
    );
    assert!(
        text.contains("Update/Upgrade of image templates is currently not supported"),
        "{text}"
    );
}

#[tokio::test]
async fn a_put_that_ends_failed_leaves_no_failed_template() {
    let server = MockServer::start().await;
    let (template, _) = linux_template();
    Mock::given(method("PUT"))
        .and(path(T))
        .respond_with(accepted())
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(OP_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"status": "Failed",
            "error": {"code": "InvalidParameter", "message": "The source image was not found"}})))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(T))
        .respond_with(ResponseTemplate::new(200).set_body_json(template_json("Failed", None)))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path(T))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let (templates, _) = client(&server);
    let error = runs::create(&templates, "rg", NAME, &template, Some(exact_wait()))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("The source image was not found"), "{error}");
}
