//! `Microsoft.VirtualMachineImages/imageTemplates` over ARM, from the official example
//! `fixtures/api-examples/imagebuilder/CreateImageTemplateLinux.json` adapted to the emulator's
//! resources: creation as an LRO with its staging group, Conflict on a second PUT, runs through
//! their sub-states on the emulator's clock, scripted failures, cancels and deletes.

use std::path::PathBuf;

use reqwest::Method;
use serde_json::{Value, json};

use az_emulator::{EmulatorConfig, ImageBuildScript};

use crate::blob_auth::{iso, user_delegation_sas};
use crate::blob_support::{STORAGE_SCOPE, account_id, account_key, create_account, grant, with_key, with_token};
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

/// Storage Blob Data Reader.
const BLOB_DATA_READER: &str = "2a2b9908-6ea1-4ae2-8e65-a410df84e7d1";

/// The content of the package the File customizers download.
const PACKAGE: &[u8] = b"the pipeline's build artifacts, packed\n";

/// Phases of a run that succeeds (Queued, Building, Customizing, Distributing), plus one.
const RUN_SECS: u64 = 5 * PHASE_SECS;

/// SHA-256 of `bytes`, lowercase hex (as `sha256Checksum` is written).
fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Creates account `account` with container `files` holding `pkg.tar.gz` ([`PACKAGE`], written
/// with the account key: no principal holds a data role on it); the blob's URL, path-style on
/// the emulator's Blob endpoint.
async fn package(h: &Harness, account: &str) -> String {
    create_account(h, account, json!({})).await;
    let key = account_key(h, account).await;
    let container = with_key(h, account, &key, Method::PUT, "/files?restype=container", &[], vec![]).await;
    assert_eq!(container.status, 201, "{}", container.text());
    let put = with_key(
        h,
        account,
        &key,
        Method::PUT,
        "/files/pkg.tar.gz",
        &[("x-ms-blob-type", "BlockBlob")],
        PACKAGE.to_vec(),
    )
    .await;
    assert_eq!(put.status, 201, "{}", put.text());
    format!("{}/{account}/files/pkg.tar.gz", h.info().endpoints.blob)
}

/// The ARM scope of container `files` of `account`.
fn files_scope(h: &Harness, account: &str) -> String {
    format!("{}/blobServices/default/containers/files", account_id(h, account))
}

/// A File customizer that downloads `uri`, checked against `sha256`.
fn file_customizer(uri: &str, sha256: &str) -> Value {
    json!({
        "type": "File",
        "name": "package",
        "sourceUri": uri,
        "destination": "/tmp/pkg.tar.gz",
        "sha256Checksum": sha256,
    })
}

/// An inline Shell customizer.
fn shell(name: &str) -> Value {
    json!({ "type": "Shell", "name": name, "inline": [format!("echo {name}")] })
}

/// The example's body with `customize` and a VHD distributor.
fn customized(h: &Harness, customize: Value) -> Value {
    let mut body = body(h, vhd());
    body["properties"]["customize"] = customize;
    body
}

/// A read-only user delegation SAS for `pkg.tar.gz` of `account`, signed with a key of the
/// principal of `storage_token`.
async fn package_sas(h: &Harness, storage_token: &str, account: &str) -> String {
    let now = time::OffsetDateTime::now_utc();
    let (start, expiry) = (
        iso(now - time::Duration::minutes(5)),
        iso(now + time::Duration::hours(1)),
    );
    let key_info = format!("<KeyInfo><Start>{start}</Start><Expiry>{expiry}</Expiry></KeyInfo>");
    let udk = with_token(
        h,
        storage_token,
        Method::POST,
        &format!("/{account}?restype=service&comp=userdelegationkey"),
        &[],
        key_info.into_bytes(),
    )
    .await;
    assert_eq!(udk.status, 200, "{}", udk.text());
    user_delegation_sas(&udk.text(), account, "files", "pkg.tar.gz", &start, &expiry)
}

/// Runs template `name` for `secs` of the emulator's clock; the run's `lastRunStatus` and the
/// final status of its `Azure-AsyncOperation`.
async fn run_for(h: &Harness, token: &str, name: &str, secs: u64) -> (Value, Value) {
    let run = h.arm(Method::POST, &template_path(h, name, "/run"), token, None).await;
    assert_eq!(run.status, 202, "{}", run.text);
    let operation = run
        .header("azure-asyncoperation")
        .and_then(|url| url.strip_prefix(&h.info().endpoints.arm))
        .expect("an Azure-AsyncOperation on ARM")
        .to_owned();
    h.advance_clock(secs).await;
    let status = get(h, token, name).await["properties"]["lastRunStatus"].clone();
    let operation = h.arm(Method::GET, &operation, token, None).await.json;
    (status, operation)
}

/// The text of the `customization.log` at `url` (on the emulator's Blob endpoint), read with a
/// bearer token of the test's principal once it holds Storage Blob Data Reader on the staging
/// account `account_id`.
async fn read_log(h: &Harness, account_id: &str, url: &str) -> String {
    let storage_token = h.token_for_scope(STORAGE_SCOPE).await;
    grant(h, &storage_token, BLOB_DATA_READER, account_id).await;
    let path = url
        .strip_prefix(&h.info().endpoints.blob)
        .expect("on the Blob endpoint");
    let log = with_token(h, &storage_token, Method::GET, path, &[], vec![]).await;
    assert_eq!(log.status, 200, "{path}: {}", log.text());
    log.text()
}

/// The text between `before` and `after` in `message`.
fn between<'m>(message: &'m str, before: &str, after: &str) -> &'m str {
    let start = message.find(before).map(|i| i + before.len()).expect(before);
    let len = message[start..].find(after).expect(after);
    &message[start..start + len]
}

