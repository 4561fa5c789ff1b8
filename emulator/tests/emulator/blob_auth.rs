//! Blob authorization end to end with user delegation SAS: signed here from the documented
//! string-to-sign (learn.microsoft.com "Create a user delegation SAS", version 2020-12-06 and
//! later), granting at most what the signer holds at the time of the request.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::json;

use crate::blob_support::{
    BLOB_DATA_CONTRIBUTOR, STORAGE_SCOPE, account_id, account_key, blob, create_account, grant, service_sas, texts,
    with_key, with_token,
};
use crate::common::Harness;

/// The `sv` of the SAS built here.
const SAS_VERSION: &str = "2022-11-02";

/// A read-only, https-only user delegation SAS query for `/{account}/{container}/{blob}`
/// signed with the key of a Get User Delegation Key answer.
pub fn user_delegation_sas(
    key_xml: &str,
    account: &str,
    container: &str,
    blob: &str,
    start: &str,
    expiry: &str,
) -> String {
    let field = |tag: &str| texts(key_xml, tag).pop().expect("a key field");
    let (oid, tid, skt, ske, sks, skv) = (
        field("SignedOid"),
        field("SignedTid"),
        field("SignedStart"),
        field("SignedExpiry"),
        field("SignedService"),
        field("SignedVersion"),
    );
    let resource = format!("/blob/{account}/{container}/{blob}");
    let to_sign = [
        "r",
        start,
        expiry,
        &resource,
        &oid,
        &tid,
        &skt,
        &ske,
        &sks,
        &skv,
        "",
        "",
        "",
        "",
        "https",
        SAS_VERSION,
        "b",
        "",
        "",
        "",
        "",
        "",
        "",
        "",
    ]
    .join("\n");
    let key = ring::hmac::Key::new(
        ring::hmac::HMAC_SHA256,
        &STANDARD.decode(field("Value")).expect("base64"),
    );
    let sig = STANDARD.encode(ring::hmac::sign(&key, to_sign.as_bytes()).as_ref());
    url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("sp", "r"),
            ("st", start),
            ("se", expiry),
            ("skoid", &oid),
            ("sktid", &tid),
            ("skt", &skt),
            ("ske", &ske),
            ("sks", &sks),
            ("skv", &skv),
            ("spr", "https"),
            ("sv", SAS_VERSION),
            ("sr", "b"),
            ("sig", &sig),
        ])
        .finish()
}

/// `at` as ISO 8601 UTC to the second, as SAS times are written.
pub fn iso(at: time::OffsetDateTime) -> String {
    at.format(time::macros::format_description!(
        "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
    ))
    .unwrap()
}

