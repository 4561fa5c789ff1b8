//! Fault injection and the journal on the Blob listener: faults answer in Storage's shape (XML
//! `<Error>`, `x-ms-error-code`, `Retry-After` on 429 and 503), and the journal records Blob
//! requests under `blob` without a SAS signature, a Shared Key signature or an account key.

use az_emulator::{FaultConfig, FaultRule, ListenerKind};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::json;

use crate::blob_support::{
    STORAGE_API, STORAGE_SCOPE, account_id, account_key, blob, create_account, service_sas, texts, with_key, with_token,
};
use crate::common::Harness;

/// Every request to account `stfault`'s Blob paths fails with the rates of `rule`.
fn faults(rule: FaultRule) -> FaultConfig {
    FaultConfig {
        seed: Some(7),
        routes: vec![FaultRule {
            listener: Some(ListenerKind::Blob),
            path_prefix: Some("/stfault/".into()),
            ..rule
        }],
        ..FaultConfig::default()
    }
}

#[tokio::test]
async fn faults_on_the_blob_listener_answer_as_storage_does() {
    let h = Harness::start().await;
    create_account(&h, "stfault", json!({})).await;
    let token = h.token_for_scope(STORAGE_SCOPE).await;
    let control = h.emulator.control();
    let path = "/stfault/cont/blob.txt";
    let cases = [
        (
            FaultRule {
                rate_429: 1.0,
                retry_after_secs: Some(7),
                ..FaultRule::default()
            },
            429,
            "ServerBusy",
            "The server is busy.",
            Some("7"),
        ),
        (
            FaultRule {
                rate_503: 1.0,
                retry_after_secs: Some(3),
                ..FaultRule::default()
            },
            503,
            "ServerBusy",
            "The server is busy.",
            Some("3"),
        ),
        (
            FaultRule {
                rate_500: 1.0,
                ..FaultRule::default()
            },
            500,
            "InternalError",
            "The server encountered an internal error. Please retry the request.",
            None,
        ),
    ];
    for (rule, status, code, message, retry_after) in cases {
        control.set_faults(&faults(rule)).expect("valid faults");
        let reply = with_token(
            &h,
            &token,
            Method::GET,
            path,
            &[("x-ms-client-request-id", "fault-check")],
            vec![],
        )
        .await;
        assert_eq!((reply.status, reply.code()), (status, code), "{}", reply.text());
        assert_eq!(reply.header("retry-after"), retry_after);
        assert_eq!(reply.header("content-type"), Some("application/xml"));
        assert_eq!(reply.header("x-ms-client-request-id"), Some("fault-check"));
        let request_id = reply.header("x-ms-request-id").expect("x-ms-request-id");
        let body = reply.text();
        assert!(
            body.starts_with("<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>"),
            "{body}"
        );
        assert_eq!(texts(&body, "Code"), [code]);
        let detail = &texts(&body, "Message")[0];
        assert!(
            detail.starts_with(&format!("{message}\nRequestId:{request_id}\nTime:")),
            "{detail}"
        );
        // A HEAD gets the same status and code, without a body.
        let head = with_token(&h, &token, Method::HEAD, path, &[], vec![]).await;
        assert_eq!((head.status, head.code()), (status, code));
        assert!(head.body.is_empty());
        // Another account's requests are not matched by the rule.
        let other = blob(&h, Method::GET, "/stother/cont/blob.txt", &[], vec![]).await;
        assert_eq!(other.status, 404, "{}", other.text());
    }
    control.clear_faults();
    // Answered again: the principal (Owner of the subscription) holds no data role.
    let answered = with_token(&h, &token, Method::GET, path, &[], vec![]).await;
    assert_eq!(
        (answered.status, answered.code()),
        (403, "AuthorizationPermissionMismatch")
    );

    let faulted: Vec<_> = control
        .journal()
        .into_iter()
        .filter(|e| e.fault.is_some())
        .map(|e| (e.listener, e.method, e.status, e.fault))
        .collect();
    let expected: Vec<_> = [(429, "429"), (503, "503"), (500, "500")]
        .into_iter()
        .flat_map(|(status, fault)| {
            ["GET", "HEAD"].map(|method| {
                (
                    ListenerKind::Blob,
                    method.to_owned(),
                    Some(status),
                    Some(fault.to_owned()),
                )
            })
        })
        .collect();
    assert_eq!(faulted, expected);
}

