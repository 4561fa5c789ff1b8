//! Fault injection: seeded, reproducible 429/5xx/drops, latency, runtime replacement.

use az_emulator::{EmulatorConfig, FaultConfig, FaultRule, ListenerKind};
use reqwest::Method;
use serde_json::json;

use crate::common::{Harness, quick_config};

fn throttled_config() -> EmulatorConfig {
    EmulatorConfig {
        faults: FaultConfig {
            seed: Some(42),
            routes: vec![FaultRule {
                method: Some("GET".into()),
                path_contains: Some("/resourcegroups/".into()),
                listener: Some(ListenerKind::Arm),
                rate_429: 0.5,
                retry_after_secs: Some(3),
                ..FaultRule::default()
            }],
            ..FaultConfig::default()
        },
        ..quick_config()
    }
}

async fn statuses(h: &Harness, n: usize) -> Vec<u16> {
    let token = h.token().await;
    let path = h.rg_path("rg-emulator");
    let mut statuses = Vec::new();
    for _ in 0..n {
        let reply = h.arm(Method::GET, &path, &token, None).await;
        if reply.status == 429 {
            assert_eq!(reply.header("retry-after"), Some("3"));
            assert_eq!(reply.header("x-ms-ratelimit-remaining-subscription-reads"), Some("0"));
            assert_eq!(reply.arm_code(), "TooManyRequests");
            assert!(reply.header("x-ms-request-id").is_some());
        }
        statuses.push(reply.status);
    }
    statuses
}

#[tokio::test]
async fn seeded_429s_are_reproducible_and_carry_retry_after() {
    let first = Harness::with(throttled_config()).await;
    let a = statuses(&first, 40).await;
    let second = Harness::with(throttled_config()).await;
    let b = statuses(&second, 40).await;
    assert_eq!(a, b);
    let throttled = a.iter().filter(|s| **s == 429).count();
    assert!((8..=32).contains(&throttled), "{throttled} of 40 throttled: {a:?}");
    assert!(a.iter().all(|s| *s == 200 || *s == 429));

    let journal = first.admin(Method::GET, "/journal", None).await;
    let faults: Vec<&str> = journal
        .json
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| e["fault"].as_str())
        .collect();
    assert_eq!(faults.len(), throttled);
    assert!(faults.iter().all(|f| *f == "429"));
}

#[tokio::test]
async fn dropped_connections_get_no_response() {
    let config = EmulatorConfig {
        faults: FaultConfig {
            routes: vec![FaultRule {
                listener: Some(ListenerKind::Login),
                rate_drop: 1.0,
                ..FaultRule::default()
            }],
            ..FaultConfig::default()
        },
        ..quick_config()
    };
    let h = Harness::with(config).await;
    let url = format!(
        "{}/{}/oauth2/v2.0/token",
        h.info().endpoints.login,
        h.info().defaults.tenant_id
    );
    let result = h.http.post(&url).body("grant_type=client_credentials").send().await;
    assert!(result.is_err(), "expected a dropped connection, got {result:?}");
    let journal = h.admin(Method::GET, "/journal", None).await;
    let entry = &journal.json[0];
    assert_eq!(entry["fault"], "drop");
    assert_eq!(entry["status"], serde_json::Value::Null);
    assert_eq!(entry["listener"], "login");
}

#[tokio::test]
async fn faults_can_be_replaced_at_runtime_and_never_hit_admin() {
    let h = Harness::start().await;
    let imds = format!(
        "{}/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/",
        h.info().endpoints.imds
    );
    let ok = h.send(Method::GET, &imds, &[("Metadata", "true")], None).await;
    assert_eq!(ok.status, 200);

    let put = h
        .admin(
            Method::PUT,
            "/faults",
            Some(json!({ "rate_503": 1.0, "retry_after_secs": 7 })),
        )
        .await;
    assert_eq!(put.status, 204, "{}", put.text);
    let unavailable = h.send(Method::GET, &imds, &[("Metadata", "true")], None).await;
    assert_eq!(unavailable.status, 503);
    assert_eq!(unavailable.header("retry-after"), Some("7"));
    assert_eq!(h.admin(Method::GET, "/health", None).await.status, 200);

    let bad = h
        .admin(
            Method::PUT,
            "/faults",
            Some(json!({ "routes": [ { "rate_500": 2.0 } ] })),
        )
        .await;
    assert_eq!(bad.status, 400);
    assert!(bad.text.contains("faults.routes[0].rate_500"), "{}", bad.text);
    let unknown = h.admin(Method::PUT, "/faults", Some(json!({ "rate_404": 1.0 }))).await;
    assert_eq!(unknown.status, 400);
    assert!(unknown.text.contains("rate_404"), "{}", unknown.text);

    let cleared = h.admin(Method::PUT, "/faults", Some(json!({}))).await;
    assert_eq!(cleared.status, 204);
    let ok = h.send(Method::GET, &imds, &[("Metadata", "true")], None).await;
    assert_eq!(ok.status, 200);
}

