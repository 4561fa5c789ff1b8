//! The Entra ID token endpoint: client credentials with secret and assertion, AADSTS errors.

use reqwest::Method;
use serde_json::json;

use crate::common::{ARM_SCOPE, Harness, Reply, claims};

/// Checks Entra's error body shape and returns the description.
fn assert_aad_error(reply: &Reply, status: u16, error: &str, code: u64) -> String {
    assert_eq!(reply.status, status, "{}", reply.text);
    let body = &reply.json;
    assert_eq!(body["error"], error, "{}", reply.text);
    assert_eq!(body["error_codes"], json!([code]));
    let description = body["error_description"].as_str().unwrap().to_owned();
    assert!(description.starts_with(&format!("AADSTS{code}: ")), "{description}");
    let trace = body["trace_id"].as_str().unwrap();
    let correlation = body["correlation_id"].as_str().unwrap();
    assert!(description.contains(&format!("Trace ID: {trace}")));
    assert!(description.contains(&format!("Correlation ID: {correlation}")));
    let timestamp = body["timestamp"].as_str().unwrap();
    assert!(timestamp.len() == 20 && timestamp.ends_with('Z'), "{timestamp}");
    assert!(description.contains(&format!("Timestamp: {timestamp}")));
    assert_eq!(
        body["error_uri"],
        format!("https://login.microsoftonline.com/error?code={code}")
    );
    assert_eq!(reply.header("content-type"), Some("application/json; charset=utf-8"));
    description
}

#[tokio::test]
async fn client_secret_grant_issues_an_arm_token() {
    let h = Harness::start().await;
    let d = h.info().defaults.clone();
    let reply = h
        .secret_grant(&d.tenant_id, &d.client_id, &d.client_secret, ARM_SCOPE)
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.json["token_type"], "Bearer");
    assert_eq!(reply.json["expires_in"], 3599);
    assert_eq!(reply.json["ext_expires_in"], 3599);
    let token = reply.json["access_token"].as_str().unwrap();
    let header: serde_json::Value = {
        use base64::Engine;
        let part = token.split('.').next().unwrap();
        serde_json::from_slice(&base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(part).unwrap()).unwrap()
    };
    assert_eq!(header["alg"], "HS256");
    assert_eq!(header["typ"], "JWT");
    assert!(header["kid"].is_string());
    let c = claims(token);
    assert_eq!(c["aud"], "https://management.azure.com");
    assert_eq!(c["iss"], format!("https://sts.windows.net/{}/", d.tenant_id));
    assert_eq!(c["tid"], d.tenant_id);
    assert_eq!(c["appid"], d.client_id);
    assert_eq!(c["idtyp"], "app");
    assert_eq!(c["sub"], c["oid"]);
    let (iat, nbf, exp) = (
        c["iat"].as_i64().unwrap(),
        c["nbf"].as_i64().unwrap(),
        c["exp"].as_i64().unwrap(),
    );
    assert_eq!(exp - iat, 3600);
    assert_eq!(nbf, iat);
    assert!(c["uti"].is_string());
    assert!(c.get("xms_mirid").is_none());
}

#[tokio::test]
async fn every_known_resource_gets_a_token_and_others_do_not() {
    let h = Harness::start().await;
    let own_arm = format!("{}/.default", h.info().endpoints.arm);
    for scope in [
        own_arm.as_str(),
        "https://management.azure.com//.default",
        "https://management.core.windows.net//.default",
        "https://management.chinacloudapi.cn/.default",
        "https://management.usgovcloudapi.net/.default",
        "499b84ac-1321-427f-aa17-267ca6975798/.default",
        "https://storage.azure.com/.default",
    ] {
        let token = h.token_for_scope(scope).await;
        assert_eq!(claims(&token)["aud"], scope.strip_suffix("/.default").unwrap());
    }
    let d = h.info().defaults.clone();
    let reply = h
        .secret_grant(
            &d.tenant_id,
            &d.client_id,
            &d.client_secret,
            "https://vault.azure.net/.default",
        )
        .await;
    let description = assert_aad_error(&reply, 400, "invalid_resource", 500011);
    assert!(
        description.contains("The resource principal named https://vault.azure.net was not found"),
        "{description}"
    );
}

#[tokio::test]
async fn wrong_secret_is_aadsts7000215() {
    let h = Harness::start().await;
    let d = h.info().defaults.clone();
    let reply = h
        .secret_grant(&d.tenant_id, &d.client_id, "not-the-secret", ARM_SCOPE)
        .await;
    let description = assert_aad_error(&reply, 401, "invalid_client", 7000215);
    assert!(description.contains("Invalid client secret provided."));
    assert!(!reply.text.contains(&d.client_secret));
}

