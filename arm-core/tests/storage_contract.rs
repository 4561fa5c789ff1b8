//! Contract tests of `arm_core::storage` against wiremock behind arm-core's redirecting
//! transport: the requests the module sends (method, path, query, headers, bodies) and how it
//! reads the answers, including failures.
#![cfg(feature = "storage")]

use arm_core::storage::{BlobEndpoint, BlobLocation, SasUrl, StorageClient, StorageClientOptions, UploadOptions};
use arm_core::test_support::{
    ManualClock, ScriptedResponses, StaticTokenCredential, mock_arm_client, redirecting_transport_builder,
};
use arm_core::{HttpTransport, RetryOptions};
use async_trait::async_trait;
use azure_core::http::{AsyncRawResponse, ClientOptions, HttpClient, Request, Transport};
use md5::{Digest, Md5};
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use wiremock::matchers::{body_string_contains, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ACCOUNT_ORIGIN: &str = "https://acct.blob.core.windows.net";
const BLOB: &str = "https://acct.blob.core.windows.net/c/dir/b.bin";

fn b64(bytes: &[u8]) -> String {
    azure_core::base64::encode(bytes)
}

/// Our transport, sending ARM, Entra and the account's Blob endpoint to `target`.
fn transport(target: &str) -> HttpTransport {
    redirecting_transport_builder(target)
        .unwrap()
        .rewrite_origin("test", ACCOUNT_ORIGIN, target)
        .unwrap()
        .build()
        .unwrap()
}

fn storage_on(transport: Transport) -> StorageClient {
    StorageClient::new(Some(StorageClientOptions {
        client_options: ClientOptions {
            transport: Some(transport),
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

fn storage(server: &MockServer) -> StorageClient {
    storage_on(transport(&server.uri()).to_transport())
}

fn blob() -> BlobLocation {
    BlobLocation::with_credential(BLOB.parse().unwrap(), StaticTokenCredential::new("storage-token")).unwrap()
}

fn quiet(options: UploadOptions) -> UploadOptions {
    UploadOptions {
        progress: Some(Arc::new(arm_core::storage::LogProgress::new(
            "test",
            Duration::from_secs(3600),
        ))),
        ..options
    }
}

/// The whole text of an error and its sources.
fn chain(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        text.push_str(" | ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}

fn storage_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("x-ms-error-code", code)
        .insert_header("x-ms-request-id", "req-1")
        .insert_header("content-type", "application/xml")
        .set_body_string(format!(
            "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>{message}\nRequestId:req-1\nTime:2025-01-01T00:00:00.0000000Z</Message></Error>"
        ))
}

#[tokio::test]
async fn the_blob_endpoint_comes_from_arm() {
    let server = MockServer::start().await;
    let account = "/subscriptions/sub/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts";
    Mock::given(method("GET"))
        .and(path(format!("{account}/acct")))
        .and(query_param("api-version", "2024-01-01"))
        .and(header("authorization", "Bearer test-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "name": "acct",
            "properties": {"provisioningState": "Succeeded", "primaryEndpoints": {"blob": "https://acct.blob.core.chinacloudapi.cn/"}}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{account}/creating")))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "properties": {"provisioningState": "Creating", "primaryEndpoints": {}}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{account}/fileonly")))
        .and(query_param("api-version", "2023-01-01"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "properties": {"provisioningState": "Succeeded", "primaryEndpoints": {"file": "https://fileonly.file.core.windows.net/"}}
        })))
        .mount(&server)
        .await;
    let arm = mock_arm_client(&server.uri(), None).unwrap();
    let endpoint = BlobEndpoint::resolve(&arm, "sub", "rg", "acct", None).await.unwrap();
    assert_eq!(endpoint.url().as_str(), "https://acct.blob.core.chinacloudapi.cn/");
    assert_eq!(
        endpoint.blob_url("c", "dir/a b#1.txt").unwrap().as_str(),
        "https://acct.blob.core.chinacloudapi.cn/c/dir/a%20b%231.txt"
    );
    let creating = BlobEndpoint::resolve(&arm, "sub", "rg", "creating", None)
        .await
        .unwrap_err();
    assert_eq!(
        creating.to_string(),
        "invalid storage account: creating is not ready (provisioningState 'Creating'); wait until it is Succeeded"
    );
    let options = arm_core::storage::BlobEndpointOptions {
        api_version: Some("2023-01-01".into()),
        ..Default::default()
    };
    let file_only = BlobEndpoint::resolve(&arm, "sub", "rg", "fileonly", Some(options))
        .await
        .unwrap_err();
    assert!(
        file_only.to_string().contains("fileonly has no Blob endpoint"),
        "{file_only}"
    );
    let bad = BlobEndpoint::resolve(&arm, "sub", "rg", "Bad_Name", None)
        .await
        .unwrap_err();
    assert!(
        bad.to_string().contains("3 to 24 lowercase letters and digits"),
        "{bad}"
    );
}

#[tokio::test]
async fn small_data_is_one_put_blob_with_its_md5_and_a_storage_token() {
    let server = MockServer::start().await;
    let data = b"hello, blob".to_vec();
    Mock::given(method("PUT"))
        .and(path("/c/dir/b.bin"))
        .and(header("x-ms-blob-type", "BlockBlob"))
        .and(header("x-ms-blob-content-md5", b64(&Md5::digest(&data)).as_str()))
        .and(header("x-ms-blob-content-type", "text/plain"))
        .and(header("x-ms-meta-run", "42"))
        .and(header("authorization", "Bearer storage-token"))
        .and(header("x-ms-version", "2026-04-06"))
        .respond_with(ResponseTemplate::new(201).insert_header("etag", "\"0x1\""))
        .expect(1)
        .mount(&server)
        .await;
    let options = quiet(UploadOptions {
        content_type: Some("text/plain".into()),
        metadata: HashMap::from([("run".to_owned(), "42".to_owned())]),
        ..Default::default()
    });
    let result = storage(&server)
        .upload_stream(&blob(), &data[..], Some(options))
        .await
        .unwrap();
    assert_eq!((result.bytes, result.blocks), (data.len() as u64, 0));
    assert_eq!(result.content_md5, Some(Md5::digest(&data).to_vec()));
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].body, data);
    assert_eq!(received[0].url.query(), None);
}

/// A transport that counts the requests in flight at once and keeps the highest count.
#[derive(Debug)]
struct Counting {
    inner: HttpTransport,
    now: AtomicUsize,
    max: AtomicUsize,
}

#[async_trait]
impl HttpClient for Counting {
    async fn execute_request(&self, request: &Request) -> azure_core::Result<AsyncRawResponse> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.max.fetch_max(now, Ordering::SeqCst);
        let response = self.inner.execute_request(request).await;
        self.now.fetch_sub(1, Ordering::SeqCst);
        response
    }
}

/// `blocks` full blocks of `size` bytes and a last partial one, each block's bytes telling its
/// index.
fn blocks_of(size: usize, blocks: usize) -> Vec<u8> {
    (0..size * blocks + size / 2)
        .map(|i| (i / size) as u8 ^ (i % 251) as u8)
        .collect()
}

/// The Put Block requests and the Put Block List request received, checked against `data`:
/// every block has the MD5 of its body and an id of 32 Base64 characters; the list commits
/// every staged block in order, with the MD5 of `data` as the blob's `Content-MD5` when
/// `blob_md5` (else none), and the blocks add up to `data`.
async fn check_blocks(server: &MockServer, data: &[u8], blob_md5: bool) -> (usize, String) {
    let received = server.received_requests().await.unwrap();
    let mut staged: HashMap<String, Vec<u8>> = HashMap::new();
    let mut puts = 0;
    let mut list = None;
    for request in &received {
        let query: HashMap<String, String> = request.url.query_pairs().into_owned().collect();
        match query.get("comp").map(String::as_str) {
            Some("block") => {
                puts += 1;
                let id = query["blockid"].clone();
                assert_eq!(id.len(), 32, "{id}");
                let md5 = request.headers.get("content-md5").unwrap().to_str().unwrap();
                assert_eq!(md5, b64(&Md5::digest(&request.body)));
                staged.insert(id, request.body.clone());
            }
            Some("blocklist") => {
                assert_eq!(
                    request
                        .headers
                        .get("x-ms-blob-content-md5")
                        .map(|md5| md5.to_str().unwrap().to_owned()),
                    blob_md5.then(|| b64(&Md5::digest(data)))
                );
                list = Some(String::from_utf8(request.body.clone()).unwrap());
            }
            other => panic!("unexpected request {other:?}: {}", request.url),
        }
    }
    let list = list.expect("a Put Block List");
    let ids: Vec<&str> = list
        .split("<Latest>")
        .skip(1)
        .map(|s| s.split("</Latest>").next().unwrap())
        .collect();
    assert!(
        list.starts_with("<BlockList>") || list.contains("<BlockList>"),
        "{list}"
    );
    let joined: Vec<u8> = ids.iter().flat_map(|id| staged[*id].clone()).collect();
    assert_eq!(joined, data, "the committed blocks are the data, in order");
    assert_eq!(ids.len(), staged.len());
    (puts, list)
}

fn mount_blocks(delay: Duration) -> [Mock; 2] {
    [
        Mock::given(method("PUT"))
            .and(path("/c/dir/b.bin"))
            .and(query_param("comp", "block"))
            .and(header("authorization", "Bearer storage-token"))
            .respond_with(ResponseTemplate::new(201).set_delay(delay)),
        Mock::given(method("PUT"))
            .and(path("/c/dir/b.bin"))
            .and(query_param("comp", "blocklist"))
            .and(header("content-type", "application/xml"))
            .and(body_string_contains("<Latest>"))
            .respond_with(ResponseTemplate::new(201)),
    ]
}

#[tokio::test]
async fn large_data_goes_in_blocks_with_a_bounded_number_in_flight() {
    let server = MockServer::start().await;
    for mock in mount_blocks(Duration::from_millis(40)) {
        server.register(mock).await;
    }
    let counting = Arc::new(Counting {
        inner: transport(&server.uri()),
        now: AtomicUsize::new(0),
        max: AtomicUsize::new(0),
    });
    let storage = storage_on(Transport::new(counting.clone()));
    let data = blocks_of(1024, 12);
    let options = quiet(UploadOptions {
        block_size: 1024,
        blocks_in_flight: 3,
        ..Default::default()
    });
    let result = storage.upload_stream(&blob(), &data[..], Some(options)).await.unwrap();
    assert_eq!((result.bytes, result.blocks), (data.len() as u64, 13));
    assert_eq!(result.content_md5, None, "no whole-blob MD5 by default");
    let (puts, _) = check_blocks(&server, &data, false).await;
    assert_eq!(puts, 13);
    let max = counting.max.load(Ordering::SeqCst);
    assert!((2..=3).contains(&max), "{max} requests in flight at once");
}

#[tokio::test]
async fn a_file_is_uploaded_in_blocks() {
    let server = MockServer::start().await;
    for mock in mount_blocks(Duration::ZERO) {
        server.register(mock).await;
    }
    let data = blocks_of(4096, 3);
    let dir = std::env::temp_dir().join(format!("storage-upload-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("data.bin");
    std::fs::write(&file, &data).unwrap();
    let options = quiet(UploadOptions {
        block_size: 4096,
        blob_content_md5: true,
        ..Default::default()
    });
    let result = storage(&server).upload_file(&blob(), &file, Some(options)).await;
    std::fs::remove_dir_all(&dir).unwrap();
    let result = result.unwrap();
    assert_eq!(result.blocks, 4);
    assert_eq!(result.content_md5, Some(Md5::digest(&data).to_vec()));
    check_blocks(&server, &data, true).await;
    let missing = storage(&server)
        .upload_file(&blob(), "/nonexistent/data.bin".as_ref(), None)
        .await
        .unwrap_err();
    assert!(
        missing.to_string().starts_with("cannot read /nonexistent/data.bin: "),
        "{missing}"
    );
}

#[tokio::test]
async fn a_block_that_fails_with_503_or_500_is_sent_again() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(query_param("comp", "block"))
        .respond_with(ScriptedResponses::new(vec![
            ResponseTemplate::new(503),
            ResponseTemplate::new(500),
            ResponseTemplate::new(201),
        ]))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(query_param("comp", "blocklist"))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    let data = blocks_of(512, 3);
    let options = quiet(UploadOptions {
        block_size: 512,
        blocks_in_flight: 1,
        ..Default::default()
    });
    storage(&server)
        .upload_stream(&blob(), &data[..], Some(options))
        .await
        .unwrap();
    let (puts, _) = check_blocks(&server, &data, false).await;
    assert_eq!(puts, 4 + 2, "the first block was sent three times");
}

/// A TCP proxy to `upstream` that closes the first connection after reading from it (a
/// dropped connection, as a failing front end does), and relays every later one.
async fn dropping_proxy(upstream: std::net::SocketAddr) -> (String, Arc<AtomicUsize>) {
    use tokio::io::AsyncReadExt;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let dropped = Arc::new(AtomicUsize::new(0));
    let count = dropped.clone();
    tokio::spawn(async move {
        let mut first = true;
        while let Ok((mut client, _)) = listener.accept().await {
            if std::mem::take(&mut first) {
                let mut buffer = [0u8; 1024];
                let _ = client.read(&mut buffer).await;
                count.fetch_add(1, Ordering::SeqCst);
                drop(client);
                continue;
            }
            tokio::spawn(async move {
                let mut server = tokio::net::TcpStream::connect(upstream).await.unwrap();
                let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
            });
        }
    });
    (format!("http://{address}"), dropped)
}

#[tokio::test]
async fn a_block_whose_connection_drops_is_sent_again() {
    let server = MockServer::start().await;
    for mock in mount_blocks(Duration::ZERO) {
        server.register(mock).await;
    }
    let (proxy, dropped) = dropping_proxy(*server.address()).await;
    let storage = storage_on(transport(&proxy).to_transport());
    let data = blocks_of(512, 4);
    let options = quiet(UploadOptions {
        block_size: 512,
        blocks_in_flight: 1,
        ..Default::default()
    });
    storage.upload_stream(&blob(), &data[..], Some(options)).await.unwrap();
    assert_eq!(dropped.load(Ordering::SeqCst), 1);
    let (puts, _) = check_blocks(&server, &data, false).await;
    assert_eq!(puts, 5, "the dropped block reached the server once, on its retry");
}

#[tokio::test]
async fn an_upload_through_a_sas_url_keeps_its_query_and_sends_no_token() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/c/dir/b.bin"))
        .and(query_param("sv", "2024-08-04"))
        .and(query_param("sr", "b"))
        .and(query_param("sp", "cw"))
        .and(query_param("sig", "c2lnbmF0dXJl/+="))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    let sas = SasUrl::parse(&format!(
        "{BLOB}?sv=2024-08-04&sr=b&sp=cw&se=2999-01-01T00:00:00Z&sig=c2lnbmF0dXJl%2F%2B%3D"
    ))
    .unwrap();
    assert!(!format!("{sas:?}").contains("c2lnbmF0dXJl"));
    let blob = BlobLocation::from_sas(sas).unwrap();
    assert!(!format!("{blob:?}").contains("c2lnbmF0dXJl"));
    storage(&server)
        .upload_stream(&blob, &b"context"[..], Some(quiet(UploadOptions::default())))
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert!(received[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn bad_sas_urls_are_refused_in_one_line_without_their_query() {
    let expired = SasUrl::parse(&format!(
        "{BLOB}?sv=2024-08-04&sr=b&sp=r&se=2020-01-01T00:00:00Z&sig=SECRET"
    ))
    .unwrap_err();
    assert_eq!(
        expired.to_string(),
        format!("SAS URL {BLOB}?<redacted>: expired at 2020-01-01T00:00:00Z")
    );
    let http = SasUrl::parse("http://acct.blob.core.windows.net/c/b?sr=b&se=2999-01-01&sig=SECRET").unwrap_err();
    assert_eq!(
        http.to_string(),
        "SAS URL http://acct.blob.core.windows.net/c/b?<redacted>: SAS URL must use https"
    );
    let unsigned = SasUrl::parse(&format!("{BLOB}?sr=b&se=2999-01-01")).unwrap_err();
    assert!(
        unsigned
            .to_string()
            .ends_with("has no signature (sig): it is not a SAS URL"),
        "{unsigned}"
    );
    let container = SasUrl::parse("https://acct.blob.core.windows.net/c?sr=c&sp=rl&se=2999-01-01&sig=SECRET").unwrap();
    assert_eq!(container.resource().to_string(), "a container (sr=c)");
    assert_eq!(container.permissions(), "rl");
    for error in [expired, http, unsigned] {
        assert!(!chain(&error).contains("SECRET"));
    }
}

#[tokio::test]
async fn service_errors_are_one_line_with_the_code_and_no_query() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/c/dir/b.bin"))
        .respond_with(storage_error(
            403,
            "AuthenticationFailed",
            "Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature.",
        ))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/missing/b"))
        .respond_with(storage_error(
            404,
            "ContainerNotFound",
            "The specified container does not exist.",
        ))
        .mount(&server)
        .await;
    let tampered = BlobLocation::from_sas(
        SasUrl::parse(&format!(
            "{BLOB}?sv=2024-08-04&sr=b&sp=cw&se=2999-01-01T00:00:00Z&sig=TAMPERED"
        ))
        .unwrap(),
    )
    .unwrap();
    let error = storage(&server)
        .upload_stream(&tampered, &b"x"[..], Some(quiet(UploadOptions::default())))
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("AuthenticationFailed"));
    assert_eq!(error.status().map(u16::from), Some(403));
    assert_eq!(
        error.to_string(),
        format!(
            "Put Blob {BLOB} failed: 403 AuthenticationFailed: Server failed to authenticate the request. Make sure the value of Authorization header is formed correctly including the signature. [x-ms-request-id: req-1]"
        )
    );
    assert!(!chain(&error).contains("TAMPERED"), "{}", chain(&error));
    let missing = BlobLocation::with_credential(
        "https://acct.blob.core.windows.net/missing/b".parse().unwrap(),
        StaticTokenCredential::new("storage-token"),
    )
    .unwrap();
    let error = storage(&server)
        .upload_stream(&missing, &b"x"[..], Some(quiet(UploadOptions::default())))
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("ContainerNotFound"));
    assert!(!error.to_string().contains('\n'));
    assert!(
        error
            .to_string()
            .contains("404 ContainerNotFound: The specified container does not exist."),
        "{error}"
    );
}

#[tokio::test]
async fn a_range_is_read_with_a_range_header() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/c/dir/b.bin"))
        .and(header("range", "bytes=5-14"))
        .and(header("authorization", "Bearer storage-token"))
        .respond_with(
            ResponseTemplate::new(206)
                .insert_header("content-range", "bytes 5-14/100")
                .insert_header("etag", "\"0x2\"")
                .set_body_bytes(&b"0123456789"[..]),
        )
        .expect(1)
        .mount(&server)
        .await;
    let bytes = storage(&server).read_range(&blob(), 5..15).await.unwrap();
    assert_eq!(&bytes[..], b"0123456789");
    let empty = storage(&server).read_range(&blob(), 5..5).await.unwrap_err();
    assert_eq!(empty.to_string(), "invalid range: 5..5 is empty");
}

