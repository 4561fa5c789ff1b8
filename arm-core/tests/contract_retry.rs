//! Contract tests of the ARM request layer against wiremock: retries, Retry-After, deadlines,
//! headers.

use arm_core::SubscriptionClient;
use arm_core::resource_groups::{DEFAULT_API_VERSION, ResourceGroupsClient, ResourceGroupsClientOptions};
use arm_core::test_support::{
    ManualClock, ScriptedResponses, StaticTokenCredential, arm_error, mock_arm_client, redirecting_transport,
    redirecting_transport_builder,
};
use arm_core::{ArmClient, ArmClientOptions, ArmResponse, Cloud, Error, RequestOptions, RetryOptions};
use azure_core::http::Method;
use std::sync::Arc;
use std::time::Duration;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const RG: &str = "/subscriptions/sub/resourcegroups/rg";

fn options(clock: &Arc<ManualClock>, retry: RetryOptions) -> Option<ArmClientOptions> {
    Some(ArmClientOptions {
        clock: Some(clock.clone()),
        retry,
        ..ArmClientOptions::default()
    })
}

/// One GET of the resource group through a client with `retry` and `clock`.
async fn get_rg(server: &MockServer, clock: &Arc<ManualClock>, retry: RetryOptions) -> Result<ArmResponse, Error> {
    let arm = mock_arm_client(&server.uri(), options(clock, retry)).unwrap();
    arm.send(arm.request(Method::Get, RG, "2021-04-01").unwrap()).await
}

fn throttled(after: &str) -> ResponseTemplate {
    arm_error(429, "TooManyRequests", "slow down").insert_header("retry-after", after)
}

#[tokio::test]
async fn retries_429_after_the_delay_retry_after_asks_for() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(RG))
        .and(query_param("api-version", "2021-04-01"))
        .respond_with(ScriptedResponses::new(vec![
            throttled("7"),
            throttled("3"),
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"name": "rg", "location": "eastus"})),
        ]))
        .expect(3)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let arm = mock_arm_client(&server.uri(), options(&clock, RetryOptions::default())).unwrap();
    let body: serde_json::Value = arm
        .send_json(arm.request(Method::Get, RG, "2021-04-01").unwrap())
        .await
        .unwrap();
    assert_eq!(body["name"], "rg");
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(7), Duration::from_secs(3)]);

    let requests = server.received_requests().await.unwrap();
    let ids: Vec<_> = requests
        .iter()
        .map(|r| r.headers.get("x-ms-client-request-id").unwrap().clone())
        .collect();
    assert!(
        ids.iter().all(|id| *id == ids[0]),
        "one client request id across retries: {ids:?}"
    );
    for request in &requests {
        assert_eq!(request.headers.get("authorization").unwrap(), "Bearer test-token");
        let agent = request.headers.get("user-agent").unwrap().to_str().unwrap();
        assert!(agent.starts_with("azsdk-rust-arm-core/"), "{agent}");
    }
}

#[tokio::test]
async fn does_not_retry_client_errors_and_keeps_the_arm_error() {
    for (status, code) in [(400, "InvalidRequestContent"), (404, "ResourceGroupNotFound")] {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .respond_with(arm_error(status, code, "nope\nsecond line"))
            .expect(1)
            .mount(&server)
            .await;
        let clock = ManualClock::new();
        let arm = mock_arm_client(&server.uri(), options(&clock, RetryOptions::default())).unwrap();
        let err = arm
            .send(arm.request(Method::Get, RG, "2021-04-01").unwrap())
            .await
            .unwrap_err();
        assert_eq!(err.status().map(u16::from), Some(status));
        assert_eq!(err.code(), Some(code));
        let service = err.as_service().unwrap();
        assert_eq!(service.request_id.as_deref(), Some("req-42"));
        assert_eq!(service.correlation_id.as_deref(), Some("corr-42"));
        let text = err.to_string();
        assert!(!text.contains('\n'), "{text}");
        assert!(
            text.contains(code) && text.contains("x-ms-request-id: req-42"),
            "{text}"
        );
        assert!(clock.sleeps().is_empty());
    }
}

#[tokio::test]
async fn stops_retrying_when_the_next_wait_would_pass_the_deadline() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(arm_error(503, "ServiceUnavailable", "busy").insert_header("retry-after", "50"))
        .expect(3)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let retry = RetryOptions {
        max_retries: 10,
        deadline: Duration::from_secs(120),
        ..RetryOptions::default()
    };
    let err = get_rg(&server, &clock, retry).await.unwrap_err();
    assert_eq!(err.status().map(u16::from), Some(503));
    assert_eq!(
        err.as_service().unwrap().throttling.retry_after,
        Some(Duration::from_secs(50))
    );
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(50); 2]);
    assert!(clock.elapsed() <= Duration::from_secs(120));
}