#[tokio::test]
async fn unknown_client_is_aadsts700016() {
    let h = Harness::start().await;
    let d = h.info().defaults.clone();
    let stranger = "11111111-2222-3333-4444-555555555555";
    let reply = h.secret_grant(&d.tenant_id, stranger, "x", ARM_SCOPE).await;
    let description = assert_aad_error(&reply, 400, "unauthorized_client", 700016);
    assert!(
        description.contains(&format!(
            "Application with identifier '{stranger}' was not found in the directory '{}'",
            d.tenant_id
        )),
        "{description}"
    );
}

#[tokio::test]
async fn unknown_tenant_is_aadsts90002() {
    let h = Harness::start().await;
    let d = h.info().defaults.clone();
    let reply = h
        .secret_grant("contoso.example", &d.client_id, &d.client_secret, ARM_SCOPE)
        .await;
    let description = assert_aad_error(&reply, 400, "invalid_request", 90002);
    assert!(description.contains("Tenant 'contoso.example' not found."));
}

#[tokio::test]
async fn grant_type_and_scope_are_checked() {
    let h = Harness::start().await;
    let d = h.info().defaults.clone();
    let base = |grant: &'static str, scope: &'static str| {
        vec![
            ("grant_type", grant),
            ("client_id", "x"),
            ("client_secret", "y"),
            ("scope", scope),
        ]
    };
    let reply = h.token_request(&d.tenant_id, &base("password", ARM_SCOPE)).await;
    assert_aad_error(&reply, 400, "unsupported_grant_type", 70003);
    let reply = h
        .token_request(
            &d.tenant_id,
            &base("client_credentials", "https://management.azure.com/user_impersonation"),
        )
        .await;
    assert_aad_error(&reply, 400, "invalid_scope", 1002012);
    let reply = h
        .token_request(
            &d.tenant_id,
            &base(
                "client_credentials",
                "https://management.azure.com/.default https://storage.azure.com/.default",
            ),
        )
        .await;
    assert_aad_error(&reply, 400, "invalid_scope", 70011);
    let reply = h
        .token_request(&d.tenant_id, &[("grant_type", "client_credentials")])
        .await;
    let description = assert_aad_error(&reply, 400, "invalid_request", 900144);
    assert!(description.contains("'client_id'"));
}

#[tokio::test]
async fn correlation_id_echoes_the_client_request_id() {
    let h = Harness::start().await;
    let url = format!(
        "{}/{}/oauth2/v2.0/token",
        h.info().endpoints.login,
        h.info().defaults.tenant_id
    );
    let reply = h
        .send(
            Method::POST,
            &url,
            &[
                ("content-type", "application/x-www-form-urlencoded"),
                ("client-request-id", "7d3c1c1e-0000-4000-8000-000000000001"),
            ],
            Some("grant_type=client_credentials&client_id=a&client_secret=b&scope=x/.default".into()),
        )
        .await;
    assert_eq!(reply.json["correlation_id"], "7d3c1c1e-0000-4000-8000-000000000001");
    assert_eq!(
        reply.header("client-request-id"),
        Some("7d3c1c1e-0000-4000-8000-000000000001")
    );
}

