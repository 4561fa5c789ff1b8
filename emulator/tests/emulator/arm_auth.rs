//! ARM authentication, authorization, api-versions, unknown routes and tracking headers.

use std::time::Duration;

use reqwest::Method;
use serde_json::json;

use crate::common::{Harness, RG_API};

#[tokio::test]
async fn missing_authorization_is_authentication_failed_with_a_challenge() {
    let h = Harness::start().await;
    let url = format!("{}{}", h.info().endpoints.arm, h.rg_path("rg-emulator"));
    let reply = h.send(Method::GET, &url, &[], None).await;
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply.json,
        json!({"error":{"code":"AuthenticationFailed","message":"Authentication failed. The 'Authorization' header is missing."}})
    );
    let challenge = reply.header("www-authenticate").unwrap();
    assert_eq!(
        challenge,
        format!(
            "Bearer authorization_uri=\"{}/{}\", error=\"invalid_token\", error_description=\"The authentication failed because of missing 'Authorization' header.\"",
            h.info().endpoints.login,
            h.info().defaults.tenant_id
        )
    );
    let reply = h
        .send(
            Method::GET,
            &format!("{}/subscriptions?api-version=2022-12-01", h.info().endpoints.arm),
            &[],
            None,
        )
        .await;
    assert!(reply.header("www-authenticate").unwrap().contains("/common\""));
}

#[tokio::test]
async fn bad_tokens_are_invalid_authentication_token() {
    let h = Harness::start().await;
    let path = h.rg_path("rg-emulator");
    let reply = h.arm(Method::GET, &path, "not.a.jwt", None).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.arm_code(), "InvalidAuthenticationToken");
    let token = h.token().await;
    let mut parts: Vec<&str> = token.split('.').collect();
    parts[2] = "c2lnbmF0dXJl";
    let forged = parts.join(".");
    let reply = h.arm(Method::GET, &path, &forged, None).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.arm_code(), "InvalidAuthenticationToken");
    assert!(
        reply
            .header("www-authenticate")
            .unwrap()
            .contains("error=\"invalid_token\"")
    );
}

#[tokio::test]
async fn expired_tokens_are_expired_authentication_token() {
    let h = Harness::with(az_emulator::EmulatorConfig {
        token_lifetime_secs: 2,
        ..crate::common::quick_config()
    })
    .await;
    let token = h.token().await;
    let path = h.rg_path("rg-emulator");
    assert_eq!(h.arm(Method::GET, &path, &token, None).await.status, 200);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    let reply = h.arm(Method::GET, &path, &token, None).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.arm_code(), "ExpiredAuthenticationToken");
    assert!(
        reply.json["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("The access token expiry UTC time '")
    );
}

#[tokio::test]
async fn tokens_for_other_resources_have_the_wrong_audience() {
    let h = Harness::start().await;
    let token = h.token_for_scope("https://storage.azure.com/.default").await;
    let reply = h.arm(Method::GET, &h.rg_path("rg-emulator"), &token, None).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.arm_code(), "InvalidAuthenticationTokenAudience");
    assert!(
        reply.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("'https://storage.azure.com'")
    );
}

#[tokio::test]
async fn tokens_from_another_tenant_are_rejected_for_the_subscription() {
    let h = Harness::start().await;
    let other_tenant = "7e7e7e7e-0000-4000-8000-000000000007";
    let seeded = h
        .admin(
            Method::POST,
            "/seed",
            Some(json!({
                "tenants": [ { "id": other_tenant } ],
                "service_principals": [ {
                    "tenant_id": other_tenant,
                    "client_id": "7e7e7e7e-0000-4000-8000-000000000008",
                    "client_secret": "other-secret-other-secret-other-secret",
                } ],
            })),
        )
        .await;
    assert_eq!(seeded.status, 200, "{}", seeded.text);
    let reply = h
        .token_request(
            other_tenant,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", "7e7e7e7e-0000-4000-8000-000000000008"),
                ("client_secret", "other-secret-other-secret-other-secret"),
                ("scope", crate::common::ARM_SCOPE),
            ],
        )
        .await;
    let token = reply.json["access_token"].as_str().unwrap().to_owned();
    let reply = h.arm(Method::GET, &h.rg_path("rg-emulator"), &token, None).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.arm_code(), "InvalidAuthenticationTokenTenant");
    let home = &h.info().defaults.tenant_id;
    assert!(
        reply
            .header("www-authenticate")
            .unwrap()
            .contains(&format!("/{home}\""))
    );
    let list = h
        .arm(Method::GET, "/subscriptions?api-version=2022-12-01", &token, None)
        .await;
    assert_eq!(list.status, 200);
    assert_eq!(list.json["value"], json!([]));
}

