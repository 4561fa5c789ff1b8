//! Contract test: Get User Delegation Key is a POST without side effect (learn.microsoft.com
//! "Get User Delegation Key": it returns a key and changes nothing), so the storage pipeline
//! retries it after a 500 and a 503 as it does a GET (and so after a dropped connection: the
//! retry policy treats both alike for a request marked idempotent); time is the test's
//! `ManualClock`.
#![cfg(feature = "storage")]

use arm_core::storage::{BlobLocation, StorageClient, StorageClientOptions};
use arm_core::test_support::{ManualClock, ScriptedResponses, StaticTokenCredential, redirecting_transport_builder};
use azure_core::http::ClientOptions;
use std::time::Duration;
use wiremock::matchers::{method, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ORIGIN: &str = "https://acct.blob.core.windows.net";

fn storage(target: &str) -> StorageClient {
    let transport = redirecting_transport_builder(target)
        .unwrap()
        .rewrite_origin("test", ORIGIN, target)
        .unwrap()
        .build()
        .unwrap();
    StorageClient::new(Some(StorageClientOptions {
        client_options: ClientOptions {
            transport: Some(transport.to_transport()),
            ..Default::default()
        },
        clock: Some(ManualClock::new()),
        ..Default::default()
    }))
    .unwrap()
}

fn blob() -> BlobLocation {
    BlobLocation::with_credential(
        format!("{ORIGIN}/c/app.tar.gz").parse().unwrap(),
        StaticTokenCredential::new("storage-token"),
    )
    .unwrap()
}

fn key() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("content-type", "application/xml")
        .set_body_string(
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><UserDelegationKey>\
             <SignedOid>11111111-1111-1111-1111-111111111111</SignedOid>\
             <SignedTid>22222222-2222-2222-2222-222222222222</SignedTid>\
             <SignedStart>2025-01-15T00:00:00Z</SignedStart><SignedExpiry>2999-01-16T00:00:00Z</SignedExpiry>\
             <SignedService>b</SignedService><SignedVersion>2026-04-06</SignedVersion>\
             <Value>a2V5LWZvci10ZXN0cy1vbmx5</Value></UserDelegationKey>",
        )
}

async fn mount_key(server: &MockServer, responses: Vec<ResponseTemplate>) {
    Mock::given(method("POST"))
        .and(query_param("comp", "userdelegationkey"))
        .respond_with(ScriptedResponses::new(responses))
        .mount(server)
        .await;
}

async fn posts(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

#[tokio::test]
async fn a_delegation_key_answered_500_then_503_is_asked_again() {
    let server = MockServer::start().await;
    mount_key(
        &server,
        vec![
            ResponseTemplate::new(500),
            ResponseTemplate::new(503).insert_header("retry-after", "0"),
            key(),
        ],
    )
    .await;
    let sas = storage(&server.uri())
        .user_delegation_sas(&blob(), Duration::from_secs(600))
        .await
        .unwrap();
    assert_eq!(sas.permissions(), "r");
    assert_eq!(posts(&server).await, 3);
}