#[tokio::test]
async fn retries_are_bounded_by_max_retries_with_growing_backoff() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(arm_error(500, "InternalServerError", "boom"))
        .expect(4)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let retry = RetryOptions {
        max_retries: 3,
        initial_delay: Duration::from_secs(1),
        ..RetryOptions::default()
    };
    let err = get_rg(&server, &clock, retry).await.unwrap_err();
    assert_eq!(err.code(), Some("InternalServerError"));
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 3);
    assert!(sleeps.windows(2).all(|w| w[1] > w[0]), "exponential: {sleeps:?}");
}

#[tokio::test]
async fn post_is_retried_on_429_but_not_on_500_unless_marked_idempotent() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/act"))
        .respond_with(arm_error(500, "InternalServerError", "maybe applied"))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/throttled"))
        .respond_with(ScriptedResponses::new(vec![throttled("1"), ResponseTemplate::new(204)]))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let arm = mock_arm_client(&server.uri(), options(&clock, RetryOptions::default())).unwrap();
    let err = arm
        .send(arm.request(Method::Post, "/act", "1").unwrap())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(u16::from), Some(500));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);

    arm.send(arm.request(Method::Post, "/throttled", "1").unwrap())
        .await
        .unwrap();
    assert_eq!(server.received_requests().await.unwrap().len(), 3);

    let idempotent = arm.request(Method::Post, "/act", "1").unwrap().idempotent(true);
    let _ = arm.send(idempotent).await.unwrap_err();
    assert_eq!(
        server.received_requests().await.unwrap().len(),
        3 + 7,
        "1 try + 6 retries"
    );
}

#[tokio::test]
async fn the_api_version_is_the_service_clients_and_its_options_override_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(
            "/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/rg",
        ))
        .and(query_param("api-version", "2019-10-01"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"location":"westeurope"}"#))
        .expect(2)
        .mount(&server)
        .await;
    let mut options = ResourceGroupsClientOptions {
        api_version: "2019-10-01".into(),
        ..ResourceGroupsClientOptions::default()
    };
    options.arm.client_options.transport = Some(redirecting_transport(&server.uri()).unwrap().to_transport());
    let sub = "00000000-0000-0000-0000-000000000000";
    let groups =
        ResourceGroupsClient::new(&Cloud::public(), sub, StaticTokenCredential::new("t"), Some(options)).unwrap();
    assert_eq!(groups.api_version(), "2019-10-01");
    groups.get("rg", None).await.unwrap();
    let arm = mock_arm_client(&server.uri(), None).unwrap();
    let shared = ResourceGroupsClient::from_arm(arm.clone(), sub).unwrap();
    assert_eq!(shared.api_version(), DEFAULT_API_VERSION);
    shared.with_api_version("2019-10-01").get("rg", None).await.unwrap();
    let request = arm.request(Method::Get, RG, "2021-04-01").unwrap();
    assert_eq!(
        request.url().query(),
        Some("api-version=2021-04-01"),
        "no override in ArmClient"
    );
}

#[tokio::test]
async fn request_options_bound_the_retries_of_one_call() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(throttled("20"))
        .expect(1)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let arm = mock_arm_client(&server.uri(), options(&clock, RetryOptions::default())).unwrap();
    let groups = ResourceGroupsClient::from_arm(arm, "00000000-0000-0000-0000-000000000000").unwrap();
    let bounded = RequestOptions {
        deadline: Some(Duration::from_secs(15)),
    };
    let err = groups.get("rg", Some(bounded)).await.unwrap_err();
    assert!(err.is_throttled(), "{err}");
    assert!(clock.sleeps().is_empty(), "20 s does not fit in 15 s");
}

#[tokio::test]
async fn absolute_urls_off_the_arm_origin_are_refused() {
    let arm = mock_arm_client("http://127.0.0.1:9", None).unwrap();
    let err = arm
        .request_url(Method::Get, "https://evil.example.com/steal?x=1")
        .unwrap_err();
    assert!(matches!(err, Error::InvalidInput { .. }));
    assert!(err.to_string().contains("refusing to send a token"), "{err}");
    arm.request_url(Method::Get, "https://MANAGEMENT.azure.com:443/subscriptions")
        .unwrap();
}

#[tokio::test]
async fn a_try_without_a_response_times_out_and_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string("{}")
                .set_delay(Duration::from_secs(5)),
        )
        .expect(3)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let transport = redirecting_transport_builder(&server.uri())
        .unwrap()
        .read_timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let mut options = options(
        &clock,
        RetryOptions {
            max_retries: 2,
            ..RetryOptions::default()
        },
    )
    .unwrap();
    options.client_options.transport = Some(transport.to_transport());
    let arm = ArmClient::new(&Cloud::public(), StaticTokenCredential::new("t"), Some(options)).unwrap();
    let err = arm
        .send(arm.request(Method::Get, RG, "2021-04-01").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(clock.sleeps().len(), 2, "the timed-out tries were retried");
}