#[tokio::test]
async fn role_assignments_decide_and_403_names_action_and_scope() {
    let h = Harness::start().await;
    let d = h.info().defaults.clone();
    let identity = h.identity_token().await;

    let own = h.rg_path("rg-emulator");
    assert_eq!(
        h.arm(Method::PATCH, &own, &identity, Some(json!({ "tags": { "x": "y" } })))
            .await
            .status,
        200
    );
    let reply = h
        .arm(
            Method::PUT,
            &h.rg_path("elsewhere"),
            &identity,
            Some(json!({ "location": "eastus" })),
        )
        .await;
    assert_eq!(reply.status, 403, "{}", reply.text);
    assert_eq!(
        reply.json,
        json!({"error":{"code":"AuthorizationFailed","message":format!(
            "The client '{}' with object id '{}' does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourcegroups/write' over scope '/subscriptions/{}/resourcegroups/elsewhere' or the scope is invalid. If access was recently granted, please refresh your credentials.",
            d.identity_client_id, d.identity_principal_id, d.subscription_id
        )}})
    );

    let owner = h.token().await;
    h.arm(
        Method::PUT,
        &h.rg_path("elsewhere"),
        &owner,
        Some(json!({ "location": "eastus" })),
    )
    .await;
    let list = h
        .arm(
            Method::GET,
            &format!(
                "/subscriptions/{}/resourcegroups?api-version={RG_API}",
                d.subscription_id
            ),
            &identity,
            None,
        )
        .await;
    assert_eq!(list.status, 200, "{}", list.text);
    let names: Vec<&str> = list.json["value"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["rg-emulator"]);

    let subs = h
        .arm(Method::GET, "/subscriptions?api-version=2022-12-01", &identity, None)
        .await;
    assert_eq!(subs.json["value"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn reader_may_read_but_not_delete() {
    let h = Harness::start().await;
    let reader_client = "4e4e4e4e-0000-4000-8000-000000000004";
    let seeded = h
        .admin(
            Method::POST,
            "/seed",
            Some(json!({
                "service_principals": [ {
                    "client_id": reader_client,
                    "client_secret": "reader-secret-reader-secret-reader",
                    "roles": [ { "role": "Reader", "resource_group": "rg-emulator" } ],
                } ],
            })),
        )
        .await;
    assert_eq!(seeded.status, 200, "{}", seeded.text);
    let reply = h
        .token_request(
            &h.info().defaults.tenant_id,
            &[
                ("grant_type", "client_credentials"),
                ("client_id", reader_client),
                ("client_secret", "reader-secret-reader-secret-reader"),
                ("scope", crate::common::ARM_SCOPE),
            ],
        )
        .await;
    let token = reply.json["access_token"].as_str().unwrap().to_owned();
    let path = h.rg_path("rg-emulator");
    assert_eq!(h.arm(Method::GET, &path, &token, None).await.status, 200);
    let reply = h.arm(Method::DELETE, &path, &token, None).await;
    assert_eq!(reply.status, 403);
    assert!(
        reply.json["error"]["message"]
            .as_str()
            .unwrap()
            .contains("'Microsoft.Resources/subscriptions/resourcegroups/delete'")
    );
}

#[tokio::test]
async fn api_version_is_required_and_checked() {
    let h = Harness::start().await;
    let token = h.token().await;
    let sub = h.info().defaults.subscription_id.clone();
    let reply = h
        .arm(
            Method::GET,
            &format!("/subscriptions/{sub}/resourcegroups/rg-emulator"),
            &token,
            None,
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json,
        json!({"error":{"code":"MissingApiVersionParameter","message":"The api-version query parameter (?api-version=) is required for all requests."}})
    );
    let reply = h
        .arm(
            Method::GET,
            &format!("/subscriptions/{sub}/resourcegroups/rg-emulator?api-version=2001-01-01"),
            &token,
            None,
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.arm_code(), "InvalidApiVersionParameter");
    let message = reply.json["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("The api-version '2001-01-01' is invalid. The supported versions are '"),
        "{message}"
    );
    assert!(message.contains("2021-04-01") && message.contains("2025-04-01"));
    for version in [
        "2021-04-01",
        "2022-09-01",
        "2023-07-01",
        "2024-07-01",
        "2024-11-01",
        "2025-04-01",
    ] {
        let reply = h
            .arm(
                Method::GET,
                &format!("/subscriptions/{sub}/resourceGroups/rg-emulator?api-version={version}"),
                &token,
                None,
            )
            .await;
        assert_eq!(reply.status, 200, "{version}");
    }
}

#[tokio::test]
async fn unknown_routes_are_404_in_the_arm_envelope() {
    let h = Harness::start().await;
    let token = h.token().await;
    let sub = h.info().defaults.subscription_id.clone();
    let reply = h
        .arm(
            Method::GET,
            &format!("/subscriptions/{sub}/widgets?api-version=2020-01-01"),
            &token,
            None,
        )
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.arm_code(), "InvalidResourceType");
    let reply = h
        .arm(
            Method::GET,
            &format!("/subscriptions/{sub}/resourceGroups/rg-emulator/providers/Microsoft.Nope/things/x?api-version=2020-01-01"),
            &token,
            None,
        )
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.arm_code(), "NoRegisteredProviderFound");
    let reply = h.arm(Method::POST, &h.rg_path("rg-emulator"), &token, None).await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.arm_code(), "MethodNotAllowed");
}

#[tokio::test]
async fn every_response_carries_the_tracking_headers() {
    let h = Harness::start().await;
    let token = h.token().await;
    let url = format!("{}{}", h.info().endpoints.arm, h.rg_path("rg-emulator"));
    let auth = format!("Bearer {token}");
    let reply = h
        .send(
            Method::GET,
            &url,
            &[
                ("authorization", &auth),
                ("x-ms-client-request-id", "client-1"),
                ("x-ms-correlation-request-id", "corr-1"),
            ],
            None,
        )
        .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("x-ms-client-request-id"), Some("client-1"));
    assert_eq!(reply.header("x-ms-correlation-request-id"), Some("corr-1"));
    let request_id = reply.header("x-ms-request-id").unwrap();
    let routing = reply.header("x-ms-routing-request-id").unwrap();
    assert!(routing.starts_with("EASTUS:"), "{routing}");
    assert!(routing.ends_with(request_id), "{routing}");

    let unauthenticated = h.send(Method::GET, &url, &[], None).await;
    assert!(unauthenticated.header("x-ms-request-id").is_some());
    let correlation = unauthenticated.header("x-ms-correlation-request-id").unwrap();
    assert!(uuid::Uuid::parse_str(correlation).is_ok());
}
