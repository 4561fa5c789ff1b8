//! Contract tests of `upload_artifact` and `fetch_log` against wiremock behind arm-core's
//! redirecting transport: the container made on demand, the blocks of the archive and its block
//! list, the user delegation key, the customizers returned; the `customization.log` read in
//! ranges from both location forms Azure has used.

use arm_core::storage::{BlobEndpoint, LogProgress, StorageClient, StorageClientOptions, UploadOptions};
use arm_core::test_support::{ManualClock, StaticTokenCredential, mock_arm_client, redirecting_transport_builder};
use arm_core::{RetryOptions, azure_core::http::ClientOptions};
use image_builder::artifacts::{ArchiveFormat, ArtifactAccess, ArtifactOptions, ArtifactTarget, upload_artifact};
use image_builder::diagnostics::{FetchLogOptions, LogLocation, fetch_log, find_log_location};
use serde_json::json;
use std::collections::HashMap;
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const ORIGIN: &str = "https://acct.blob.core.windows.net";
const TEMPLATE: &str = "t_1700000000000";
const BLOB_PATH: &str = "/imagebuilder/t_1700000000000/app.tar.gz";

fn storage(server: &MockServer) -> StorageClient {
    let transport = redirecting_transport_builder(&server.uri())
        .unwrap()
        .rewrite_origin("test", ORIGIN, &server.uri())
        .unwrap()
        .build()
        .unwrap();
    StorageClient::new(Some(StorageClientOptions {
        client_options: ClientOptions {
            transport: Some(transport.to_transport()),
            ..Default::default()
        },
        retry: RetryOptions {
            initial_delay: Duration::from_millis(10),
            ..RetryOptions::default()
        },
        clock: Some(ManualClock::new()),
        version: None,
    }))
    .unwrap()
}

fn target() -> ArtifactTarget {
    ArtifactTarget::for_template(
        BlobEndpoint::from_url("acct", format!("{ORIGIN}/").parse().unwrap()),
        TEMPLATE,
    )
}

/// A folder `app` with a text file and 48 KiB of incompressible data (several 16 KiB blocks
/// once packed); removed on drop.
struct Folder(PathBuf);

impl Folder {
    fn new() -> Self {
        let root = std::env::temp_dir().join(format!("image-builder-contract-{:016x}", fastrand::u64(..)));
        let folder = root.join("app");
        std::fs::create_dir_all(folder.join("bin")).unwrap();
        std::fs::write(folder.join("README.txt"), "hello\n").unwrap();
        let data: Vec<u8> = (0..48 * 1024).map(|_| fastrand::u8(..)).collect();
        std::fs::write(folder.join("bin/data.bin"), data).unwrap();
        Self(root)
    }

    fn app(&self) -> PathBuf {
        self.0.join("app")
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn options(access: ArtifactAccess) -> ArtifactOptions {
    ArtifactOptions {
        format: ArchiveFormat::TarGz,
        access,
        upload: UploadOptions {
            block_size: 16 * 1024,
            blocks_in_flight: 2,
            progress: Some(Arc::new(LogProgress::new("test", Duration::from_secs(3600)))),
            ..Default::default()
        },
    }
}

async fn mount_container_and_blocks(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/imagebuilder"))
        .and(query_param("restype", "container"))
        .respond_with(ResponseTemplate::new(404).insert_header("x-ms-error-code", "ContainerNotFound"))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/imagebuilder"))
        .and(query_param("restype", "container"))
        .and(header("authorization", "Bearer storage-token"))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("PUT"))
        .and(path(BLOB_PATH))
        .and(query_param("comp", "block"))
        .and(header("authorization", "Bearer storage-token"))
        .respond_with(ResponseTemplate::new(201))
        .mount(server)
        .await;
    Mock::given(method("PUT"))
        .and(path(BLOB_PATH))
        .and(query_param("comp", "blocklist"))
        .and(header("x-ms-blob-content-type", "application/gzip"))
        .respond_with(ResponseTemplate::new(201).insert_header("etag", "\"0x1\""))
        .expect(1)
        .mount(server)
        .await;
}

/// The archive as committed: the staged blocks in the order of the block list.
fn committed(requests: &[Request]) -> Vec<u8> {
    let blocks: HashMap<String, &[u8]> = requests
        .iter()
        .filter(|r| r.url.query_pairs().any(|(k, v)| k == "comp" && v == "block"))
        .map(|r| {
            let id = r
                .url
                .query_pairs()
                .find(|(k, _)| k == "blockid")
                .unwrap()
                .1
                .into_owned();
            (id, &r.body[..])
        })
        .collect();
    let list = requests
        .iter()
        .find(|r| r.url.query_pairs().any(|(k, v)| k == "comp" && v == "blocklist"))
        .expect("Put Block List");
    let text = String::from_utf8(list.body.clone()).unwrap();
    assert!(blocks.len() >= 2, "several blocks: {}", blocks.len());
    text.split("<Latest>")
        .skip(1)
        .map(|rest| rest.split("</Latest>").next().unwrap())
        .flat_map(|id| blocks[id].to_vec())
        .collect()
}

fn sha256_hex(data: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[tokio::test]
async fn an_artifact_is_packed_uploaded_in_blocks_and_given_to_the_template_read_by_its_identity() {
    let server = MockServer::start().await;
    mount_container_and_blocks(&server).await;
    let folder = Folder::new();
    let uploaded = upload_artifact(
        &storage(&server),
        StaticTokenCredential::new("storage-token"),
        &target(),
        &folder.app(),
        Some(options(ArtifactAccess::TemplateIdentity)),
    )
    .await
    .unwrap();
    let requests = server.received_requests().await.unwrap();
    let archive = committed(&requests);
    assert_eq!(uploaded.bytes(), archive.len() as u64);
    assert_eq!(uploaded.sha256(), sha256_hex(&archive));
    assert_eq!(uploaded.blob().url().as_str(), format!("{ORIGIN}{BLOB_PATH}"));
    assert!(uploaded.sas().is_none());
    // The archive holds the folder's files under their relative names.
    let mut files = HashMap::new();
    let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(&archive[..]));
    for entry in tar.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().display().to_string();
        let mut content = Vec::new();
        entry.read_to_end(&mut content).unwrap();
        files.insert(name, content);
    }
    assert_eq!(files["README.txt"], b"hello\n");
    assert_eq!(
        files["bin/data.bin"],
        std::fs::read(folder.app().join("bin/data.bin")).unwrap()
    );
    // The File customizer (plain blob URL, checksum) and the unpack step, as the task does.
    let steps = serde_json::to_value(uploaded.customizers()).unwrap();
    assert_eq!(
        steps,
        json!([
            {
                "type": "File",
                "name": "artifacts",
                "sourceUri": format!("{ORIGIN}{BLOB_PATH}"),
                "destination": "/tmp/app.tar.gz",
                "sha256Checksum": uploaded.sha256(),
            },
            {
                "type": "Shell",
                "name": "unpack artifacts",
                "inline": [
                    "mkdir -p '/tmp/app'",
                    "tar -xzf '/tmp/app.tar.gz' -C '/tmp/app'",
                    "rm -f '/tmp/app.tar.gz'",
                ],
            },
        ])
    );
}