#[tokio::test]
async fn a_blob_is_deleted_with_a_storage_token_and_one_already_gone_counts_as_deleted() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/c/dir/b.bin"))
        .and(header("authorization", "Bearer storage-token"))
        .and(header("x-ms-version", "2026-04-06"))
        .respond_with(ResponseTemplate::new(202).insert_header("x-ms-delete-type-permanent", "true"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/c/dir/b.bin"))
        .respond_with(storage_error(404, "BlobNotFound", "The specified blob does not exist."))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/gone/b"))
        .respond_with(storage_error(
            404,
            "ContainerNotFound",
            "The specified container does not exist.",
        ))
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/locked/b"))
        .respond_with(storage_error(
            403,
            "AuthorizationPermissionMismatch",
            "This request is not authorized to perform this operation using this permission.",
        ))
        .mount(&server)
        .await;
    let storage = storage(&server);
    assert!(storage.delete_blob(&blob()).await.unwrap(), "202: deleted by this call");
    assert!(
        !storage.delete_blob(&blob()).await.unwrap(),
        "404 BlobNotFound: already gone"
    );
    let in_gone_container = BlobLocation::with_credential(
        "https://acct.blob.core.windows.net/gone/b".parse().unwrap(),
        StaticTokenCredential::new("storage-token"),
    )
    .unwrap();
    assert!(!storage.delete_blob(&in_gone_container).await.unwrap());
    let locked = BlobLocation::with_credential(
        "https://acct.blob.core.windows.net/locked/b".parse().unwrap(),
        StaticTokenCredential::new("storage-token"),
    )
    .unwrap();
    let error = storage.delete_blob(&locked).await.unwrap_err();
    assert_eq!(error.code(), Some("AuthorizationPermissionMismatch"));
    assert_eq!(
        error.to_string(),
        "Delete Blob https://acct.blob.core.windows.net/locked/b failed: 403 AuthorizationPermissionMismatch: This request is not authorized to perform this operation using this permission. [x-ms-request-id: req-1]"
    );
}

#[tokio::test]
async fn a_delete_through_a_sas_url_keeps_its_query_and_sends_no_token() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/c/dir/b.bin"))
        .and(query_param("sp", "d"))
        .and(query_param("sig", "SECRET"))
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .mount(&server)
        .await;
    let sas = SasUrl::parse(&format!(
        "{BLOB}?sv=2025-01-05&sr=b&sp=d&se=2999-01-01T00:00:00Z&sig=SECRET"
    ))
    .unwrap();
    assert!(
        storage(&server)
            .delete_blob(&BlobLocation::from_sas(sas).unwrap())
            .await
            .unwrap()
    );
    let received = server.received_requests().await.unwrap();
    assert!(received[0].headers.get("authorization").is_none());
}

