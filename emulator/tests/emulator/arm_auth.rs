//! ARM authentication, authorization, api-versions, unknown routes and tracking headers.

use reqwest::Method;
use serde_json::{Value, json};

use crate::common::{ARM_SCOPE, Harness, RG_API, Reply};

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

/// Asserts ARM's 401 with `code`, a message containing `fragment` and a challenge.
fn assert_unauthorized(reply: &Reply, code: &str, fragment: &str) {
    assert_eq!(reply.status, 401, "{}", reply.text);
    assert_eq!(reply.arm_code(), code, "{}", reply.text);
    let message = reply.json["error"]["message"].as_str().unwrap();
    assert!(message.contains(fragment), "{message}");
    let challenge = reply.header("www-authenticate").unwrap();
    assert!(challenge.contains("error=\"invalid_token\""), "{challenge}");
}

/// Seeds a service principal (with `roles`, in `tenant` when given) and returns its ARM token.
async fn seeded_principal_token(h: &Harness, tenant: Option<&str>, client_id: &str, roles: Value) -> String {
    let secret = format!("{client_id}-secret");
    let mut principal = json!({ "client_id": client_id, "client_secret": secret, "roles": roles });
    let mut seed = json!({});
    if let Some(tenant) = tenant {
        principal["tenant_id"] = json!(tenant);
        seed["tenants"] = json!([{ "id": tenant }]);
    }
    seed["service_principals"] = json!([principal]);
    h.seed(seed);
    let tenant = tenant.unwrap_or(&h.info().defaults.tenant_id).to_owned();
    let reply = h.secret_grant(&tenant, client_id, &secret, ARM_SCOPE).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.json["access_token"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn rejected_tokens_get_the_matching_401() {
    let h = Harness::start().await;
    let path = h.rg_path("rg-emulator");
    let token = h.token().await;
    let forged = {
        let mut parts: Vec<&str> = token.split('.').collect();
        parts[2] = "c2lnbmF0dXJl";
        parts.join(".")
    };
    let assertion = h.federated_token("https://issuer.example", "s");
    let storage = h.token_for_scope("https://storage.azure.com/.default").await;
    let cases = [
        (
            "not a JWT",
            "not.a.jwt".to_owned(),
            "InvalidAuthenticationToken",
            "could not be parsed",
        ),
        (
            "forged signature",
            forged,
            "InvalidAuthenticationToken",
            "signature could not be verified",
        ),
        (
            "federated assertion",
            assertion,
            "InvalidAuthenticationToken",
            "signature could not be verified",
        ),
        (
            "storage token",
            storage,
            "InvalidAuthenticationTokenAudience",
            "'https://storage.azure.com'",
        ),
    ];
    for (case, bad, code, fragment) in cases {
        let reply = h.arm(Method::GET, &path, &bad, None).await;
        assert_eq!(reply.arm_code(), code, "{case}");
        assert_unauthorized(&reply, code, fragment);
    }
    assert_eq!(h.arm(Method::GET, &path, &token, None).await.status, 200);
}

#[tokio::test]
async fn tokens_expire_when_the_clock_passes_their_lifetime() {
    let h = Harness::with(az_emulator::EmulatorConfig {
        token_lifetime_secs: 600,
        ..crate::common::quick_config()
    })
    .await;
    let token = h.token().await;
    let path = h.rg_path("rg-emulator");
    assert_eq!(h.arm(Method::GET, &path, &token, None).await.status, 200);
    h.advance_clock(540).await;
    assert_eq!(h.arm(Method::GET, &path, &token, None).await.status, 200);
    h.advance_clock(60).await;
    let reply = h.arm(Method::GET, &path, &token, None).await;
    assert_unauthorized(
        &reply,
        "ExpiredAuthenticationToken",
        "The access token expiry UTC time '",
    );
    let fresh = h.token().await;
    assert_eq!(h.arm(Method::GET, &path, &fresh, None).await.status, 200);
}

#[tokio::test]
async fn tokens_from_another_tenant_are_rejected_for_the_subscription() {
    let h = Harness::start().await;
    let other_tenant = "7e7e7e7e-0000-4000-8000-000000000007";
    let token = seeded_principal_token(
        &h,
        Some(other_tenant),
        "7e7e7e7e-0000-4000-8000-000000000008",
        json!([]),
    )
    .await;
    let reply = h.arm(Method::GET, &h.rg_path("rg-emulator"), &token, None).await;
    assert_unauthorized(&reply, "InvalidAuthenticationTokenTenant", "wrong issuer");
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
    let roles = json!([{ "role": "Reader", "resource_group": "rg-emulator" }]);
    let token = seeded_principal_token(&h, None, "4e4e4e4e-0000-4000-8000-000000000004", roles).await;
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
    for path in [
        format!("/subscriptions/{sub}/resourcegroups/rg-emulator?api-version=2024-01-0%C3%A9"),
        format!("/subscriptions/{sub}/operationresults/x?api-version=2024-01-0%C3%A9"),
        format!("/subscriptions/{sub}/operationresults/x?api-version=%E6%97%A5%E6%9C%AC%E8%AA%9E%E3%81%AE"),
    ] {
        let reply = h.arm(Method::GET, &path, &token, None).await;
        assert_eq!(reply.status, 400, "{path}: {}", reply.text);
        assert_eq!(reply.arm_code(), "InvalidApiVersionParameter", "{path}");
    }
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
async fn unknown_routes_are_answered_in_the_arm_envelope() {
    let h = Harness::start().await;
    let token = h.token().await;
    let sub = h.info().defaults.subscription_id.clone();
    let in_group =
        |rest: &str| format!("/subscriptions/{sub}/resourceGroups/rg-emulator/providers/{rest}?api-version=2020-01-01");
    let cases = [
        (
            format!("/subscriptions/{sub}/widgets?api-version=2020-01-01"),
            404,
            "InvalidResourceType",
        ),
        (
            in_group("Microsoft.KeyVault/vaults/kv"),
            400,
            "NoRegisteredProviderFound",
        ),
        (
            in_group("Microsoft.Compute/virtualMachines/vm"),
            404,
            "InvalidResourceType",
        ),
        (in_group("Microsoft.Nope/things/x"), 400, "InvalidResourceNamespace"),
    ];
    for (path, status, code) in cases {
        let reply = h.arm(Method::GET, &path, &token, None).await;
        assert_eq!(
            (reply.status, reply.arm_code()),
            (status, code),
            "{path}: {}",
            reply.text
        );
    }
    let reply = h.arm(Method::POST, &h.rg_path("rg-emulator"), &token, None).await;
    assert_eq!(reply.status, 405);
    assert_eq!(reply.arm_code(), "MethodNotAllowed");
}

#[tokio::test]
async fn every_response_carries_the_tracking_headers() {
    let h = Harness::start().await;
    let token = h.token().await;
    let path = h.rg_path("rg-emulator");
    let ids = [
        ("x-ms-client-request-id", "client-1"),
        ("x-ms-correlation-request-id", "corr-1"),
    ];
    let reply = h.arm_with(Method::GET, &path, &token, &ids, None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("x-ms-client-request-id"), Some("client-1"));
    assert_eq!(reply.header("x-ms-correlation-request-id"), Some("corr-1"));
    let request_id = reply.header("x-ms-request-id").unwrap();
    let routing = reply.header("x-ms-routing-request-id").unwrap();
    assert!(routing.starts_with("EASTUS:"), "{routing}");
    assert!(routing.ends_with(request_id), "{routing}");

    let url = format!("{}{path}", h.info().endpoints.arm);
    let unauthenticated = h.send(Method::GET, &url, &[], None).await;
    assert!(unauthenticated.header("x-ms-request-id").is_some());
    let correlation = unauthenticated.header("x-ms-correlation-request-id").unwrap();
    assert!(uuid::Uuid::parse_str(correlation).is_ok());
}