#[tokio::test]
async fn a_file_the_identity_cannot_read_fails_the_put_and_after_delete_and_a_grant_the_name_builds() {
    let h = start().await;
    let token = h.token().await;
    let url = package(&h, "stimgrbac").await;
    let customize = json!([file_customizer(&url, &sha256_hex(PACKAGE))]);

    let failed = create(&h, &token, "t_file", customized(&h, customize.clone())).await;
    assert_eq!(failed["properties"]["provisioningState"], "Failed", "{failed}");
    let error = &failed["properties"]["provisioningError"];
    assert_eq!(error["provisioningErrorCode"], "Other", "{error}");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&url) && message.contains("AuthorizationPermissionMismatch"),
        "{message}"
    );
    let again = h
        .arm(
            Method::PUT,
            &template_path(&h, "t_file", ""),
            &token,
            Some(customized(&h, customize.clone())),
        )
        .await;
    assert_eq!(
        again.arm_code(),
        "Conflict",
        "a Failed template keeps its name: {}",
        again.text
    );
    let run = h
        .arm(Method::POST, &template_path(&h, "t_file", "/run"), &token, None)
        .await;
    assert_eq!(run.arm_code(), "OperationNotAllowed", "{}", run.text);

    let deleted = h
        .arm(Method::DELETE, &template_path(&h, "t_file", ""), &token, None)
        .await;
    assert_eq!(deleted.status, 202, "{}", deleted.text);
    h.advance_clock(PHASE_SECS).await;
    assert_eq!(
        h.arm(Method::GET, &template_path(&h, "t_file", ""), &token, None)
            .await
            .status,
        404
    );

    let identity_token = h.identity_token().await;
    grant(&h, &identity_token, BLOB_DATA_READER, &files_scope(&h, "stimgrbac")).await;
    let created = create(&h, &token, "t_file", customized(&h, customize)).await;
    assert_eq!(created["properties"]["provisioningState"], "Succeeded", "{created}");
    let (status, operation) = run_for(&h, &token, "t_file", RUN_SECS).await;
    assert_eq!(status["runState"], "Succeeded", "{status}");
    assert_eq!(operation["status"], "Succeeded", "{operation}");
}

