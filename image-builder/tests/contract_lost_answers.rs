//! Contract tests of requests whose answer is lost (a 5xx after Azure may have acted): the run
//! POST is not sent again when the template shows the run started; a PUT retried into `409
//! Conflict` on our own template counts as created.

use arm_core::ArmClientOptions;
use arm_core::test_support::{ManualClock, ScriptedResponses, arm_error, mock_arm_client};
use image_builder::ImageTemplatesClient;
use image_builder::flow::{CREATED_BY_TAG, CREATED_BY_VALUE};
use image_builder::model::ImageTemplate;
use image_builder::runs::{self, RunWaitOptions};
use serde_json::{Value, json};
use std::path::PathBuf;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SUB: &str = "00000000-0000-0000-0000-000000000000";
const T: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.VirtualMachineImages/imageTemplates/t_1700000000000";
const NAME: &str = "t_1700000000000";

fn client(server: &MockServer) -> ImageTemplatesClient {
    let options = ArmClientOptions {
        clock: Some(ManualClock::new()),
        ..ArmClientOptions::default()
    };
    ImageTemplatesClient::from_arm(mock_arm_client(&server.uri(), Some(options)).unwrap(), SUB).unwrap()
}

/// The official Linux example's template, tagged as the flow tags its templates.
fn ours() -> Value {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/api-examples/imagebuilder/CreateImageTemplateLinux.json");
    let example: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    let mut body = example["parameters"]["parameters"].clone();
    body["tags"] = json!({ CREATED_BY_TAG: CREATED_BY_VALUE });
    body
}

fn stored(provisioning: &str, run: Option<&str>) -> ResponseTemplate {
    let mut body = ours();
    body["id"] = json!(T);
    body["name"] = json!(NAME);
    body["properties"]["provisioningState"] = json!(provisioning);
    if let Some(state) = run {
        body["properties"]["lastRunStatus"] =
            json!({"runState": state, "runSubState": "Queued", "startTime": "2024-03-01T10:00:00Z"});
    }
    ResponseTemplate::new(200).set_body_json(body)
}

fn wait() -> RunWaitOptions {
    let mut options = RunWaitOptions::for_build_timeout(60);
    options.waiter.jitter = false;
    options
}

#[tokio::test]
async fn a_run_started_despite_a_500_is_not_asked_again() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{T}/run")))
        .respond_with(arm_error(500, "InternalServerError", "Something went wrong."))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(T))
        .respond_with(ScriptedResponses::new(vec![
            stored("Succeeded", None),
            stored("Succeeded", Some("Running")),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    runs::start_run(&client(&server), "rg", NAME, Some(wait()))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_run_not_started_after_a_500_is_asked_again_a_bounded_number_of_times() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(format!("{T}/run")))
        .respond_with(arm_error(500, "InternalServerError", "Something went wrong."))
        .expect(runs::ACTION_ATTEMPTS as u64)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(T))
        .respond_with(stored("Succeeded", None))
        .mount(&server)
        .await;
    let error = runs::start_run(&client(&server), "rg", NAME, Some(wait()))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("Something went wrong."), "{error}");
}

#[tokio::test]
async fn a_put_retried_into_409_on_our_own_template_counts_as_created() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path(T))
        .respond_with(arm_error(409, "Conflict", "Update/Upgrade of image templates is currently not supported. Please change the name of the template you are submitting."))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(T))
        .respond_with(ScriptedResponses::new(vec![
            stored("Creating", None),
            stored("Succeeded", None),
        ]))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .expect(0)
        .mount(&server)
        .await;
    let template: ImageTemplate = serde_json::from_value(ours()).unwrap();
    let created = runs::create(&client(&server), "rg", NAME, &template, Some(wait()))
        .await
        .unwrap();
    assert_eq!(created.properties.provisioning_state.unwrap().to_string(), "Succeeded");
}