/// A DELETE answered 503 is sent again (Delete Blob is idempotent); when the first one had in fact
/// deleted the blob, the retry's 404 `BlobNotFound` still counts as done.
#[tokio::test]
async fn a_delete_answered_503_is_retried_and_its_404_counts_as_done() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .and(path("/c/dir/b.bin"))
        .respond_with(storage_error(503, "ServerBusy", "The server is busy.").insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/c/dir/b.bin"))
        .respond_with(storage_error(404, "BlobNotFound", "The specified blob does not exist."))
        .expect(1)
        .mount(&server)
        .await;
    assert!(!storage(&server).delete_blob(&blob()).await.unwrap());
}

/// Get Container Properties first; Create Container (private: no `x-ms-blob-public-access`) only
/// when it answers `404 ContainerNotFound`.
#[tokio::test]
async fn a_missing_container_is_created_private() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/c"))
        .and(query_param("restype", "container"))
        .and(header("authorization", "Bearer storage-token"))
        .respond_with(storage_error(
            404,
            "ContainerNotFound",
            "The specified container does not exist.",
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/c"))
        .and(query_param("restype", "container"))
        .and(header("authorization", "Bearer storage-token"))
        .respond_with(ResponseTemplate::new(201).insert_header("etag", "\"0x1\""))
        .expect(1)
        .mount(&server)
        .await;
    assert!(storage(&server).create_container_if_missing(&blob()).await.unwrap());
    let received = server.received_requests().await.unwrap();
    let put = received.iter().find(|r| r.method.as_str() == "PUT").unwrap();
    assert!(put.headers.get("x-ms-blob-public-access").is_none(), "no public access");
}

#[tokio::test]
async fn an_existing_container_is_only_read() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/c"))
        .and(query_param("restype", "container"))
        .respond_with(ResponseTemplate::new(200).insert_header("etag", "\"0x1\""))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(201))
        .expect(0)
        .mount(&server)
        .await;
    assert!(!storage(&server).create_container_if_missing(&blob()).await.unwrap());
}