#[tokio::test]
async fn a_file_behind_a_user_delegation_sas_is_read_with_what_its_signer_holds() {
    let h = start().await;
    let token = h.token().await;
    let url = package(&h, "stimgsas").await;
    let storage_token = h.token_for_scope(STORAGE_SCOPE).await;
    let sas_url = format!("{url}?{}", package_sas(&h, &storage_token, "stimgsas").await);
    let customize = json!([file_customizer(&sas_url, &sha256_hex(PACKAGE))]);

    // The signer holds no data role yet: the SAS grants nothing, the template fails.
    let refused = create(&h, &token, "t_sas_1", customized(&h, customize.clone())).await;
    assert_eq!(refused["properties"]["provisioningState"], "Failed", "{refused}");
    let message = refused["properties"]["provisioningError"]["message"]
        .as_str()
        .unwrap_or_default();
    assert!(
        !message.contains("sig=") && !message.contains('?'),
        "the SAS leaked: {message}"
    );

    grant(&h, &storage_token, BLOB_DATA_READER, &files_scope(&h, "stimgsas")).await;
    let created = create(&h, &token, "t_sas_2", customized(&h, customize)).await;
    assert_eq!(created["properties"]["provisioningState"], "Succeeded", "{created}");
    let (status, _) = run_for(&h, &token, "t_sas_2", RUN_SECS).await;
    assert_eq!(status["runState"], "Succeeded", "{status}");
}

#[tokio::test]
async fn a_checksum_mismatch_fails_the_run_in_its_customizer_and_the_log_shows_it_without_the_sas() {
    let h = start().await;
    let token = h.token().await;
    let url = package(&h, "stimglog").await;
    let storage_token = h.token_for_scope(STORAGE_SCOPE).await;
    grant(&h, &storage_token, BLOB_DATA_READER, &files_scope(&h, "stimglog")).await;
    let sas = package_sas(&h, &storage_token, "stimglog").await;
    let wrong = sha256_hex(b"another package");
    let customize = json!([
        shell("first"),
        file_customizer(&format!("{url}?{sas}"), &wrong),
        shell("third"),
    ]);
    let created = create(&h, &token, "t_sum", customized(&h, customize)).await;
    assert_eq!(created["properties"]["provisioningState"], "Succeeded", "{created}");
    let staging = created["properties"]["exactStagingResourceGroup"]
        .as_str()
        .expect("staging")
        .to_owned();

    let (status, operation) = run_for(&h, &token, "t_sum", RUN_SECS).await;
    assert_eq!(status["runState"], "Failed", "{status}");
    assert_eq!(operation["error"]["code"], "PackerBuildFailed", "{operation}");
    let message = status["message"].as_str().unwrap_or_default();
    let log_url = between(message, "Image Build log location: ", ". OperationId");
    let account = log_url
        .strip_prefix(&format!("{}/", h.info().endpoints.blob))
        .and_then(|rest| rest.split('/').next())
        .expect("the staging account");
    let account_id = format!("{staging}/providers/Microsoft.Storage/storageAccounts/{account}");
    let log = read_log(&h, &account_id, log_url).await;

    let starts: Vec<&str> = log
        .lines()
        .filter_map(|line| line.split("(telemetry) Starting provisioner ").nth(1))
        .collect();
    assert_eq!(starts, ["shell", "file"], "{log}");
    assert_eq!(log.matches("(telemetry) ending shell").count(), 1, "{log}");
    assert!(!log.contains("(telemetry) ending file"), "{log}");
    let errors: Vec<&str> = log.lines().filter(|line| line.contains("PACKER ERR")).collect();
    assert_eq!(errors.len(), 1, "{log}");
    assert!(
        errors[0].contains("sha256 checksum mismatch") && errors[0].contains(&url) && errors[0].contains(&wrong),
        "{}",
        errors[0]
    );
    assert!(log.contains(&format!("Uploading {url} => /tmp/pkg.tar.gz")), "{log}");
    assert!(
        !log.contains("sig=") && !log.contains("skoid") && !log.contains(&sas),
        "a SAS reached the log: {log}"
    );
    let operation_id = between(message, "OperationId: ", ".");
    assert!(
        log.lines().all(|line| line.starts_with(&format!("[{operation_id}] "))),
        "{log}"
    );
}

