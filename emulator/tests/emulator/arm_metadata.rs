//! ARM's cloud discovery, `GET /metadata/endpoints`: no authentication, the emulator's own
//! endpoints, one object for 2022-09-01 and an array for 2019-05-01 and 2020-06-01, a doubled
//! slash after the host tolerated, and an audience Entra issues tokens for and ARM accepts.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::Harness;

/// `GET {arm}{path}` without any header.
async fn anonymous(h: &Harness, path: &str) -> crate::common::Reply {
    let url = format!("{}{path}", h.info().endpoints.arm);
    h.send(Method::GET, &url, &[], None).await
}

/// The cloud the emulator describes.
fn expected_cloud(h: &Harness) -> Value {
    let endpoints = &h.info().endpoints;
    json!({
        "name": az_emulator::CLOUD_NAME,
        "resourceManager": endpoints.arm,
        "authentication": {
            "loginEndpoint": endpoints.login,
            "audiences": [
                format!("{}/", endpoints.arm),
                "https://management.core.windows.net/",
                "https://management.azure.com/",
            ],
            "tenant": "common",
            "identityProvider": "AAD",
        },
        "suffixes": { "storage": "core.windows.net", "keyVaultDns": "vault.azure.net", "acrLoginServer": "azurecr.io" },
    })
}

#[tokio::test]
async fn the_cloud_is_described_without_authentication_in_both_formats() {
    let h = Harness::start().await;
    let cloud = expected_cloud(&h);
    let object = anonymous(&h, "/metadata/endpoints?api-version=2022-09-01").await;
    assert_eq!(object.status, 200, "{}", object.text);
    assert_eq!(object.header("content-type"), Some("application/json; charset=utf-8"));
    assert!(object.header("x-ms-request-id").is_some());
    assert_eq!(object.json, cloud);
    for version in ["2019-05-01", "2020-06-01"] {
        let array = anonymous(&h, &format!("/metadata/endpoints?api-version={version}")).await;
        assert_eq!(array.status, 200, "{version}: {}", array.text);
        assert_eq!(array.json, json!([cloud]), "{version}");
    }
    let doubled = anonymous(&h, "//metadata/endpoints?api-version=2022-09-01").await;
    assert_eq!(doubled.status, 200, "{}", doubled.text);
    assert_eq!(doubled.json, cloud);
    let journal = h.journal().await;
    let arm: Vec<&Value> = journal.iter().filter(|entry| entry["listener"] == "arm").collect();
    assert_eq!(arm.len(), 4);
    assert!(arm.iter().all(|entry| entry["principal"].is_null()), "{arm:?}");
}

#[tokio::test]
async fn api_versions_are_checked() {
    let h = Harness::start().await;
    let missing = anonymous(&h, "/metadata/endpoints").await;
    assert_eq!(
        (missing.status, missing.arm_code()),
        (400, "MissingApiVersionParameter")
    );
    let unknown = anonymous(&h, "/metadata/endpoints?api-version=2021-01-01").await;
    assert_eq!(
        unknown.json,
        json!({"error":{"code":"InvalidApiVersionParameter","message":"The api-version '2021-01-01' is invalid. The supported versions are '2022-09-01,2020-06-01,2019-05-01'."}})
    );
    let post = h
        .send(
            Method::POST,
            &format!("{}/metadata/endpoints?api-version=2022-09-01", h.info().endpoints.arm),
            &[],
            None,
        )
        .await;
    assert_eq!((post.status, post.arm_code()), (401, "AuthenticationFailed"));
}

#[tokio::test]
async fn the_first_audience_gets_tokens_arm_accepts() {
    let h = Harness::start().await;
    let cloud = anonymous(&h, "/metadata/endpoints?api-version=2022-09-01").await.json;
    let audience = cloud["authentication"]["audiences"][0].as_str().unwrap();
    let scope = format!("{audience}/.default");
    let token = h.token_for_scope(&scope).await;
    let resource_manager = cloud["resourceManager"].as_str().unwrap();
    let subscriptions = h
        .send(
            Method::GET,
            &format!("{resource_manager}/subscriptions?api-version=2022-12-01"),
            &[("authorization", &format!("Bearer {token}"))],
            None,
        )
        .await;
    assert_eq!(subscriptions.status, 200, "{}", subscriptions.text);
}