/// Another build created the container between the read and the creation: `409
/// ContainerAlreadyExists` counts as existing; any other refusal is the service's error.
#[tokio::test]
async fn a_container_created_meanwhile_counts_as_existing() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(storage_error(
            404,
            "ContainerNotFound",
            "The specified container does not exist.",
        ))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/c"))
        .respond_with(storage_error(
            409,
            "ContainerAlreadyExists",
            "The specified container already exists.",
        ))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/deleting"))
        .respond_with(storage_error(
            409,
            "ContainerBeingDeleted",
            "The specified container is being deleted. Try operation later.",
        ))
        .mount(&server)
        .await;
    let storage = storage(&server);
    assert!(!storage.create_container_if_missing(&blob()).await.unwrap());
    let deleting = BlobLocation::with_credential(
        "https://acct.blob.core.windows.net/deleting/b".parse().unwrap(),
        StaticTokenCredential::new("storage-token"),
    )
    .unwrap();
    let error = storage.create_container_if_missing(&deleting).await.unwrap_err();
    assert_eq!(error.code(), Some("ContainerBeingDeleted"));
    assert_eq!(
        error.to_string(),
        "Create Container https://acct.blob.core.windows.net/deleting failed: 409 ContainerBeingDeleted: The specified container is being deleted. Try operation later. [x-ms-request-id: req-1]"
    );
}