#[tokio::test]
async fn the_arm_path_form_names_the_log_in_the_staging_account() {
    let config = EmulatorConfig::from_toml_str(
        "operation_duration_ms = 300\n[image_builder]\nphase_ms = 1000\nlog_location = \"arm\"\n",
    )
    .expect("config");
    let h = Harness::with(config).await;
    let token = h.token().await;
    create(&h, &token, "t_arm", customized(&h, json!([shell("one"), shell("two")]))).await;
    h.emulator
        .control()
        .script_image_builds(ImageBuildScript {
            template: Some("t_arm".into()),
            fail_in_customizer: Some(2),
            message: Some("Script exited with non-zero exit status: 7. Allowed exit codes are: [0]".into()),
            stuck_canceling: false,
        })
        .expect("scripted");
    let (status, _) = run_for(&h, &token, "t_arm", RUN_SECS).await;
    assert_eq!(status["runState"], "Failed", "{status}");
    let message = status["message"].as_str().unwrap_or_default();
    assert!(
        message.starts_with("During the image build a failure has occurred."),
        "{message}"
    );
    let path = between(message, "Packer build logs are at location ", ". Please");
    let (account_id, blob) = path
        .split_once("/blobServices/default/containers/")
        .expect("an ARM path into a container");
    let account = h
        .arm(
            Method::GET,
            &format!("{account_id}?api-version=2023-05-01"),
            &token,
            None,
        )
        .await;
    assert_eq!(account.status, 200, "{path}: {}", account.text);
    let account_name = account.json["name"].as_str().expect("name");
    let log = read_log(
        &h,
        account_id,
        &format!("{}/{account_name}/{blob}", h.info().endpoints.blob),
    )
    .await;
    assert!(
        blob.starts_with("packerlogs/") && blob.ends_with("/customization.log"),
        "{blob}"
    );
    assert_eq!(
        log.matches("(telemetry) Starting provisioner shell").count(),
        2,
        "{log}"
    );
    assert!(log.contains("exit status: 7"), "{log}");
}

#[tokio::test]
async fn a_shared_image_distributor_publishes_the_next_version_of_its_definition() {
    let h = start().await;
    let token = h.token().await;
    let d = &h.info().defaults;
    let gallery = format!(
        "/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Compute/galleries/gal",
        d.subscription_id, d.resource_group
    );
    let definition = format!("{gallery}/images/agents");
    let gallery_api = "?api-version=2024-03-03";
    let made = h
        .arm(
            Method::PUT,
            &format!("{gallery}{gallery_api}"),
            &token,
            Some(json!({ "location": "westus" })),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let made = h
        .arm(
            Method::PUT,
            &format!("{definition}{gallery_api}"),
            &token,
            Some(json!({ "location": "westus", "properties": {
                "osType": "Linux", "osState": "Generalized",
                "identifier": { "publisher": "contoso", "offer": "agents", "sku": "ubuntu" },
            } })),
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.text);
    let distribute = json!([{
        "type": "SharedImage",
        "galleryImageId": definition,
        "runOutputName": "sig",
        "targetRegions": [{ "name": "westus", "replicaCount": 1 }],
        "versioning": { "scheme": "Latest", "major": 2 },
    }]);
    create(&h, &token, "t_sig", body(&h, distribute)).await;
    let mut versions = Vec::new();
    for _ in 0..2 {
        let (status, _) = run_for(&h, &token, "t_sig", RUN_SECS).await;
        assert_eq!(status["runState"], "Succeeded", "{status}");
        let output = h
            .arm(
                Method::GET,
                &template_path(&h, "t_sig", "/runOutputs/sig"),
                &token,
                None,
            )
            .await;
        let artifact = output.json["properties"]["artifactId"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let version = h
            .arm(Method::GET, &format!("{artifact}{gallery_api}"), &token, None)
            .await;
        assert_eq!(version.status, 200, "{artifact}: {}", version.text);
        assert_eq!(version.json["properties"]["provisioningState"], "Succeeded");
        versions.push(version.json["name"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(versions, ["2.0.1", "2.0.2"]);
    let listed = h
        .arm(
            Method::GET,
            &format!("{definition}/versions{gallery_api}"),
            &token,
            None,
        )
        .await;
    let names: Vec<&str> = listed.json["value"]
        .as_array()
        .map(|values| values.iter().filter_map(|v| v["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["2.0.1", "2.0.2"], "{}", listed.text);
}
