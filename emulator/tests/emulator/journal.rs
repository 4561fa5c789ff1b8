//! The request journal and the admin API around it.

use reqwest::Method;
use serde_json::json;

use crate::common::Harness;

#[tokio::test]
async fn journal_records_requests_without_secrets() {
    let h = Harness::start().await;
    let token = h.token().await;
    let d = h.info().defaults.clone();
    let ids = [("x-ms-client-request-id", "journal-test")];
    let reply = h
        .arm_with(Method::GET, &h.rg_path("rg-emulator"), &token, &ids, None)
        .await;
    assert_eq!(reply.status, 200);

    let journal = h.admin(Method::GET, "/journal", None).await;
    assert_eq!(journal.status, 200);
    let entries = journal.json.as_array().unwrap();
    assert_eq!(entries.len(), 2, "{}", journal.text);
    let login = &entries[0];
    assert_eq!(login["listener"], "login");
    assert_eq!(login["method"], "POST");
    assert_eq!(login["path"], format!("/{}/oauth2/v2.0/token", d.tenant_id));
    assert_eq!(login["status"], 200);
    let arm = &entries[1];
    assert_eq!(arm["listener"], "arm");
    assert_eq!(arm["method"], "GET");
    assert_eq!(
        arm["path"],
        format!("/subscriptions/{}/resourcegroups/rg-emulator", d.subscription_id)
    );
    assert_eq!(arm["query"], "api-version=2024-03-01");
    assert_eq!(arm["status"], 200);
    assert_eq!(arm["client_request_id"], "journal-test");
    assert_eq!(arm["fault"], serde_json::Value::Null);
    assert_eq!(arm["principal"], login["principal"]);
    assert!(arm["principal"].is_string());
    assert!(arm["seq"].as_u64().unwrap() > login["seq"].as_u64().unwrap());
    assert!(
        time::OffsetDateTime::parse(
            arm["time"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339
        )
        .is_ok()
    );

    assert!(!journal.text.contains(&token));
    assert!(!journal.text.contains(&d.client_secret));
    assert!(!journal.text.to_lowercase().contains("authorization"));

    let cleared = h.admin(Method::DELETE, "/journal", None).await;
    assert_eq!(cleared.status, 204);
    let journal = h.admin(Method::GET, "/journal", None).await;
    assert_eq!(journal.json, json!([]));
}

#[tokio::test]
async fn seeding_adds_resources_that_arm_serves() {
    let h = Harness::start().await;
    let new_sub = "5b5b5b5b-0000-4000-8000-00000000005b";
    let seeded = h
        .admin(
            Method::POST,
            "/seed",
            Some(json!({
                "subscriptions": [ { "id": new_sub, "display_name": "second" } ],
                "resource_groups": [ { "subscription_id": new_sub, "name": "seeded-rg", "location": "North Europe", "tags": { "k": "v" } } ],
                "role_assignments": [ {
                    "principal_id": h.info().defaults.client_id,
                    "role": "Owner",
                    "scope": format!("/subscriptions/{new_sub}")
                } ],
            })),
        )
        .await;
    assert_eq!(seeded.status, 200, "{}", seeded.text);
    assert_eq!(seeded.json["resource_groups"][0]["location"], "northeurope");
    let token = h.token().await;
    let reply = h
        .arm(
            Method::GET,
            &format!("/subscriptions/{new_sub}/resourceGroups/seeded-rg?api-version=2021-04-01"),
            &token,
            None,
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["tags"], json!({ "k": "v" }));

    let bad = h
        .admin(
            Method::POST,
            "/seed",
            Some(json!({ "resource_groups": [ { "subscription_id": "00000000-0000-4000-8000-000000000000", "name": "x" } ] })),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.text.contains("resource_groups[0].subscription_id"), "{}", bad.text);
    let unknown_field = h.admin(Method::POST, "/seed", Some(json!({ "widgets": [] }))).await;
    assert_eq!(unknown_field.status, 400);
}

#[tokio::test]
async fn admin_answers_health_and_unknown_paths() {
    let h = Harness::start().await;
    let health = h.admin(Method::GET, "/health", None).await;
    assert_eq!(health.status, 200);
    assert_eq!(health.json, json!({ "status": "ok" }));
    assert_eq!(h.admin(Method::GET, "/nope", None).await.status, 404);
    assert_eq!(h.admin(Method::POST, "/journal", None).await.status, 405);
    assert_eq!(h.admin(Method::GET, "/clock/advance", None).await.status, 405);
    let journal = h.admin(Method::GET, "/journal", None).await;
    assert_eq!(journal.json, json!([]), "admin requests are not journaled");
}

#[tokio::test]
async fn encoded_secret_names_are_redacted_and_long_fields_cut() {
    let h = Harness::start().await;
    let imds = &h.info().endpoints.imds;
    let url = format!(
        "{imds}/metadata/identity/oauth2/token?api-version=2018-02-01&client%5Fsecret=top-secret&Sig=also-secret"
    );
    h.send(Method::GET, &url, &[("metadata", "true")], None).await;
    let long = format!("{imds}/{}?{}", "p".repeat(4000), "q".repeat(4000));
    let reply = h
        .send(
            Method::GET,
            &long,
            &[("x-ms-client-request-id", &"c".repeat(3000))],
            None,
        )
        .await;
    assert_eq!(reply.status, 404);

    let entries = h.journal().await;
    assert_eq!(
        entries[0]["query"],
        "api-version=2018-02-01&client%5Fsecret=REDACTED&Sig=REDACTED"
    );
    for field in ["path", "query", "client_request_id"] {
        let text = entries[1][field].as_str().unwrap();
        assert!(text.len() <= 1024, "{field}: {} bytes", text.len());
        assert!(text.ends_with('…'), "{field}");
    }
    let all = serde_json::to_string(&entries).unwrap();
    assert!(!all.contains("top-secret") && !all.contains("also-secret"));
}

#[tokio::test]
async fn the_clock_moves_forward_only_when_asked() {
    let h = Harness::start().await;
    let before = h.admin(Method::GET, "/clock", None).await;
    assert_eq!(before.status, 200);
    assert_eq!(before.json["offset_ms"], 0);
    let advanced = h
        .admin(
            Method::POST,
            "/clock/advance",
            Some(json!({ "seconds": 90, "milliseconds": 500 })),
        )
        .await;
    assert_eq!(advanced.status, 200, "{}", advanced.text);
    assert_eq!(advanced.json["offset_ms"], 90_500);
    let parse = |reply: &crate::common::Reply| {
        time::OffsetDateTime::parse(
            reply.json["now"].as_str().unwrap(),
            &time::format_description::well_known::Rfc3339,
        )
        .unwrap()
    };
    assert!(parse(&advanced) - parse(&before) >= time::Duration::seconds(90));
    for bad in [
        json!({}),
        json!({ "minutes": 1 }),
        json!({ "seconds": -1 }),
        json!({ "seconds": 200u64 * 365 * 24 * 3600 }),
    ] {
        let reply = h.admin(Method::POST, "/clock/advance", Some(bad.clone())).await;
        assert_eq!(reply.status, 400, "{bad}");
    }
    assert_eq!(h.admin(Method::GET, "/clock", None).await.json["offset_ms"], 90_500);
}