#[tokio::test]
async fn federated_client_assertion_is_checked_against_the_credential() {
    let config = az_emulator::EmulatorConfig::from_toml_str(
        r#"
        [[service_principals]]
        name = "workload"
        client_id = "0a0a0a0a-1111-2222-3333-444444444444"
        [[service_principals.federated_credentials]]
        issuer = "https://token.actions.example/"
        subject = "repo:acme/app:ref:refs/heads/main"
        [[service_principals.roles]]
        role = "Reader"
        "#,
    )
    .unwrap();
    let h = Harness::with(config).await;
    let tenant = h.info().defaults.tenant_id.clone();
    let client_id = "0a0a0a0a-1111-2222-3333-444444444444";
    let mint = |subject: &'static str, issuer: &'static str| {
        let h = &h;
        async move { h.federated_token(issuer, subject) }
    };
    let exchange = |assertion: String| {
        let h = &h;
        let tenant = tenant.clone();
        async move {
            h.token_request(
                &tenant,
                &[
                    ("grant_type", "client_credentials"),
                    ("client_id", client_id),
                    (
                        "client_assertion_type",
                        "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                    ),
                    ("client_assertion", &assertion),
                    ("scope", ARM_SCOPE),
                ],
            )
            .await
        }
    };

    let good = mint("repo:acme/app:ref:refs/heads/main", "https://token.actions.example/").await;
    assert_eq!(claims(&good)["aud"], "api://AzureADTokenExchange");
    let reply = exchange(good).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let token = reply.json["access_token"].as_str().unwrap();
    assert_eq!(claims(token)["appid"], client_id);
    assert_eq!(claims(token)["appidacr"], "2");

    let wrong_subject = mint("repo:acme/app:pull_request", "https://token.actions.example/").await;
    let description = assert_aad_error(&exchange(wrong_subject).await, 400, "invalid_client", 70021);
    assert!(description.contains("Assertion Subject: 'repo:acme/app:pull_request'"));

    let wrong_issuer = mint("repo:acme/app:ref:refs/heads/main", "https://evil.example/").await;
    assert_aad_error(&exchange(wrong_issuer).await, 400, "invalid_client", 700211);

    let forged = {
        let good = mint("repo:acme/app:ref:refs/heads/main", "https://token.actions.example/").await;
        let mut parts: Vec<&str> = good.split('.').collect();
        parts[2] = "AAAA";
        parts.join(".")
    };
    assert_aad_error(&exchange(forged).await, 401, "invalid_client", 50013);
    assert_aad_error(&exchange("garbage".to_owned()).await, 400, "invalid_client", 50027);

    let access_token = h.token().await;
    let description = assert_aad_error(&exchange(access_token).await, 401, "invalid_client", 50013);
    assert!(description.contains("signature validation"), "{description}");

    let soon_stale = mint("repo:acme/app:ref:refs/heads/main", "https://token.actions.example/").await;
    h.advance_clock(3600).await;
    let description = assert_aad_error(&exchange(soon_stale).await, 400, "invalid_client", 700024);
    assert!(description.contains("not within its valid time range"), "{description}");
}

#[tokio::test]
async fn openid_configuration_names_the_token_endpoint() {
    let h = Harness::start().await;
    let login = &h.info().endpoints.login;
    let tenant = &h.info().defaults.tenant_id;
    let url = format!("{login}/{tenant}/v2.0/.well-known/openid-configuration");
    let reply = h.send(Method::GET, &url, &[], None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(
        reply.json["token_endpoint"],
        format!("{login}/{tenant}/oauth2/v2.0/token")
    );
    assert_eq!(
        reply.json["issuer"],
        format!("https://login.microsoftonline.com/{tenant}/v2.0"),
        "the v2 issuer, as Azure's v2 document names it"
    );
    let token = h.token().await;
    assert_eq!(
        claims(&token)["iss"],
        format!("https://sts.windows.net/{tenant}/"),
        "ARM tokens are v1 tokens, as in Azure"
    );
    assert_eq!(claims(&token)["ver"], "1.0");
}

#[tokio::test]
async fn instance_discovery_points_at_the_tenant_document() {
    let h = Harness::start().await;
    let login = h.info().endpoints.login.clone();
    let tenant = h.info().defaults.tenant_id.clone();
    let port = login.rsplit(':').next().unwrap().to_owned();
    let discover = |authorization_endpoint: String| {
        let h = &h;
        let login = login.clone();
        async move {
            let query = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("api-version", "1.1")
                .append_pair("authorization_endpoint", &authorization_endpoint)
                .finish();
            h.send(
                Method::GET,
                &format!("{login}/common/discovery/instance?{query}"),
                &[],
                None,
            )
            .await
        }
    };

    let reply = discover(format!("https://localhost:{port}/{tenant}/oauth2/v2.0/authorize")).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let document = format!("{login}/{tenant}/v2.0/.well-known/openid-configuration");
    assert_eq!(reply.json["tenant_discovery_endpoint"], document);
    assert_eq!(reply.json["api-version"], "1.1");
    assert_eq!(
        reply.json["metadata"][0]["aliases"],
        json!([format!("127.0.0.1:{port}"), format!("localhost:{port}")])
    );
    let followed = h.send(Method::GET, &document, &[], None).await;
    assert_eq!(followed.status, 200, "{}", followed.text);
    assert_eq!(
        followed.json["token_endpoint"],
        format!("{login}/{tenant}/oauth2/v2.0/token")
    );

    let reply = discover(format!("https://login.example.com/{tenant}/oauth2/v2.0/authorize")).await;
    assert_aad_error(&reply, 400, "invalid_instance", 50049);
    let reply = h
        .send(
            Method::GET,
            &format!("{login}/common/discovery/instance?api-version=1.1"),
            &[],
            None,
        )
        .await;
    assert_aad_error(&reply, 400, "invalid_request", 90014);
}