/// An account as `GET .../storageAccounts/{name}` answers it, its endpoint at `blob`.
fn account_body(name: &str, blob: &str) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "properties": {"provisioningState": "Succeeded", "primaryEndpoints": {"blob": blob}}
    })
}

#[tokio::test]
async fn an_account_is_found_by_name_through_the_generic_resource_list() {
    let server = MockServer::start().await;
    let id = "/subscriptions/sub/resourceGroups/rg-pkg/providers/Microsoft.Storage/storageAccounts/pkgstore";
    Mock::given(method("GET"))
        .and(path("/subscriptions/sub/resources"))
        .and(query_param("api-version", "2021-04-01"))
        .and(query_param(
            "$filter",
            "name eq 'pkgstore' and resourceType eq 'Microsoft.Storage/storageAccounts'",
        ))
        .and(header("authorization", "Bearer test-token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "value": [{"id": id, "name": "pkgstore", "type": "Microsoft.Storage/storageAccounts", "location": "westeurope"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(id))
        .and(query_param("api-version", "2024-01-01"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(account_body("pkgstore", "https://pkgstore.blob.core.windows.net/")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/subscriptions/sub/resources"))
        .and(query_param(
            "$filter",
            "name eq 'nosuch' and resourceType eq 'Microsoft.Storage/storageAccounts'",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"value": []})))
        .expect(1)
        .mount(&server)
        .await;
    let arm = mock_arm_client(&server.uri(), None).unwrap();

    let (found, endpoint) = BlobEndpoint::find(&arm, "sub", "pkgstore", None)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found.to_string(), id);
    assert_eq!(found.resource_group(), Some("rg-pkg"));
    assert_eq!(endpoint.url().as_str(), "https://pkgstore.blob.core.windows.net/");
    assert_eq!(endpoint.account(), "pkgstore");
    assert!(BlobEndpoint::find(&arm, "sub", "nosuch", None).await.unwrap().is_none());
    // A name that could break out of the filter's quotes is refused before any request.
    let bad = BlobEndpoint::find(&arm, "sub", "x' or name eq 'y", None)
        .await
        .unwrap_err();
    assert!(
        bad.to_string().contains("3 to 24 lowercase letters and digits"),
        "{bad}"
    );
}

#[tokio::test]
async fn the_accounts_of_a_resource_group_are_listed_with_their_endpoints() {
    let server = MockServer::start().await;
    let group = "/subscriptions/sub/resourceGroups/IT_rg_t_1";
    let account = |name: &str| format!("{group}/providers/Microsoft.Storage/storageAccounts/{name}");
    Mock::given(method("GET"))
        .and(path(format!("{group}/resources")))
        .and(query_param("api-version", "2021-04-01"))
        .and(query_param(
            "$filter",
            "resourceType eq 'Microsoft.Storage/storageAccounts'",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "value": [{"id": account("logs1"), "name": "logs1"}],
            "nextLink": format!("https://management.azure.com{group}/resources?api-version=2021-04-01&$skiptoken=2")
        })))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(format!("{group}/resources")))
        .and(query_param("$skiptoken", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "value": [{"id": account("logs2"), "name": "logs2"}]
        })))
        .mount(&server)
        .await;
    for name in ["logs1", "logs2"] {
        Mock::given(method("GET"))
            .and(path(account(name)))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(account_body(name, &format!("https://{name}.blob.core.windows.net/"))),
            )
            .mount(&server)
            .await;
    }
    let arm = mock_arm_client(&server.uri(), None).unwrap();
    let found = BlobEndpoint::list_in_resource_group(&arm, "sub", "IT_rg_t_1", None)
        .await
        .unwrap();
    let names: Vec<(&str, &str)> = found.iter().map(|(id, e)| (id.name(), e.url().as_str())).collect();
    assert_eq!(
        names,
        [
            ("logs1", "https://logs1.blob.core.windows.net/"),
            ("logs2", "https://logs2.blob.core.windows.net/")
        ]
    );
}

