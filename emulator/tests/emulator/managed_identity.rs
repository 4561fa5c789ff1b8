//! Managed identity: the IMDS path and the App Service identity endpoint.

use reqwest::Method;
use serde_json::json;

use crate::common::{Harness, claims};

const RESOURCE: &str = "https://management.azure.com/";

fn imds_url(h: &Harness, query: &str) -> String {
    format!("{}/metadata/identity/oauth2/token?{query}", h.info().endpoints.imds)
}

#[tokio::test]
async fn imds_requires_the_metadata_header() {
    let h = Harness::start().await;
    let url = imds_url(&h, "api-version=2018-02-01&resource=https://management.azure.com/");
    let reply = h.send(Method::GET, &url, &[], None).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json,
        json!({"error":"invalid_request","error_description":"Required metadata header not specified"})
    );
}

#[tokio::test]
async fn imds_issues_a_token_for_the_only_user_assigned_identity() {
    let h = Harness::start().await;
    let d = h.info().defaults.clone();
    for version in ["2018-02-01", "2019-08-01"] {
        let url = imds_url(&h, &format!("api-version={version}&resource={RESOURCE}"));
        let reply = h.send(Method::GET, &url, &[("Metadata", "true")], None).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let body = &reply.json;
        assert_eq!(body["token_type"], "Bearer");
        assert_eq!(body["resource"], RESOURCE);
        assert_eq!(body["client_id"], d.identity_client_id);
        assert_eq!(body["expires_in"], "86399");
        assert_eq!(body["ext_expires_in"], "86399");
        let expires_on: i64 = body["expires_on"].as_str().unwrap().parse().unwrap();
        let not_before: i64 = body["not_before"].as_str().unwrap().parse().unwrap();
        assert_eq!(expires_on - not_before, 86_400);
        let c = claims(body["access_token"].as_str().unwrap());
        assert_eq!(c["oid"], d.identity_principal_id);
        assert_eq!(c["appid"], d.identity_client_id);
        assert_eq!(c["xms_mirid"], d.identity_resource_id);
        assert_eq!(c["aud"], RESOURCE);
        assert_eq!(c["tid"], d.tenant_id);
    }
}

#[tokio::test]
async fn imds_selects_by_client_object_or_resource_id() {
    let h = Harness::start().await;
    let d = h.info().defaults.clone();
    for (name, value) in [
        ("client_id", d.identity_client_id.as_str()),
        ("object_id", d.identity_principal_id.as_str()),
        ("msi_res_id", d.identity_resource_id.as_str()),
        ("mi_res_id", d.identity_resource_id.as_str()),
    ] {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("api-version", "2018-02-01")
            .append_pair("resource", RESOURCE)
            .append_pair(name, value)
            .finish();
        let reply = h
            .send(Method::GET, &imds_url(&h, &query), &[("Metadata", "true")], None)
            .await;
        assert_eq!(reply.status, 200, "{name}: {}", reply.text);
        assert_eq!(reply.json["client_id"], d.identity_client_id);
    }
    let url = imds_url(
        &h,
        &format!("api-version=2018-02-01&resource={RESOURCE}&client_id=00000000-0000-0000-0000-000000000000"),
    );
    let reply = h.send(Method::GET, &url, &[("Metadata", "true")], None).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json,
        json!({"error":"invalid_request","error_description":"Identity not found"})
    );
}

#[tokio::test]
async fn imds_without_id_and_two_user_identities_is_ambiguous() {
    let h = Harness::start().await;
    h.seed(json!({ "managed_identities": [ { "name": "second" } ] }));
    let url = imds_url(&h, &format!("api-version=2018-02-01&resource={RESOURCE}"));
    let reply = h.send(Method::GET, &url, &[("Metadata", "true")], None).await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json["error"], "invalid_request");
    assert_eq!(
        reply.json["error_description"],
        "Multiple user assigned identities exist, please specify the clientId / resourceId of the identity in the token request"
    );
}

#[tokio::test]
async fn imds_prefers_the_system_assigned_identity() {
    let mut config = crate::common::quick_config();
    config.managed_identities.push(az_emulator::ManagedIdentitySeed {
        kind: az_emulator::IdentityKind::System,
        principal_id: Some("5e5e5e5e-0000-4000-8000-000000000005".into()),
        ..Default::default()
    });
    let h = Harness::with(config).await;
    let url = imds_url(&h, &format!("api-version=2019-08-01&resource={RESOURCE}"));
    let reply = h.send(Method::GET, &url, &[("Metadata", "true")], None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let c = claims(reply.json["access_token"].as_str().unwrap());
    assert_eq!(c["oid"], "5e5e5e5e-0000-4000-8000-000000000005");
    assert!(
        c["xms_mirid"]
            .as_str()
            .unwrap()
            .ends_with("/providers/Microsoft.Compute/virtualMachines/az-emulator-host")
    );
}

#[tokio::test]
async fn imds_rejects_unknown_resources_and_missing_parameters() {
    let h = Harness::start().await;
    let headers = [("Metadata", "true")];
    let reply = h
        .send(
            Method::GET,
            &imds_url(&h, "api-version=2018-02-01&resource=https://vault.azure.net"),
            &headers,
            None,
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.json["error"], "invalid_resource");
    let reply = h
        .send(Method::GET, &imds_url(&h, "api-version=2018-02-01"), &headers, None)
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json["error_description"],
        "Required query variable 'resource' is missing"
    );
    let reply = h.send(Method::GET, &imds_url(&h, "resource=x"), &headers, None).await;
    assert_eq!(reply.status, 400);
    assert_eq!(
        reply.json["error_description"],
        "Required query variable 'api-version' is missing"
    );
}

#[tokio::test]
async fn app_service_endpoint_requires_the_identity_header() {
    let h = Harness::start().await;
    let info = h.info().clone();
    let url = format!(
        "{}?api-version=2019-08-01&resource={RESOURCE}",
        info.endpoints.app_service_identity
    );
    assert!(info.endpoints.app_service_identity.ends_with("/msi/token"));

    let missing = h.send(Method::GET, &url, &[], None).await;
    assert_eq!(missing.status, 400, "{}", missing.text);
    let wrong = h.send(Method::GET, &url, &[("X-IDENTITY-HEADER", "nope")], None).await;
    assert_eq!(wrong.status, 401, "{}", wrong.text);

    let secret = info.defaults.identity_header.as_str();
    assert!(secret.len() >= 32);
    let reply = h.send(Method::GET, &url, &[("X-IDENTITY-HEADER", secret)], None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["client_id"], info.defaults.identity_client_id);
    assert!(reply.json["expires_on"].as_str().unwrap().parse::<i64>().is_ok());

    let by_principal = format!("{url}&principal_id={}", info.defaults.identity_principal_id);
    let reply = h
        .send(Method::GET, &by_principal, &[("X-IDENTITY-HEADER", secret)], None)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

#[tokio::test]
async fn identity_tokens_are_accepted_by_arm() {
    let h = Harness::start().await;
    let token = h.identity_token().await;
    let path = h.rg_path("rg-emulator");
    let reply = h.arm(Method::GET, &path, &token, None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}
