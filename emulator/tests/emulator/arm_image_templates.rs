//! `Microsoft.VirtualMachineImages/imageTemplates` over ARM, from the official example
//! `fixtures/api-examples/imagebuilder/CreateImageTemplateLinux.json` adapted to the emulator's
//! resources: creation as an LRO with its staging group, Conflict on a second PUT, runs through
//! their sub-states on the emulator's clock, scripted failures, cancels and deletes.

use std::path::PathBuf;

use reqwest::Method;
use serde_json::{Value, json};

use az_emulator::{EmulatorConfig, ImageBuildScript};

use crate::common::{Harness, RG_API};

/// The api-version of the examples.
const API: &str = "2025-10-01";

/// A phase of a run in the tests' configuration (`[image_builder] phase_ms`), in seconds.
const PHASE_SECS: u64 = 1;

/// Short operations (300 ms) and one-second run phases, through the `[image_builder]` section.
async fn start() -> Harness {
    let config = EmulatorConfig::from_toml_str("operation_duration_ms = 300\n[image_builder]\nphase_ms = 1000\n")
        .expect("config");
    Harness::with(config).await
}

/// The body of `CreateImageTemplateLinux.json` with the default identity and `distribute`.
fn body(h: &Harness, distribute: Value) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../fixtures/api-examples/imagebuilder/CreateImageTemplateLinux.json");
    let example: Value = serde_json::from_str(&std::fs::read_to_string(path).expect("example")).expect("json");
    let mut body = example["parameters"]["parameters"].clone();
    let identity = &h.info().defaults.identity_resource_id;
    body["identity"]["userAssignedIdentities"] = json!({ identity: {} });
    body["location"] = json!("westus");
    body["properties"]["distribute"] = distribute;
    body
}

fn template_path(h: &Harness, name: &str, rest: &str) -> String {
    let d = &h.info().defaults;
    format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.VirtualMachineImages/imageTemplates/{name}{rest}?api-version={API}",
        d.subscription_id, d.resource_group
    )
}

fn vhd() -> Value {
    json!([{ "type": "VHD", "runOutputName": "vhd_out" }])
}

/// Creates template `name` and waits until it is provisioned.
async fn create(h: &Harness, token: &str, name: &str, body: Value) -> Value {
    let reply = h.arm(Method::PUT, &template_path(h, name, ""), token, Some(body)).await;
    assert_eq!(reply.status, 201, "{}", reply.text);
    assert!(reply.header("azure-asyncoperation").is_some());
    assert_eq!(reply.json["properties"]["provisioningState"], "Creating");
    h.advance_clock(PHASE_SECS).await;
    h.arm(Method::GET, &template_path(h, name, ""), token, None).await.json
}

async fn get(h: &Harness, token: &str, name: &str) -> Value {
    h.arm(Method::GET, &template_path(h, name, ""), token, None).await.json
}

#[tokio::test]
async fn creation_makes_the_staging_group_and_a_second_put_conflicts() {
    let h = start().await;
    let token = h.token().await;
    let template = create(&h, &token, "t_1", body(&h, vhd())).await;
    assert_eq!(template["properties"]["provisioningState"], "Succeeded", "{template}");
    let staging = template["properties"]["exactStagingResourceGroup"]
        .as_str()
        .expect("staging")
        .to_owned();
    let rg = &h.info().defaults.resource_group;
    assert!(staging.contains(&format!("/resourceGroups/IT_{rg}_t_1_")), "{staging}");
    let group = h
        .arm(Method::GET, &format!("{staging}?api-version={RG_API}"), &token, None)
        .await;
    assert_eq!(group.json["tags"]["createdBy"], "AzureVMImageBuilder");
    assert_eq!(group.json["tags"]["imageTemplateName"], "t_1");
    assert_eq!(group.json["tags"]["imageTemplateResourceGroupName"], rg.as_str());
    let accounts = h
        .arm(
            Method::GET,
            &format!("{staging}/providers/Microsoft.Storage/storageAccounts?api-version=2025-06-01"),
            &token,
            None,
        )
        .await;
    assert_eq!(
        accounts.json["value"].as_array().map(Vec::len),
        Some(1),
        "{}",
        accounts.text
    );
    let again = h
        .arm(
            Method::PUT,
            &template_path(&h, "t_1", ""),
            &token,
            Some(body(&h, vhd())),
        )
        .await;
    assert_eq!(again.status, 409);
    assert_eq!(again.arm_code(), "Conflict");
    assert!(
        again.json["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Update/Upgrade of image templates is currently not supported.")
    );
}