/// Counts the requests that pass through it.
#[derive(Debug, Default)]
struct Counting(std::sync::atomic::AtomicUsize);

// azure_core's `Policy` trait spells the context type with an elided lifetime.
#[allow(elided_lifetimes_in_paths)]
#[async_trait::async_trait]
impl azure_core::http::policies::Policy for Counting {
    async fn send(
        &self,
        ctx: &azure_core::http::Context,
        request: &mut azure_core::http::Request,
        next: &[Arc<dyn azure_core::http::policies::Policy>],
    ) -> azure_core::http::policies::PolicyResult {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        next[0].send(ctx, request, &next[1..]).await
    }
}

#[tokio::test]
async fn caller_policies_run_once_per_call_or_once_per_try() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ScriptedResponses::new(vec![
            throttled("1"),
            throttled("1"),
            ResponseTemplate::new(200).set_body_string("{}"),
        ]))
        .mount(&server)
        .await;
    let (per_call, per_try) = (Arc::new(Counting::default()), Arc::new(Counting::default()));
    let clock = ManualClock::new();
    let mut options = ArmClientOptions {
        clock: Some(clock.clone()),
        ..ArmClientOptions::default()
    };
    options.client_options.per_call_policies.push(per_call.clone());
    options.client_options.per_try_policies.push(per_try.clone());
    let arm = mock_arm_client(&server.uri(), Some(options)).unwrap();
    arm.send(arm.request(Method::Get, RG, "2021-04-01").unwrap())
        .await
        .unwrap();
    assert_eq!(per_call.0.load(std::sync::atomic::Ordering::SeqCst), 1);
    assert_eq!(per_try.0.load(std::sync::atomic::Ordering::SeqCst), 3);
}

/// A server that answers the first request with headers and half a body, then closes the
/// connection; later requests get the whole body.
async fn body_cut_once() -> (String, Arc<std::sync::atomic::AtomicUsize>) {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    tokio::spawn(async move {
        loop {
            let (mut stream, _) = listener.accept().await.unwrap();
            let mut head = Vec::new();
            let mut byte = [0u8; 1];
            while !head.ends_with(b"\r\n\r\n") && stream.read(&mut byte).await.unwrap() == 1 {
                head.push(byte[0]);
            }
            let body = br#"{"name": "rg", "location": "eastus"}"#;
            let header = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            stream.write_all(header.as_bytes()).await.unwrap();
            let whole = counter.fetch_add(1, Ordering::SeqCst) > 0;
            let sent = if whole { &body[..] } else { &body[..10] };
            stream.write_all(sent).await.unwrap();
            stream.shutdown().await.unwrap();
        }
    });
    (format!("http://{addr}"), requests)
}

#[tokio::test]
async fn a_connection_dropped_in_the_middle_of_the_body_is_retried() {
    let (uri, requests) = body_cut_once().await;
    let clock = ManualClock::new();
    let arm = mock_arm_client(&uri, options(&clock, RetryOptions::default())).unwrap();
    let body: serde_json::Value = arm
        .send_json(arm.request(Method::Get, RG, "2021-04-01").unwrap())
        .await
        .unwrap();
    assert_eq!(body["name"], "rg");
    assert_eq!(requests.load(std::sync::atomic::Ordering::SeqCst), 2);
}

/// What a call answered with a hostile throttling header should do.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Hostile {
    /// The wait cannot fit in the deadline: the call ends at once with the server's error.
    EndsAtOnce,
    /// The value is not a delay (or a date already past): the call retries and succeeds.
    Retried,
}