#[tokio::test]
async fn a_user_delegation_sas_grants_what_its_signer_holds_now() {
    let h = Harness::start().await;
    create_account(&h, "stblobsas", json!({})).await;
    let token = h.token_for_scope(STORAGE_SCOPE).await;
    let created = with_token(
        &h,
        &token,
        Method::PUT,
        "/stblobsas/cont?restype=container",
        &[],
        vec![],
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text());
    // The blob is written with the account key: the signer itself holds no data role yet.
    let key = account_key(&h, "stblobsas").await;
    let put = with_key(
        &h,
        "stblobsas",
        &key,
        Method::PUT,
        "/cont/artifact.zip",
        &[("x-ms-blob-type", "BlockBlob")],
        b"zip".to_vec(),
    )
    .await;
    assert_eq!(put.status, 201, "{}", put.text());

    let now = time::OffsetDateTime::now_utc();
    let (start, expiry) = (
        iso(now - time::Duration::minutes(5)),
        iso(now + time::Duration::hours(1)),
    );
    let key_info = format!("<KeyInfo><Start>{start}</Start><Expiry>{expiry}</Expiry></KeyInfo>");
    let udk = with_token(
        &h,
        &token,
        Method::POST,
        "/stblobsas?restype=service&comp=userdelegationkey",
        &[],
        key_info.into_bytes(),
    )
    .await;
    assert_eq!(udk.status, 200, "{}", udk.text());
    let sas = user_delegation_sas(&udk.text(), "stblobsas", "cont", "artifact.zip", &start, &expiry);

    // No version header: the SAS's sv applies. The signer has no data role: refused.
    let read = |query: String| {
        let url = format!("{}/stblobsas/cont/artifact.zip?{query}", h.info().endpoints.blob);
        let http = h.http.clone();
        async move { http.get(url).send().await.expect("answered") }
    };
    let denied = read(sas.clone()).await;
    assert_eq!(denied.status().as_u16(), 403);
    assert_eq!(denied.headers()["x-ms-error-code"], "AuthorizationPermissionMismatch");

    grant(&h, &token, BLOB_DATA_CONTRIBUTOR, &account_id(&h, "stblobsas")).await;
    let allowed = read(sas.clone()).await;
    assert_eq!(allowed.status().as_u16(), 200);
    assert_eq!(allowed.headers()["x-ms-version"], SAS_VERSION);
    assert_eq!(allowed.bytes().await.unwrap().as_ref(), b"zip");

    // A tampered signature, and the SAS of one blob used for another.
    let tampered = sas.replace("sp=r", "sp=rw");
    let refused = read(tampered).await;
    assert_eq!(refused.status().as_u16(), 403);
    assert_eq!(refused.headers()["x-ms-error-code"], "AuthenticationFailed");
    let other = h
        .http
        .get(format!("{}/stblobsas/cont/other.zip?{sas}", h.info().endpoints.blob))
        .send()
        .await
        .unwrap();
    assert_eq!(
        other.status().as_u16(),
        403,
        "{:?}",
        other.headers().get("x-ms-error-code")
    );
    // The journal never holds the signature.
    let journal = h.emulator.control().journal();
    assert!(
        journal
            .iter()
            .all(|e| !e.query.contains(&texts(&udk.text(), "Value")[0]))
    );
    assert!(
        journal
            .iter()
            .filter(|e| e.query.contains("sig="))
            .all(|e| e.query.contains("sig=REDACTED"))
    );
}

/// "Create a service SAS", permissions: Add (`a`) "adds a block to an append blob", so a SAS
/// holding only `a` appends (and reads nothing), and one holding only `r` cannot append.
#[tokio::test]
async fn a_service_sas_with_add_permission_appends_blocks() {
    let h = Harness::start().await;
    create_account(&h, "stblobadd", json!({})).await;
    let key = account_key(&h, "stblobadd").await;
    let keyed = |method: Method, path: &'static str, headers: &'static [(&'static str, &'static str)]| {
        with_key(&h, "stblobadd", &key, method, path, headers, Vec::new())
    };
    assert_eq!(keyed(Method::PUT, "/logs?restype=container", &[]).await.status, 201);
    let created = keyed(Method::PUT, "/logs/run.log", &[("x-ms-blob-type", "AppendBlob")]).await;
    assert_eq!(created.status, 201, "{}", created.text());

    let expiry = iso(time::OffsetDateTime::now_utc() + time::Duration::hours(1));
    let through = |sp: &str, method: Method, query: &str, body: &[u8]| {
        let sas = service_sas("stblobadd", &key, "logs", "run.log", sp, &expiry);
        let path = format!("/stblobadd/logs/run.log?{query}{sas}");
        let (h, body) = (&h, body.to_vec());
        async move { blob(h, method, &path, &[], body).await }
    };
    for (at, line) in [(0, &b"step 1\r\n"[..]), (8, b"step 2\r\n")] {
        let appended = through("a", Method::PUT, "comp=appendblock&", line).await;
        assert_eq!(appended.status, 201, "{}", appended.text());
        assert_eq!(
            appended.header("x-ms-blob-append-offset"),
            Some(at.to_string().as_str())
        );
    }
    for (sp, method, query) in [
        ("r", Method::PUT, "comp=appendblock&"),
        ("a", Method::GET, ""),
        ("a", Method::PUT, "comp=metadata&"),
    ] {
        let refused = through(sp, method.clone(), query, b"x").await;
        assert_eq!(
            (refused.status, refused.code()),
            (403, "AuthorizationPermissionMismatch"),
            "sp={sp} {method} {query}"
        );
    }
    let read = through("r", Method::GET, "", b"").await;
    assert_eq!(read.status, 200, "{}", read.text());
    assert_eq!(read.text(), "step 1\r\nstep 2\r\n");
}
