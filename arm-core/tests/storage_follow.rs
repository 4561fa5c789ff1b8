//! Contract tests of the append-blob follower and of the user delegation SAS, on wiremock;
//! time is the test's `ManualClock`, so delays are asserted, never waited for.
#![cfg(feature = "storage")]

use arm_core::storage::{BlobLocation, FollowOptions, StorageClient, StorageClientOptions};
use arm_core::test_support::{ManualClock, ScriptedResponses, StaticTokenCredential, redirecting_transport_builder};
use azure_core::http::ClientOptions;
use futures::StreamExt;
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const LOG: &str = "https://acct.blob.core.windows.net/logs/run-1.log";

fn storage(server: &MockServer, clock: Arc<ManualClock>) -> StorageClient {
    let transport = redirecting_transport_builder(&server.uri())
        .unwrap()
        .rewrite_origin("test", "https://acct.blob.core.windows.net", &server.uri())
        .unwrap()
        .build()
        .unwrap();
    StorageClient::new(Some(StorageClientOptions {
        client_options: ClientOptions {
            transport: Some(transport.to_transport()),
            ..Default::default()
        },
        clock: Some(clock),
        ..Default::default()
    }))
    .unwrap()
}

fn log() -> BlobLocation {
    BlobLocation::with_credential(LOG.parse().unwrap(), StaticTokenCredential::new("storage-token")).unwrap()
}

fn error(status: u16, code: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("x-ms-error-code", code)
        .set_body_string(format!("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{code} here.</Message></Error>"))
}

fn bytes(from: u64, data: &str, total: u64) -> ResponseTemplate {
    let end = from + data.len() as u64 - 1;
    ResponseTemplate::new(206)
        .insert_header("content-range", format!("bytes {from}-{end}/{total}").as_str())
        .insert_header("x-ms-blob-type", "AppendBlob")
        .set_body_string(data)
}

fn properties(length: u64, complete: bool) -> ResponseTemplate {
    let response = ResponseTemplate::new(200)
        .insert_header("content-length", length.to_string().as_str())
        .insert_header("x-ms-blob-type", "AppendBlob");
    if complete {
        response.insert_header("x-ms-meta-Complete", "successful")
    } else {
        response
    }
}

#[tokio::test]
async fn the_follower_waits_for_the_blob_reads_appends_and_ends_at_completion() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/logs/run-1.log"))
        .and(header("authorization", "Bearer storage-token"))
        .respond_with(ScriptedResponses::new(vec![
            error(404, "BlobNotFound"),
            bytes(0, "step 1\r\n", 8),
            error(416, "InvalidRange"),
            bytes(8, "step 2\r\n", 16),
            error(416, "InvalidRange"),
        ]))
        .mount(&server)
        .await;
    Mock::given(method("HEAD"))
        .and(path("/logs/run-1.log"))
        .respond_with(ScriptedResponses::new(vec![properties(8, false), properties(16, true)]))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let follower = storage(&server, clock.clone())
        .follow_append_blob(&log(), None)
        .unwrap();
    let chunks: Vec<String> = follower
        .map(|chunk| String::from_utf8(chunk.unwrap().to_vec()).unwrap())
        .collect()
        .await;
    assert_eq!(chunks, ["step 1\r\n", "step 2\r\n"]);
    let ranges: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .map(|r| r.headers.get("range").unwrap().to_str().unwrap().to_owned())
        .collect();
    let chunk = 4 * 1024 * 1024;
    assert_eq!(
        ranges,
        [
            format!("bytes=0-{}", chunk - 1),
            format!("bytes=0-{}", chunk - 1),
            format!("bytes=8-{}", 8 + chunk - 1),
            format!("bytes=8-{}", 8 + chunk - 1),
            format!("bytes=16-{}", 16 + chunk - 1),
        ]
    );
    // While the writer is active, the poll never waits more than 250 ms.
    assert!(
        clock.sleeps().iter().all(|d| *d <= Duration::from_millis(250)),
        "{:?}",
        clock.sleeps()
    );
}