#[tokio::test]
async fn invalid_bodies_are_validation_failed() {
    let h = start().await;
    let token = h.token().await;
    let mut no_identity = body(&h, vhd());
    no_identity.as_object_mut().expect("object").remove("identity");
    let reply = h
        .arm(Method::PUT, &template_path(&h, "t_bad", ""), &token, Some(no_identity))
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.arm_code(), "ValidationFailed");
    let mut timeout = body(&h, vhd());
    timeout["properties"]["buildTimeoutInMinutes"] = json!(3);
    let reply = h
        .arm(Method::PUT, &template_path(&h, "t_bad", ""), &token, Some(timeout))
        .await;
    assert_eq!(reply.arm_code(), "ValidationFailed", "{}", reply.text);
}

#[tokio::test]
async fn a_run_moves_through_its_sub_states_and_makes_its_outputs() {
    let h = start().await;
    let token = h.token().await;
    let d = &h.info().defaults;
    let image = format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/images/img1",
        d.subscription_id, d.resource_group
    );
    let distribute = json!([
        { "type": "ManagedImage", "imageId": image, "location": "westus", "runOutputName": "managed" },
        { "type": "VHD", "runOutputName": "vhd_out" },
    ]);
    create(&h, &token, "t_run", body(&h, distribute)).await;
    let run = h
        .arm(Method::POST, &template_path(&h, "t_run", "/run"), &token, None)
        .await;
    assert_eq!(run.status, 202, "{}", run.text);
    assert!(run.header("azure-asyncoperation").is_some() && run.header("location").is_some());
    let mut seen = Vec::new();
    for _ in 0..6 {
        let status = get(&h, &token, "t_run").await["properties"]["lastRunStatus"].clone();
        if status["runState"] == "Running" {
            seen.push(status["runSubState"].as_str().unwrap_or_default().to_owned());
            let refused = h
                .arm(Method::DELETE, &template_path(&h, "t_run", ""), &token, None)
                .await;
            assert_eq!(refused.arm_code(), "OperationNotAllowed");
        }
        h.advance_clock(PHASE_SECS).await;
    }
    assert_eq!(seen, ["Queued", "Building", "Customizing", "Distributing"]);
    let done = get(&h, &token, "t_run").await;
    assert_eq!(done["properties"]["lastRunStatus"]["runState"], "Succeeded", "{done}");
    let outputs = h
        .arm(Method::GET, &template_path(&h, "t_run", "/runOutputs"), &token, None)
        .await;
    let values = outputs.json["value"].as_array().cloned().unwrap_or_default();
    assert_eq!(values.len(), 2, "{}", outputs.text);
    let managed = h
        .arm(
            Method::GET,
            &template_path(&h, "t_run", "/runOutputs/managed"),
            &token,
            None,
        )
        .await;
    assert_eq!(managed.json["properties"]["artifactId"], image.as_str());
    let vhd = h
        .arm(
            Method::GET,
            &template_path(&h, "t_run", "/runOutputs/vhd_out"),
            &token,
            None,
        )
        .await;
    assert!(
        vhd.json["properties"]["artifactUri"]
            .as_str()
            .unwrap_or_default()
            .ends_with(".vhd")
    );
}

