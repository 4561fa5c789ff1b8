//! The Blob data plane over TLS: containers, blobs, blocks, append blobs, ranges, listings,
//! conditions, checksums, and who may do what (bearer tokens with RBAC, Shared Key,
//! anonymous), path-style and host-style.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::json;

use crate::blob_support::{
    BLOB_DATA_CONTRIBUTOR, STORAGE_SCOPE, VERSION, account_id, account_key, blob, create_account, grant, http_date_now,
    shared_key, texts, with_token,
};
use crate::common::Harness;

/// An emulator with account `name`, a storage token of the default service principal (Owner of
/// the subscription) and, when `data_role`, Storage Blob Data Contributor on the account.
async fn setup(name: &str, data_role: bool) -> (Harness, String) {
    let h = Harness::start().await;
    create_account(&h, name, json!({})).await;
    let token = h.token_for_scope(STORAGE_SCOPE).await;
    if data_role {
        grant(&h, &token, BLOB_DATA_CONTRIBUTOR, &account_id(&h, name)).await;
    }
    (h, token)
}

#[tokio::test]
async fn containers_blobs_ranges_and_listings_with_a_bearer_token() {
    let (h, t) = setup("stblobflow", true).await;
    let created = with_token(
        &h,
        &t,
        Method::PUT,
        "/stblobflow/logs?restype=container",
        &[("x-ms-meta-team", "a")],
        vec![],
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text());
    assert!(created.header("etag").is_some());
    assert_eq!(created.header("x-ms-version"), Some(VERSION));
    assert!(created.header("x-ms-request-id").is_some());
    let again = with_token(&h, &t, Method::PUT, "/stblobflow/logs?restype=container", &[], vec![]).await;
    assert_eq!((again.status, again.code()), (409, "ContainerAlreadyExists"));
    assert!(
        again.text().contains(
            "<Code>ContainerAlreadyExists</Code><Message>The specified container already exists.\nRequestId:"
        )
    );

    let props = with_token(&h, &t, Method::HEAD, "/stblobflow/logs?restype=container", &[], vec![]).await;
    assert_eq!(props.status, 200);
    assert_eq!(props.header("x-ms-meta-team"), Some("a"));

    // Put Blob, with the client's MD5 checked and a request id echoed.
    let content = b"0123456789abcdefghij".to_vec();
    let md5 = STANDARD.encode(md5_of(&content));
    let put = with_token(
        &h,
        &t,
        Method::PUT,
        "/stblobflow/logs/dir/a%20file.txt",
        &[
            ("x-ms-blob-type", "BlockBlob"),
            ("content-md5", &md5),
            ("x-ms-blob-content-type", "text/plain"),
            ("x-ms-meta-kind", "log"),
            ("x-ms-client-request-id", "req-1"),
        ],
        content.clone(),
    )
    .await;
    assert_eq!(put.status, 201, "{}", put.text());
    assert_eq!(put.header("content-md5"), Some(md5.as_str()));
    assert_eq!(put.header("x-ms-client-request-id"), Some("req-1"));
    let wrong_md5 = STANDARD.encode([0u8; 16]);
    let mismatch = with_token(
        &h,
        &t,
        Method::PUT,
        "/stblobflow/logs/other",
        &[("x-ms-blob-type", "BlockBlob"), ("content-md5", &wrong_md5)],
        content.clone(),
    )
    .await;
    assert_eq!((mismatch.status, mismatch.code()), (400, "Md5Mismatch"));
    let exists = with_token(
        &h,
        &t,
        Method::PUT,
        "/stblobflow/logs/dir/a%20file.txt",
        &[("x-ms-blob-type", "BlockBlob"), ("if-none-match", "*")],
        content.clone(),
    )
    .await;
    assert_eq!((exists.status, exists.code()), (409, "BlobAlreadyExists"));

    // Reads: whole, ranges, properties.
    let got = with_token(&h, &t, Method::GET, "/stblobflow/logs/dir/a%20file.txt", &[], vec![]).await;
    assert_eq!(got.status, 200);
    assert_eq!(got.body, content);
    assert_eq!(got.header("content-type"), Some("text/plain"));
    assert_eq!(got.header("x-ms-blob-type"), Some("BlockBlob"));
    let ranged = with_token(
        &h,
        &t,
        Method::GET,
        "/stblobflow/logs/dir/a%20file.txt",
        &[("range", "bytes=5-9")],
        vec![],
    )
    .await;
    assert_eq!(ranged.status, 206);
    assert_eq!(ranged.body, b"56789");
    assert_eq!(ranged.header("content-range"), Some("bytes 5-9/20"));
    let tail = with_token(
        &h,
        &t,
        Method::GET,
        "/stblobflow/logs/dir/a%20file.txt",
        &[("x-ms-range", "bytes=15-"), ("x-ms-range-get-content-md5", "true")],
        vec![],
    )
    .await;
    assert_eq!(tail.body, b"fghij");
    assert_eq!(
        tail.header("content-md5"),
        Some(STANDARD.encode(md5_of(b"fghij")).as_str())
    );
    let beyond = with_token(
        &h,
        &t,
        Method::GET,
        "/stblobflow/logs/dir/a%20file.txt",
        &[("range", "bytes=20-")],
        vec![],
    )
    .await;
    assert_eq!((beyond.status, beyond.code()), (416, "InvalidRange"));
    let head = with_token(&h, &t, Method::HEAD, "/stblobflow/logs/dir/a%20file.txt", &[], vec![]).await;
    assert_eq!(head.status, 200);
    assert_eq!(head.header("content-length"), Some("20"));
    assert_eq!(head.header("x-ms-meta-kind"), Some("log"));
    assert!(head.body.is_empty());

    // Metadata, listings with a delimiter and paging.
    let meta = with_token(
        &h,
        &t,
        Method::PUT,
        "/stblobflow/logs/dir/a%20file.txt?comp=metadata",
        &[("x-ms-meta-done", "yes")],
        vec![],
    )
    .await;
    assert_eq!(meta.status, 200, "{}", meta.text());
    for name in ["dir/b", "dir/sub/c", "top1", "top2"] {
        let put = with_token(
            &h,
            &t,
            Method::PUT,
            &format!("/stblobflow/logs/{name}"),
            &[("x-ms-blob-type", "BlockBlob")],
            b"x".to_vec(),
        )
        .await;
        assert_eq!(put.status, 201);
    }
    let root = with_token(
        &h,
        &t,
        Method::GET,
        "/stblobflow/logs?restype=container&comp=list&delimiter=/",
        &[],
        vec![],
    )
    .await;
    assert_eq!(root.status, 200, "{}", root.text());
    let xml = root.text();
    assert_eq!(texts(&xml, "Name"), ["dir/", "top1", "top2"], "{xml}");
    assert!(xml.contains("<BlobPrefix><Name>dir/</Name></BlobPrefix>"));
    let first = with_token(
        &h,
        &t,
        Method::GET,
        "/stblobflow/logs?restype=container&comp=list&prefix=dir/&maxresults=2&include=metadata",
        &[],
        vec![],
    )
    .await;
    let xml = first.text();
    assert_eq!(texts(&xml, "Name"), ["dir/a file.txt", "dir/b"], "{xml}");
    assert!(xml.contains("<Metadata><done>yes</done></Metadata>"), "{xml}");
    let marker = texts(&xml, "NextMarker").pop().expect("a next marker");
    let second = with_token(
        &h,
        &t,
        Method::GET,
        &format!(
            "/stblobflow/logs?restype=container&comp=list&prefix=dir/&maxresults=2&marker={}",
            urlencode(&marker)
        ),
        &[],
        vec![],
    )
    .await;
    let xml = second.text();
    assert_eq!(texts(&xml, "Name"), ["dir/sub/c"], "{xml}");
    assert!(xml.contains("<NextMarker />"));

    // Host-style addressing reaches the same blob.
    let url = format!("{}/logs/top1", h.info().endpoints.blob);
    let host_style = h
        .http
        .get(&url)
        .header("host", "stblobflow.blob.core.windows.net")
        .header("x-ms-version", VERSION)
        .header("authorization", format!("Bearer {t}"))
        .send()
        .await
        .unwrap();
    assert_eq!(host_style.status().as_u16(), 200);
    assert_eq!(host_style.bytes().await.unwrap().as_ref(), b"x");

    // Containers list, delete blob and container.
    let list = with_token(&h, &t, Method::GET, "/stblobflow?comp=list", &[], vec![]).await;
    assert_eq!(texts(&list.text(), "Name"), ["logs"]);
    let deleted = with_token(&h, &t, Method::DELETE, "/stblobflow/logs/top1", &[], vec![]).await;
    assert_eq!(deleted.status, 202);
    let gone = with_token(&h, &t, Method::GET, "/stblobflow/logs/top1", &[], vec![]).await;
    assert_eq!((gone.status, gone.code()), (404, "BlobNotFound"));
    let head_gone = with_token(&h, &t, Method::HEAD, "/stblobflow/logs/top1", &[], vec![]).await;
    assert_eq!((head_gone.status, head_gone.code()), (404, "BlobNotFound"));
    assert!(head_gone.body.is_empty());
    let dropped = with_token(
        &h,
        &t,
        Method::DELETE,
        "/stblobflow/logs?restype=container",
        &[],
        vec![],
    )
    .await;
    assert_eq!(dropped.status, 202);
    let missing = with_token(&h, &t, Method::GET, "/stblobflow/logs/dir/b", &[], vec![]).await;
    assert_eq!((missing.status, missing.code()), (404, "ContainerNotFound"));
}