#[tokio::test]
async fn an_idle_blob_is_polled_less_and_less_often_up_to_the_maximum() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ScriptedResponses::new(vec![
            bytes(0, "x", 1),
            error(416, "InvalidRange"),
        ]))
        .mount(&server)
        .await;
    Mock::given(method("HEAD"))
        .respond_with(ScriptedResponses::new(vec![
            properties(1, false),
            properties(1, false),
            properties(1, false),
            properties(1, false),
            properties(1, false),
            properties(1, false),
            properties(1, false),
            properties(1, false),
            properties(1, false),
            properties(1, true),
        ]))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let options = FollowOptions {
        active_window: Duration::from_millis(500),
        ..Default::default()
    };
    let chunks: Vec<_> = storage(&server, clock.clone())
        .follow_append_blob(&log(), Some(options))
        .unwrap()
        .collect()
        .await;
    assert_eq!(chunks.len(), 1);
    let ms: Vec<u128> = clock.sleeps().iter().map(Duration::as_millis).collect();
    // 250 ms after the data and while it is within the active window (500 ms), then doubling
    // from 250 ms up to 5 s.
    assert_eq!(ms, [250, 250, 250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
}

#[tokio::test]
async fn a_blob_that_never_appears_ends_the_follower_after_the_maximum_wait() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(error(404, "BlobNotFound"))
        .mount(&server)
        .await;
    let options = FollowOptions {
        max_wait_for_blob: Duration::from_secs(20),
        ..Default::default()
    };
    let results: Vec<_> = storage(&server, ManualClock::new())
        .follow_append_blob(&log(), Some(options))
        .unwrap()
        .collect()
        .await;
    assert_eq!(results.len(), 1);
    let error = results.into_iter().next().unwrap().unwrap_err();
    assert_eq!(error.to_string(), format!("the blob {LOG} did not happen within 20s"));
}

#[tokio::test]
async fn a_denied_read_ends_the_follower_with_the_storage_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(error(403, "AuthorizationPermissionMismatch"))
        .mount(&server)
        .await;
    let mut follower = storage(&server, ManualClock::new())
        .follow_append_blob(&log(), None)
        .unwrap();
    let error = follower.next().await.unwrap().unwrap_err();
    assert_eq!(error.code(), Some("AuthorizationPermissionMismatch"));
    assert!(follower.next().await.is_none());
}

#[tokio::test]
async fn a_user_delegation_sas_is_read_only_https_only_and_for_one_blob() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/"))
        .and(query_param("restype", "service"))
        .and(query_param("comp", "userdelegationkey"))
        .and(header("authorization", "Bearer storage-token"))
        .and(body_string_contains("<KeyInfo>"))
        .and(body_string_contains("<Expiry>"))
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
    let storage = storage(&server, ManualClock::new());
    let before = time::OffsetDateTime::now_utc();
    let sas = storage
        .user_delegation_sas(&log(), Duration::from_secs(3600))
        .await
        .unwrap();
    let after = time::OffsetDateTime::now_utc();
    assert_eq!(sas.redacted(), format!("{LOG}?<redacted>"));
    assert_eq!(sas.permissions(), "r");
    assert_eq!(sas.resource(), &arm_core::storage::SasResource::Blob);
    let hour = time::Duration::hours(1);
    assert!(sas.expires_on() >= (before + hour).replace_nanosecond(0).unwrap() && sas.expires_on() <= after + hour);
    let url = url::Url::parse(sas.secret().secret()).unwrap();
    assert_eq!(url.path(), "/logs/run-1.log");
    let fields: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(fields["sp"], "r");
    assert_eq!(fields["sr"], "b");
    assert_eq!(fields["spr"], "https");
    assert_eq!(fields["skoid"], "11111111-1111-1111-1111-111111111111");
    assert_eq!(fields["sktid"], "22222222-2222-2222-2222-222222222222");
    assert!(!fields["sig"].is_empty());
    let body = String::from_utf8(server.received_requests().await.unwrap()[0].body.clone()).unwrap();
    let expiry = body
        .split("<Expiry>")
        .nth(1)
        .unwrap()
        .split("</Expiry>")
        .next()
        .unwrap();
    assert_eq!(fields["se"], expiry, "the key lasts as long as the SAS");

    let too_long = storage
        .user_delegation_sas(&log(), Duration::from_secs(8 * 24 * 3600))
        .await
        .unwrap_err();
    assert!(
        too_long
            .to_string()
            .starts_with("invalid expires_in: 691200s is not within Azure's limit"),
        "{too_long}"
    );
    let through_sas = BlobLocation::from_sas(sas).unwrap();
    let refused = storage
        .user_delegation_sas(&through_sas, Duration::from_secs(60))
        .await
        .unwrap_err();
    assert!(
        refused.to_string().contains("needs a credential, not a SAS"),
        "{refused}"
    );
}