#[tokio::test]
async fn hostile_retry_after_values_end_the_call_at_once_or_are_ignored() {
    use Hostile::{EndsAtOnce, Retried};
    let cases: &[(u16, &str, &str, Hostile)] = &[
        (429, "retry-after", "18446744073709551615", EndsAtOnce),
        (429, "retry-after", "99999999999999999999999999999", EndsAtOnce),
        (429, "retry-after", "Fri, 31 Dec 9999 23:59:59 GMT", EndsAtOnce),
        (429, "retry-after", "Thu, 01 Jan 1970 00:00:00 GMT", Retried),
        (429, "retry-after", "1e30", Retried),
        (429, "retry-after", "-5", Retried),
        (429, "retry-after", "soon", Retried),
        (429, "retry-after", "", Retried),
        (503, "retry-after", "18446744073709551615", EndsAtOnce),
        (429, "retry-after-ms", "18446744073709551615", EndsAtOnce),
        (429, "x-ms-retry-after-ms", "18446744073709551615", EndsAtOnce),
        (429, "x-ms-retry-after-ms", "-5", Retried),
    ];
    for &(status, header, value, expected) in cases {
        let case = format!("{status} {header}: {value:?}");
        let server = MockServer::start().await;
        let refusal = arm_error(status, "Throttled", "slow down").insert_header(header, value);
        Mock::given(method("GET"))
            .respond_with(ScriptedResponses::new(vec![
                refusal,
                ResponseTemplate::new(200).set_body_string("{}"),
            ]))
            .mount(&server)
            .await;
        // The real clock: a wait that is not bounded would hang the test.
        let retry = RetryOptions {
            initial_delay: Duration::from_millis(10),
            ..RetryOptions::default()
        };
        let arm = mock_arm_client(
            &server.uri(),
            Some(ArmClientOptions {
                retry,
                ..ArmClientOptions::default()
            }),
        )
        .unwrap();
        let started = std::time::Instant::now();
        let result = tokio::time::timeout(
            Duration::from_secs(10),
            arm.send(arm.request(Method::Get, RG, "2021-04-01").unwrap()),
        )
        .await
        .unwrap_or_else(|_| panic!("{case}: the call hung"));
        assert!(
            started.elapsed() < Duration::from_secs(3),
            "{case}: {:?}",
            started.elapsed()
        );
        let tries = server.received_requests().await.unwrap().len();
        match expected {
            EndsAtOnce => {
                let err = result.expect_err(&case);
                assert_eq!(err.status().map(u16::from), Some(status), "{case}: {err}");
                assert_eq!(err.code(), Some("Throttled"), "{case}");
                assert!(!err.to_string().contains('\n'), "{case}: {err}");
                assert_eq!(tries, 1, "{case}");
            }
            Retried => {
                result.unwrap_or_else(|e| panic!("{case}: {e}"));
                assert_eq!(tries, 2, "{case}");
            }
        }
    }
}

#[tokio::test]
async fn a_request_deadline_shorter_than_the_retry_deadline_bounds_the_wait() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ScriptedResponses::new(vec![
            throttled("20"),
            throttled("20"),
            ResponseTemplate::new(200).set_body_string("{}"),
        ]))
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let arm = mock_arm_client(&server.uri(), options(&clock, RetryOptions::default())).unwrap();
    let bounded = arm
        .request(Method::Get, RG, "2021-04-01")
        .unwrap()
        .deadline(Duration::from_secs(30))
        .deadline(Duration::from_secs(15));
    let err = arm.send(bounded).await.unwrap_err();
    assert!(err.is_throttled(), "{err}");
    assert!(clock.sleeps().is_empty(), "20 s does not fit in 15 s");
    let roomy = arm
        .request(Method::Get, RG, "2021-04-01")
        .unwrap()
        .deadline(Duration::from_secs(30));
    arm.send(roomy).await.unwrap();
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(20)]);
}

#[tokio::test]
async fn arm_request_debug_shows_no_body() {
    let arm = mock_arm_client("http://127.0.0.1:9", None).unwrap();
    let body = serde_json::json!({
        "properties": {"containers": [{"properties": {"environmentVariables": [
            {"name": "AZP_TOKEN", "secureValue": "s3cret-pat"}
        ]}}]}
    });
    let request = arm.request(Method::Put, RG, "2021-04-01").unwrap().json(&body).unwrap();
    let text = format!("{request:?}");
    assert!(!text.contains("s3cret-pat") && !text.contains("secureValue"), "{text}");
    let length = serde_json::to_vec(&body).unwrap().len();
    assert!(text.contains(&format!("body_len: Some({length})")), "{text}");
    assert!(text.contains("method: Put"), "{text}");
    assert!(
        text.contains("https://management.azure.com/subscriptions/sub/resourcegroups/rg?api-version=2021-04-01"),
        "{text}"
    );
}

#[tokio::test]
async fn a_huge_retry_after_once_time_has_passed_does_not_overflow() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ScriptedResponses::new(vec![
            throttled("2"),
            throttled("18446744073709551615"),
            ResponseTemplate::new(200).set_body_string("{}"),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let clock = ManualClock::new();
    let err = get_rg(&server, &clock, RetryOptions::default()).await.unwrap_err();
    assert!(err.is_throttled(), "{err}");
    assert_eq!(
        err.as_service().unwrap().throttling.retry_after,
        Some(Duration::from_secs(u64::MAX))
    );
    assert_eq!(clock.sleeps(), vec![Duration::from_secs(2)]);
}