#[tokio::test]
async fn blocks_and_append_blobs() {
    let (h, t) = setup("stblobblocks", true).await;
    let created = with_token(&h, &t, Method::PUT, "/stblobblocks/cont?restype=container", &[], vec![]).await;
    assert_eq!(created.status, 201);
    let id = |n: u8| STANDARD.encode([b'b', n]);
    for (n, part) in [(1u8, &b"hello "[..]), (2, b"world")] {
        let put = with_token(
            &h,
            &t,
            Method::PUT,
            &format!("/stblobblocks/cont/blocks?comp=block&blockid={}", urlencode(&id(n))),
            &[],
            part.to_vec(),
        )
        .await;
        assert_eq!(put.status, 201, "{}", put.text());
    }
    let bad_length = with_token(
        &h,
        &t,
        Method::PUT,
        &format!(
            "/stblobblocks/cont/blocks?comp=block&blockid={}",
            urlencode(&STANDARD.encode(b"abc"))
        ),
        &[],
        b"x".to_vec(),
    )
    .await;
    assert_eq!((bad_length.status, bad_length.code()), (400, "InvalidBlobOrBlock"));
    let uncommitted = with_token(
        &h,
        &t,
        Method::GET,
        "/stblobblocks/cont/blocks?comp=blocklist&blocklisttype=all",
        &[],
        vec![],
    )
    .await;
    assert_eq!(uncommitted.status, 200, "{}", uncommitted.text());
    assert_eq!(texts(&uncommitted.text(), "Name"), [id(1), id(2)]);
    let list = format!(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?><BlockList><Latest>{}</Latest><Uncommitted>{}</Uncommitted></BlockList>",
        id(1),
        id(2)
    );
    let commit = with_token(
        &h,
        &t,
        Method::PUT,
        "/stblobblocks/cont/blocks?comp=blocklist",
        &[("x-ms-blob-content-type", "text/plain")],
        list.into_bytes(),
    )
    .await;
    assert_eq!(commit.status, 201, "{}", commit.text());
    let got = with_token(&h, &t, Method::GET, "/stblobblocks/cont/blocks", &[], vec![]).await;
    assert_eq!(got.body, b"hello world");
    // Re-commit reusing a committed block.
    let list = format!(
        "<BlockList><Committed>{}</Committed><Committed>{}</Committed></BlockList>",
        id(2),
        id(2)
    );
    let recommit = with_token(
        &h,
        &t,
        Method::PUT,
        "/stblobblocks/cont/blocks?comp=blocklist",
        &[],
        list.into_bytes(),
    )
    .await;
    assert_eq!(recommit.status, 201, "{}", recommit.text());
    let got = with_token(&h, &t, Method::GET, "/stblobblocks/cont/blocks", &[], vec![]).await;
    assert_eq!(got.body, b"worldworld");
    let unknown = format!("<BlockList><Uncommitted>{}</Uncommitted></BlockList>", id(9));
    let invalid = with_token(
        &h,
        &t,
        Method::PUT,
        "/stblobblocks/cont/blocks?comp=blocklist",
        &[],
        unknown.into_bytes(),
    )
    .await;
    assert_eq!((invalid.status, invalid.code()), (400, "InvalidBlockList"));

    // Append blobs.
    let create = with_token(
        &h,
        &t,
        Method::PUT,
        "/stblobblocks/cont/log",
        &[("x-ms-blob-type", "AppendBlob")],
        vec![],
    )
    .await;
    assert_eq!(create.status, 201, "{}", create.text());
    let first = with_token(
        &h,
        &t,
        Method::PUT,
        "/stblobblocks/cont/log?comp=appendblock",
        &[("x-ms-blob-condition-appendpos", "0")],
        b"line 1\r\n".to_vec(),
    )
    .await;
    assert_eq!(first.status, 201, "{}", first.text());
    assert_eq!(first.header("x-ms-blob-append-offset"), Some("0"));
    assert_eq!(first.header("x-ms-blob-committed-block-count"), Some("1"));
    let stale = with_token(
        &h,
        &t,
        Method::PUT,
        "/stblobblocks/cont/log?comp=appendblock",
        &[("x-ms-blob-condition-appendpos", "0")],
        b"late".to_vec(),
    )
    .await;
    assert_eq!((stale.status, stale.code()), (412, "AppendPositionConditionNotMet"));
    let too_big = with_token(
        &h,
        &t,
        Method::PUT,
        "/stblobblocks/cont/log?comp=appendblock",
        &[("x-ms-blob-condition-maxsize", "10")],
        b"line 2\r\n".to_vec(),
    )
    .await;
    assert_eq!((too_big.status, too_big.code()), (412, "MaxBlobSizeConditionNotMet"));
    // Concurrent appends all land, each at its own offset.
    let mut tasks = tokio::task::JoinSet::new();
    for n in 0..8 {
        let request = h
            .http
            .put(format!(
                "{}/stblobblocks/cont/log?comp=appendblock",
                h.info().endpoints.blob
            ))
            .header("x-ms-version", VERSION)
            .header("authorization", format!("Bearer {t}"))
            .body(format!("[{n}]"));
        tasks.spawn(async move { request.send().await.expect("answered") });
    }
    let mut offsets = Vec::new();
    while let Some(response) = tasks.join_next().await {
        let response = response.unwrap();
        assert_eq!(response.status().as_u16(), 201);
        offsets.push(
            response.headers()["x-ms-blob-append-offset"]
                .to_str()
                .unwrap()
                .parse::<u64>()
                .unwrap(),
        );
    }
    offsets.sort_unstable();
    assert_eq!(offsets, [8, 11, 14, 17, 20, 23, 26, 29]);
    let head = with_token(&h, &t, Method::HEAD, "/stblobblocks/cont/log", &[], vec![]).await;
    assert_eq!(head.header("x-ms-blob-type"), Some("AppendBlob"));
    assert_eq!(head.header("x-ms-blob-committed-block-count"), Some("9"));
    assert_eq!(head.header("content-length"), Some("32"));
    let block_on_append = with_token(
        &h,
        &t,
        Method::PUT,
        &format!("/stblobblocks/cont/log?comp=block&blockid={}", urlencode(&id(1))),
        &[],
        b"x".to_vec(),
    )
    .await;
    assert_eq!(
        (block_on_append.status, block_on_append.code()),
        (409, "InvalidBlobType")
    );
}