#[tokio::test]
async fn a_scripted_failure_points_at_the_log_and_keeps_the_staging_group_until_delete() {
    let h = start().await;
    let token = h.token().await;
    let staging = create(&h, &token, "t_fail", body(&h, vhd())).await["properties"]["exactStagingResourceGroup"]
        .as_str()
        .expect("staging")
        .to_owned();
    h.emulator
        .control()
        .script_image_builds(ImageBuildScript {
            template: Some("t_fail".into()),
            fail_in_customizer: Some(1),
            message: Some("boom: exit 3".into()),
            stuck_canceling: false,
        })
        .expect("scripted");
    h.arm(Method::POST, &template_path(&h, "t_fail", "/run"), &token, None)
        .await;
    h.advance_clock(4 * PHASE_SECS).await;
    let status = get(&h, &token, "t_fail").await["properties"]["lastRunStatus"].clone();
    assert_eq!(status["runState"], "Failed", "{status}");
    let message = status["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("/packerlogs/") && message.contains("/customization.log"),
        "{message}"
    );
    assert!(message.starts_with("Failed while waiting for packerizer"), "{message}");
    let group = h
        .arm(Method::GET, &format!("{staging}?api-version={RG_API}"), &token, None)
        .await;
    assert_eq!(group.status, 200);
    let deleted = h
        .arm(Method::DELETE, &template_path(&h, "t_fail", ""), &token, None)
        .await;
    assert_eq!(deleted.status, 202);
    h.advance_clock(PHASE_SECS).await;
    let group = h
        .arm(Method::GET, &format!("{staging}?api-version={RG_API}"), &token, None)
        .await;
    assert_eq!(group.status, 404, "{}", group.text);
    let gone = h.arm(Method::GET, &template_path(&h, "t_fail", ""), &token, None).await;
    assert_eq!(gone.status, 404);
}

#[tokio::test]
async fn a_stuck_cancel_refuses_delete_and_a_missing_definition_partially_succeeds() {
    let h = start().await;
    let token = h.token().await;
    create(&h, &token, "t_stuck", body(&h, vhd())).await;
    h.emulator
        .control()
        .script_image_builds(ImageBuildScript {
            template: Some("t_stuck".into()),
            stuck_canceling: true,
            ..ImageBuildScript::default()
        })
        .expect("scripted");
    h.arm(Method::POST, &template_path(&h, "t_stuck", "/run"), &token, None)
        .await;
    let cancel = h
        .arm(Method::POST, &template_path(&h, "t_stuck", "/cancel"), &token, None)
        .await;
    assert_eq!(cancel.status, 202, "{}", cancel.text);
    h.advance_clock(10 * PHASE_SECS).await;
    assert_eq!(
        get(&h, &token, "t_stuck").await["properties"]["lastRunStatus"]["runState"],
        "Canceling"
    );
    let refused = h
        .arm(Method::DELETE, &template_path(&h, "t_stuck", ""), &token, None)
        .await;
    assert_eq!(refused.arm_code(), "OperationNotAllowed");
    assert!(
        refused.json["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("run state: canceling")
    );

    let d = &h.info().defaults;
    let gallery_image = format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/galleries/g/images/missing",
        d.subscription_id, d.resource_group
    );
    let distribute = json!([
        { "type": "SharedImage", "galleryImageId": gallery_image, "runOutputName": "sig" },
        { "type": "VHD", "runOutputName": "vhd_out" },
    ]);
    create(&h, &token, "t_partial", body(&h, distribute)).await;
    h.arm(Method::POST, &template_path(&h, "t_partial", "/run"), &token, None)
        .await;
    h.advance_clock(5 * PHASE_SECS).await;
    let status = get(&h, &token, "t_partial").await["properties"]["lastRunStatus"].clone();
    assert_eq!(status["runState"], "PartiallySucceeded", "{status}");
    let outputs = h
        .arm(
            Method::GET,
            &template_path(&h, "t_partial", "/runOutputs"),
            &token,
            None,
        )
        .await;
    assert_eq!(outputs.json["value"].as_array().map(Vec::len), Some(1));
}