/// A List Blobs page: `(name, Last-Modified)` per blob, and the next marker.
fn blob_list(blobs: &[(&str, &str)], next: &str) -> String {
    let items: String = blobs
        .iter()
        .map(|(name, modified)| {
            format!(
                "<Blob><Name>{name}</Name><Properties><Last-Modified>{modified}</Last-Modified><Content-Length>42</Content-Length><BlobType>AppendBlob</BlobType></Properties></Blob>"
            )
        })
        .collect();
    format!(
        "\u{feff}<?xml version=\"1.0\" encoding=\"utf-8\"?><EnumerationResults ServiceEndpoint=\"{ACCOUNT_ORIGIN}/\" ContainerName=\"packerlogs\"><Prefix>run</Prefix><Blobs>{items}</Blobs><NextMarker>{next}</NextMarker></EnumerationResults>"
    )
}

#[tokio::test]
async fn blobs_are_listed_under_a_prefix_page_after_page_with_a_storage_token() {
    let server = MockServer::start().await;
    let xml = |body: String| {
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/xml")
            .set_body_string(body)
    };
    Mock::given(method("GET"))
        .and(path("/packerlogs"))
        .and(query_param("restype", "container"))
        .and(query_param("comp", "list"))
        .and(query_param("prefix", "run"))
        .and(query_param("marker", "page2"))
        .and(header("authorization", "Bearer storage-token"))
        .respond_with(xml(blob_list(
            &[("run/b/customization.log", "Tue, 02 Jan 2024 10:00:00 GMT")],
            "",
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/packerlogs"))
        .and(query_param("restype", "container"))
        .and(query_param("comp", "list"))
        .and(query_param("prefix", "run"))
        .and(header("authorization", "Bearer storage-token"))
        .and(header("x-ms-version", "2026-04-06"))
        .respond_with(xml(blob_list(
            &[("run/a b/customization.log", "Mon, 01 Jan 2024 10:00:00 GMT")],
            "page2",
        )))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    let endpoint = BlobEndpoint::from_url("acct", ACCOUNT_ORIGIN.parse().unwrap());
    let listed = storage(&server)
        .list_blobs(
            &endpoint,
            "packerlogs",
            "run",
            StaticTokenCredential::new("storage-token"),
        )
        .await
        .unwrap();
    let names: Vec<&str> = listed.iter().map(|b| b.name.as_str()).collect();
    assert_eq!(names, ["run/a b/customization.log", "run/b/customization.log"]);
    assert!(listed[0].last_modified < listed[1].last_modified, "{listed:?}");
    assert_eq!(listed[1].size, Some(42));
}

#[tokio::test]
async fn listing_a_missing_container_is_one_line_with_its_code() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/packerlogs"))
        .and(query_param("comp", "list"))
        .respond_with(storage_error(
            404,
            "ContainerNotFound",
            "The specified container does not exist.",
        ))
        .mount(&server)
        .await;
    let endpoint = BlobEndpoint::from_url("acct", ACCOUNT_ORIGIN.parse().unwrap());
    let error = storage(&server)
        .list_blobs(&endpoint, "packerlogs", "", StaticTokenCredential::new("storage-token"))
        .await
        .unwrap_err();
    assert_eq!(error.code(), Some("ContainerNotFound"));
    let text = error.to_string();
    assert!(
        text.starts_with("List Blobs https://acct.blob.core.windows.net/packerlogs"),
        "{text}"
    );
    assert!(!text.contains('\n'), "{text}");
}