#[tokio::test]
async fn the_journal_records_blob_requests_without_secrets() {
    let h = Harness::start().await;
    create_account(&h, "stjournal", json!({})).await;
    let key = account_key(&h, "stjournal").await;
    let arm_token = h.token().await;
    let regenerate = format!(
        "{}/regenerateKey?api-version={STORAGE_API}",
        account_id(&h, "stjournal")
    );
    let regenerated = h
        .arm(
            Method::POST,
            &regenerate,
            &arm_token,
            Some(json!({ "keyName": "key2" })),
        )
        .await;
    assert_eq!(regenerated.status, 200, "{}", regenerated.text);
    let keys: Vec<String> = regenerated.json["keys"]
        .as_array()
        .expect("keys")
        .iter()
        .map(|k| k["value"].as_str().expect("value").to_owned())
        .collect();
    assert_eq!(keys[0], STANDARD.encode(&key));

    let created = with_key(
        &h,
        "stjournal",
        &key,
        Method::PUT,
        "/logs?restype=container",
        &[],
        vec![],
    )
    .await;
    assert_eq!(created.status, 201, "{}", created.text());
    let put = with_key(
        &h,
        "stjournal",
        &key,
        Method::PUT,
        "/logs/a.txt",
        &[("x-ms-blob-type", "BlockBlob")],
        b"hello".to_vec(),
    )
    .await;
    assert_eq!(put.status, 201, "{}", put.text());
    let expiry = "2099-01-01T00:00:00Z";
    let sas = service_sas("stjournal", &key, "logs", "a.txt", "r", expiry);
    let sig: String = url::form_urlencoded::parse(sas.as_bytes())
        .find(|(name, _)| name == "sig")
        .map(|(_, value)| value.into_owned())
        .expect("sig");
    let read = blob(&h, Method::GET, &format!("/stjournal/logs/a.txt?{sas}"), &[], vec![]).await;
    assert_eq!(read.status, 200, "{}", read.text());

    let journal = h.emulator.control().journal();
    let blob_entries: Vec<_> = journal.iter().filter(|e| e.listener == ListenerKind::Blob).collect();
    let seen: Vec<_> = blob_entries
        .iter()
        .map(|e| (e.method.as_str(), e.path.as_str(), e.status))
        .collect();
    assert_eq!(
        seen,
        [
            ("PUT", "/stjournal/logs", Some(201)),
            ("PUT", "/stjournal/logs/a.txt", Some(201)),
            ("GET", "/stjournal/logs/a.txt", Some(200)),
        ]
    );
    assert_eq!(blob_entries[1].request_bytes, 5);
    // The SAS is journaled without its signature (the one secret part of it); the rest stays
    // readable.
    let query = &blob_entries[2].query;
    assert!(query.contains("sig=REDACTED"), "{query}");
    assert!(
        query.contains("sp=r") && query.contains("sr=b") && query.contains("sv="),
        "{query}"
    );

    // Neither key (as listed or regenerated, raw or URL-encoded), nor the SAS signature,
    // appears anywhere in the journal.
    let text = serde_json::to_string(&journal).expect("journal JSON");
    let encoded = |secret: &str| url::form_urlencoded::byte_serialize(secret.as_bytes()).collect::<String>();
    for secret in keys.iter().map(String::as_str).chain([sig.as_str()]) {
        assert!(!text.contains(secret), "a secret in the journal");
        assert!(!text.contains(&encoded(secret)), "an encoded secret in the journal");
    }
}