#[tokio::test]
async fn a_64_mib_block_streams_to_disk() {
    let (h, t) = setup("stblobbig", true).await;
    with_token(&h, &t, Method::PUT, "/stblobbig/cont?restype=container", &[], vec![]).await;
    let content: Vec<u8> = (0..64 * 1024 * 1024u32).map(|i| (i % 251) as u8).collect();
    let id = urlencode(&STANDARD.encode(b"block-0"));
    let md5 = STANDARD.encode(md5_of(&content));
    let put = with_token(
        &h,
        &t,
        Method::PUT,
        &format!("/stblobbig/cont/big?comp=block&blockid={id}"),
        &[("content-md5", &md5)],
        content.clone(),
    )
    .await;
    assert_eq!(put.status, 201, "{}", put.text());
    // Put Block answers Content-MD5 when the request has one, else x-ms-content-crc64.
    assert_eq!(put.header("content-md5"), Some(md5.as_str()));
    assert_eq!(put.header("x-ms-content-crc64"), None);
    let list = format!(
        "<BlockList><Latest>{}</Latest></BlockList>",
        STANDARD.encode(b"block-0")
    );
    let commit = with_token(
        &h,
        &t,
        Method::PUT,
        "/stblobbig/cont/big?comp=blocklist",
        &[],
        list.into_bytes(),
    )
    .await;
    assert_eq!(commit.status, 201, "{}", commit.text());
    let got = with_token(&h, &t, Method::GET, "/stblobbig/cont/big", &[], vec![]).await;
    assert_eq!(got.body.len(), content.len());
    assert!(got.body == content);
    let journal = h.emulator.control().journal();
    let entry = journal
        .iter()
        .find(|e| e.path == "/stblobbig/cont/big" && e.query.contains("comp=block&"))
        .expect("journaled");
    assert_eq!(entry.request_bytes, 64 * 1024 * 1024);
}