#[tokio::test]
async fn latency_applies_to_matching_requests_only_and_adds_up() {
    let config = EmulatorConfig {
        faults: FaultConfig {
            latency_ms: 5,
            routes: vec![FaultRule {
                path_prefix: Some("/SUBSCRIPTIONS".into()),
                latency_ms: 20,
                ..FaultRule::default()
            }],
            ..FaultConfig::default()
        },
        ..quick_config()
    };
    let h = Harness::with(config).await;
    let token = h.token().await;
    let reply = h.arm(Method::GET, &h.rg_path("rg-emulator"), &token, None).await;
    assert_eq!(reply.status, 200);
    let latencies: Vec<(String, u64)> = h
        .journal()
        .await
        .iter()
        .map(|e| {
            (
                e["listener"].as_str().unwrap().to_owned(),
                e["latency_ms"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(latencies, [("login".to_owned(), 5), ("arm".to_owned(), 25)]);
}

#[tokio::test]
async fn login_faults_use_the_entra_error_shape() {
    let config = EmulatorConfig {
        faults: FaultConfig {
            rate_429: 1.0,
            retry_after_secs: 2,
            ..FaultConfig::default()
        },
        ..quick_config()
    };
    let h = Harness::with(config).await;
    let reply = h
        .token_request(
            &h.info().defaults.tenant_id.clone(),
            &[("grant_type", "client_credentials")],
        )
        .await;
    assert_eq!(reply.status, 429);
    assert_eq!(reply.header("retry-after"), Some("2"));
    assert!(reply.json["error_description"].as_str().unwrap().starts_with("AADSTS"));
    assert!(reply.json["error_codes"].is_array());
}

/// Sends `GET {path}` on `stream` (HTTP/1.1, keep-alive).
async fn send_get(stream: &mut tokio::net::TcpStream, path: &str) {
    use tokio::io::AsyncWriteExt;
    let request = format!("GET {path} HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("request written");
}

/// Reads one response without a body (the identity listener's 404) and returns its status line.
async fn read_head(stream: &mut tokio::net::TcpStream) -> String {
    use tokio::io::AsyncReadExt;
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let mut byte = [0u8; 1];
        assert_eq!(stream.read(&mut byte).await.expect("reads"), 1, "connection closed");
        head.push(byte[0]);
    }
    String::from_utf8(head).unwrap().lines().next().unwrap().to_owned()
}

/// The paths of the journal's entries.
async fn paths(h: &Harness) -> Vec<String> {
    h.journal()
        .await
        .iter()
        .map(|e| e["path"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn connections_beyond_the_limit_wait_until_one_closes() {
    let h = Harness::with(EmulatorConfig {
        max_connections: 1,
        ..quick_config()
    })
    .await;
    let address = h.info().endpoints.imds.strip_prefix("http://").unwrap().to_owned();

    let mut first = tokio::net::TcpStream::connect(&address).await.unwrap();
    send_get(&mut first, "/first").await;
    assert_eq!(read_head(&mut first).await, "HTTP/1.1 404 Not Found");
    let mut second = tokio::net::TcpStream::connect(&address).await.unwrap();
    send_get(&mut second, "/second").await;
    send_get(&mut first, "/first-again").await;
    assert_eq!(read_head(&mut first).await, "HTTP/1.1 404 Not Found");
    assert_eq!(
        paths(&h).await,
        ["/first", "/first-again"],
        "the second connection waits"
    );

    drop(first);
    assert_eq!(read_head(&mut second).await, "HTTP/1.1 404 Not Found");
    assert_eq!(paths(&h).await, ["/first", "/first-again", "/second"]);
}
