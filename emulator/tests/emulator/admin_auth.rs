//! The admin API answers only requests that carry the emulator's admin token.

use az_emulator::{Emulator, EmulatorConfig};
use reqwest::Method;
use serde_json::json;

use crate::common::{Harness, quick_config};

#[tokio::test]
async fn admin_requests_without_the_token_get_401_and_change_nothing() {
    let h = Harness::start().await;
    let token = h.emulator.admin_token().to_owned();
    assert_eq!(token, h.info().admin_token);
    assert_eq!(token.len(), 43, "32 random bytes, base64url");
    let wrong = format!("Bearer {}x", token);
    let truncated = format!("Bearer {}", &token[..token.len() - 1]);
    let basic = format!("Basic {token}");
    let no_space = format!("Bearer{token}");
    let refused: [&[(&str, &str)]; 7] = [
        &[],
        &[("authorization", "Bearer not-the-token")],
        &[("authorization", wrong.as_str())],
        &[("authorization", truncated.as_str())],
        &[("authorization", basic.as_str())],
        &[("authorization", no_space.as_str())],
        &[("authorization", "Bearer ")],
    ];
    let pool = format!(
        "/devops/{}/pools/{}/jobs",
        h.info().defaults.devops_organization,
        h.info().defaults.devops_pool
    );
    let requests = [
        (Method::GET, "/health", None),
        (Method::GET, "/journal", None),
        (Method::POST, "/clock/advance", Some(json!({ "seconds": 60 }))),
        (
            Method::POST,
            pool.as_str(),
            Some(json!({ "command": "touch /tmp/never" })),
        ),
        (
            Method::POST,
            "/federated-token",
            Some(json!({ "issuer": "i", "subject": "s" })),
        ),
        (Method::GET, "/nope", None),
    ];
    for headers in refused {
        for (method, path, body) in &requests {
            let reply = h.admin_with(method.clone(), path, headers, body.clone()).await;
            assert_eq!(reply.status, 401, "{method} {path} with {headers:?}: {}", reply.text);
            assert!(
                reply.json["error"].as_str().is_some_and(|e| e.contains("Bearer")),
                "{}",
                reply.text
            );
            assert_eq!(
                reply.header("www-authenticate"),
                Some("Bearer realm=\"az-emulator-admin\"")
            );
            assert!(!reply.text.contains(&token), "the 401 shows the token");
        }
    }
    let clock = h.admin(Method::GET, "/clock", None).await;
    assert_eq!((clock.status, clock.json["offset_ms"].as_i64()), (200, Some(0)));
    let jobs = h.admin(Method::GET, &pool, None).await;
    assert_eq!(
        (jobs.status, jobs.json["count"].as_i64()),
        (200, Some(0)),
        "{}",
        jobs.text
    );

    let lower = format!("bearer {token}");
    let health = h
        .admin_with(Method::GET, "/health", &[("authorization", lower.as_str())], None)
        .await;
    assert_eq!(health.status, 200, "the scheme is case-insensitive: {}", health.text);
    let advanced = h
        .admin(Method::POST, "/clock/advance", Some(json!({ "seconds": 60 })))
        .await;
    assert_eq!(advanced.status, 200, "{}", advanced.text);
    assert_eq!(advanced.json["offset_ms"], 60_000);
}

#[tokio::test]
async fn each_start_has_its_own_token_unless_the_configuration_sets_one() {
    let first = Emulator::start(quick_config()).await.unwrap();
    let second = Emulator::start(quick_config()).await.unwrap();
    assert_ne!(first.admin_token(), second.admin_token());
    assert!(
        !format!("{:?}", first.info()).contains(first.admin_token()),
        "Debug shows the token"
    );
    let line = serde_json::to_value(first.info()).unwrap();
    assert_eq!(line["admin_token"], first.admin_token());

    let set = "a-configured-admin-token_0123456789";
    let config = EmulatorConfig::from_toml_str(&format!("admin_token = \"{set}\"\n")).unwrap();
    assert!(
        !format!("{config:?}").contains(set),
        "Debug of the configuration shows the token"
    );
    let h = Harness::with(EmulatorConfig {
        operation_duration_ms: 300,
        ..config
    })
    .await;
    assert_eq!(h.emulator.admin_token(), set);
    assert_eq!(h.admin(Method::GET, "/health", None).await.status, 200);

    for bad in [
        "",
        "short",
        "has space in it 0123456789",
        "quote\"0123456789abcdef",
        "=padding-only-0123456789",
    ] {
        let error = EmulatorConfig::from_json_str(&json!({ "admin_token": bad }).to_string())
            .err()
            .unwrap_or_else(|| panic!("{bad:?} is accepted"));
        assert!(error.to_string().contains("admin_token"), "{error}");
    }
}