#[tokio::test]
async fn rbac_shared_key_and_anonymous_access() {
    let (h, t) = setup("stblobauth", false).await;
    // Owner of the subscription: container writes (a control action) but no data.
    let created = with_token(&h, &t, Method::PUT, "/stblobauth/cont?restype=container", &[], vec![]).await;
    assert_eq!(created.status, 201, "{}", created.text());
    let denied = with_token(
        &h,
        &t,
        Method::PUT,
        "/stblobauth/cont/b",
        &[("x-ms-blob-type", "BlockBlob")],
        b"x".to_vec(),
    )
    .await;
    assert_eq!((denied.status, denied.code()), (403, "AuthorizationPermissionMismatch"));
    assert!(
        denied
            .text()
            .contains("This request is not authorized to perform this operation using this permission.")
    );
    // A token for another resource is refused with Storage's challenge.
    let arm = h.token().await;
    let wrong = with_token(&h, &arm, Method::GET, "/stblobauth/cont/b", &[], vec![]).await;
    assert_eq!((wrong.status, wrong.code()), (401, "InvalidAuthenticationInfo"));
    assert!(
        wrong
            .header("www-authenticate")
            .unwrap()
            .contains("resource_id=https://storage.azure.com")
    );
    assert!(wrong.text().contains(
        "<AuthenticationErrorDetail>Audience validation failed. Audience did not match.</AuthenticationErrorDetail>"
    ));

    // Shared Key with the account's key.
    let key = account_key(&h, "stblobauth").await;
    let date = http_date_now();
    let headers = [
        ("x-ms-blob-type", "BlockBlob"),
        ("x-ms-date", date.as_str()),
        ("x-ms-version", VERSION),
    ];
    let auth = shared_key("stblobauth", &key, "PUT", "/cont/b", &headers, 5);
    let mut all = vec![
        ("authorization", auth.as_str()),
        ("x-ms-blob-type", "BlockBlob"),
        ("x-ms-date", date.as_str()),
    ];
    let put = blob(&h, Method::PUT, "/stblobauth/cont/b", &all, b"hello".to_vec()).await;
    assert_eq!(put.status, 201, "{}", put.text());
    all[0] = ("authorization", "SharedKey stblobauth:AAAA");
    let tampered = blob(&h, Method::PUT, "/stblobauth/cont/b", &all, b"hello".to_vec()).await;
    assert_eq!((tampered.status, tampered.code()), (403, "AuthenticationFailed"));

    // Anonymous: the account does not allow public access.
    let anonymous = blob(&h, Method::GET, "/stblobauth/cont/b", &[], vec![]).await;
    assert_eq!((anonymous.status, anonymous.code()), (409, "PublicAccessNotPermitted"));
    assert!(
        anonymous
            .text()
            .contains("Public access is not permitted on this storage account.")
    );
    let anonymous_write = blob(
        &h,
        Method::PUT,
        "/stblobauth/cont/b",
        &[("x-ms-blob-type", "BlockBlob")],
        b"x".to_vec(),
    )
    .await;
    assert_eq!(
        (anonymous_write.status, anonymous_write.code()),
        (401, "NoAuthenticationInformation")
    );

    // Get User Delegation Key: bearer only.
    let key_info = "<?xml version=\"1.0\" encoding=\"utf-8\"?><KeyInfo><Expiry>2099-01-01T00:00:00Z</Expiry></KeyInfo>";
    let too_far = with_token(
        &h,
        &t,
        Method::POST,
        "/stblobauth?restype=service&comp=userdelegationkey",
        &[],
        key_info.as_bytes().to_vec(),
    )
    .await;
    assert_eq!(too_far.status, 400, "{}", too_far.text());
    let expiry = time::OffsetDateTime::now_utc() + time::Duration::hours(1);
    let expiry = expiry.format(&time::format_description::well_known::Rfc3339).unwrap();
    let key_info = format!("<KeyInfo><Expiry>{expiry}</Expiry></KeyInfo>");
    let udk = with_token(
        &h,
        &t,
        Method::POST,
        "/stblobauth?restype=service&comp=userdelegationkey",
        &[],
        key_info.clone().into_bytes(),
    )
    .await;
    assert_eq!(udk.status, 200, "{}", udk.text());
    let xml = udk.text();
    assert_eq!(texts(&xml, "SignedService"), ["b"]);
    assert_eq!(texts(&xml, "SignedVersion"), [VERSION]);
    assert_eq!(texts(&xml, "Value")[0].len(), 44);
    let headers = [("x-ms-date", date.as_str()), ("x-ms-version", VERSION)];
    let auth = shared_key(
        "stblobauth",
        &key,
        "POST",
        "/?restype=service&comp=userdelegationkey",
        &headers,
        key_info.len(),
    );
    let by_key = blob(
        &h,
        Method::POST,
        "/stblobauth?restype=service&comp=userdelegationkey",
        &[("authorization", auth.as_str()), ("x-ms-date", date.as_str())],
        key_info.into_bytes(),
    )
    .await;
    assert_eq!(
        (by_key.status, by_key.code()),
        (403, "AuthenticationFailed"),
        "{}",
        by_key.text()
    );

    // Unknown accounts and versions.
    let unknown = with_token(&h, &t, Method::GET, "/nosuchaccount/c/b", &[], vec![]).await;
    assert_eq!((unknown.status, unknown.code()), (404, "ResourceNotFound"));
    let old = h
        .http
        .get(format!("{}/stblobauth/cont/b", h.info().endpoints.blob))
        .header("x-ms-version", "2015-01-01")
        .send()
        .await
        .unwrap();
    assert_eq!(old.status().as_u16(), 400);
    assert_eq!(old.headers()["x-ms-error-code"], "InvalidHeaderValue");
}

fn md5_of(bytes: &[u8]) -> [u8; 16] {
    use md5::Digest;
    md5::Md5::digest(bytes).into()
}

fn urlencode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}