#[tokio::test]
async fn an_artifact_behind_a_user_delegation_sas_carries_a_read_only_https_blob_sas() {
    let server = MockServer::start().await;
    mount_container_and_blocks(&server).await;
    Mock::given(method("POST"))
        .and(path("/"))
        .and(query_param("restype", "service"))
        .and(query_param("comp", "userdelegationkey"))
        .and(header("authorization", "Bearer storage-token"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/xml")
                .set_body_string(
                    "<?xml version=\"1.0\" encoding=\"utf-8\"?><UserDelegationKey>\
             <SignedOid>11111111-1111-1111-1111-111111111111</SignedOid>\
             <SignedTid>22222222-2222-2222-2222-222222222222</SignedTid>\
             <SignedStart>2025-01-15T00:00:00Z</SignedStart><SignedExpiry>2999-01-16T00:00:00Z</SignedExpiry>\
             <SignedService>b</SignedService><SignedVersion>2026-04-06</SignedVersion>\
             <Value>a2V5LWZvci10ZXN0cy1vbmx5</Value></UserDelegationKey>",
                ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let folder = Folder::new();
    let uploaded = upload_artifact(
        &storage(&server),
        StaticTokenCredential::new("storage-token"),
        &target(),
        &folder.app(),
        Some(options(ArtifactAccess::UserDelegationSas {
            expires_in: Duration::from_secs(5 * 3600),
        })),
    )
    .await
    .unwrap();
    let source = uploaded.source_uri();
    let url = url::Url::parse(source.secret()).unwrap();
    assert_eq!(format!("{}{}", &ORIGIN, url.path()), format!("{ORIGIN}{BLOB_PATH}"));
    let query: HashMap<String, String> = url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    assert_eq!(
        (query["sp"].as_str(), query["sr"].as_str(), query["spr"].as_str()),
        ("r", "b", "https")
    );
    assert_eq!(query["skoid"], "11111111-1111-1111-1111-111111111111");
    let steps = serde_json::to_value(uploaded.customizers()).unwrap();
    assert_eq!(steps[0]["sourceUri"].as_str(), Some(source.secret()));
    let shown = format!("{uploaded:?}");
    assert!(!shown.contains(&query["sig"]), "Debug hides the signature: {shown}");
}

#[tokio::test]
async fn a_missing_folder_is_refused_before_any_request() {
    let server = MockServer::start().await;
    let error = upload_artifact(
        &storage(&server),
        StaticTokenCredential::new("storage-token"),
        &target(),
        &std::env::temp_dir().join("image-builder-no-such-folder"),
        None,
    )
    .await
    .unwrap_err();
    assert!(error.to_string().starts_with("invalid package_path: "), "{error}");
    assert!(server.received_requests().await.unwrap().is_empty());
}

const LOG_PATH: &str = "/packerlogs/0b2f3c8e-1111-4a5b-9c1d-2e3f4a5b6c7d/customization.log";
/// The size of each range `fetch_log` asks for (4 MiB).
const RANGE: usize = 4 * 1024 * 1024;

fn range(start: usize, len: usize) -> String {
    format!("bytes={start}-{}", start + len - 1)
}

/// A log of `RANGE + 100` bytes ending in a recognizable tail.
fn long_log() -> Vec<u8> {
    let mut log = vec![b'.'; RANGE];
    log.extend_from_slice(&[b'x'; 90]);
    log.extend_from_slice(b"THE END!!\n");
    log
}

async fn mount_log(server: &MockServer, log: &[u8]) {
    for start in (0..log.len() + 1).step_by(RANGE) {
        let response = if start >= log.len() {
            ResponseTemplate::new(416).insert_header("x-ms-error-code", "InvalidRange")
        } else {
            let end = (start + RANGE).min(log.len());
            ResponseTemplate::new(206)
                .insert_header(
                    "content-range",
                    format!("bytes {start}-{}/{}", end - 1, log.len()).as_str(),
                )
                .insert_header("etag", "\"0x1\"")
                .set_body_bytes(log[start..end].to_vec())
        };
        Mock::given(method("GET"))
            .and(path(LOG_PATH))
            .and(header("range", range(start, RANGE).as_str()))
            .and(header("authorization", "Bearer storage-token"))
            .respond_with(response)
            .expect(1)
            .mount(server)
            .await;
    }
}

#[tokio::test]
async fn a_log_at_a_blob_url_is_read_in_ranges_with_a_token() {
    let server = MockServer::start().await;
    let log = long_log();
    mount_log(&server, &log).await;
    let message = format!("... Image Build log location: {ORIGIN}{LOG_PATH}. OperationId: 1");
    let location = find_log_location(&message).unwrap();
    assert!(matches!(location, LogLocation::BlobUrl(_)));
    let arm = mock_arm_client(&server.uri(), None).unwrap();
    let text = fetch_log(
        &arm,
        &storage(&server),
        StaticTokenCredential::new("storage-token"),
        &location,
        None,
    )
    .await
    .unwrap();
    assert_eq!(text.len(), log.len());
    assert!(text.ends_with("THE END!!\n"));
    // Only the end is kept when asked.
    let server = MockServer::start().await;
    mount_log(&server, &log).await;
    let options = FetchLogOptions { max_bytes: 100 };
    let tail = fetch_log(
        &arm,
        &storage(&server),
        StaticTokenCredential::new("storage-token"),
        &location,
        Some(options),
    )
    .await
    .unwrap();
    assert_eq!(tail, format!("{}THE END!!\n", "x".repeat(90)));
}

/// A log whose length is a multiple of the range ends with a `416 InvalidRange`, which ends the
/// read; the storage account of an ARM path comes from ARM (`primaryEndpoints.blob`).
#[tokio::test]
async fn a_log_at_an_arm_path_is_found_through_arm_and_a_416_ends_it() {
    let server = MockServer::start().await;
    let account = "/subscriptions/s/resourceGroups/IT_rg_t_1_6589927b/providers/Microsoft.Storage/storageAccounts/acct";
    Mock::given(method("GET"))
        .and(path(account))
        .and(header("authorization", "Bearer test-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "name": "acct",
            "properties": {"provisioningState": "Succeeded", "primaryEndpoints": {"blob": format!("{ORIGIN}/")}}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let log = vec![b'a'; RANGE];
    mount_log(&server, &log).await;
    let message = format!(
        "Packer build logs are at location {account}/blobServices/default/containers{LOG_PATH}. Please navigate ..."
    );
    let location = find_log_location(&message).unwrap();
    assert!(matches!(location, LogLocation::ArmPath { .. }), "{location:?}");
    let arm = mock_arm_client(&server.uri(), None).unwrap();
    let text = fetch_log(
        &arm,
        &storage(&server),
        StaticTokenCredential::new("storage-token"),
        &location,
        None,
    )
    .await
    .unwrap();
    assert_eq!(text.len(), RANGE);
}

#[tokio::test]
async fn a_log_that_cannot_be_read_is_one_line_with_the_storage_code() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(LOG_PATH))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-ms-error-code", "AuthorizationPermissionMismatch")
                .set_body_string("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>AuthorizationPermissionMismatch</Code><Message>This request is not authorized to perform this operation using this permission.\nRequestId:1</Message></Error>"),
        )
        .mount(&server)
        .await;
    let location = LogLocation::BlobUrl(format!("{ORIGIN}{LOG_PATH}").parse().unwrap());
    let arm = mock_arm_client(&server.uri(), None).unwrap();
    let error = fetch_log(
        &arm,
        &storage(&server),
        StaticTokenCredential::new("storage-token"),
        &location,
        None,
    )
    .await
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        format!(
            "Get Blob {ORIGIN}{LOG_PATH} failed: 403 AuthorizationPermissionMismatch: This request is not authorized to perform this operation using this permission."
        )
    );
}
