//! Requests made by the LRO poller for an operation of known length with a given Retry-After.
//!
//! The operation runs on the poller's own (manual) clock: it ends `LENGTH` after it started, and
//! the service asks for `Retry-After: RETRY_AFTER`. The goal is one initial request, one poll per
//! Retry-After interval and one final GET: `1 + LENGTH / RETRY_AFTER + 1` requests, no more. The
//! count is checked on every iteration; criterion reports the client-side cost of a whole LRO.

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

use arm_core::azure_core::http::Method;
use arm_core::test_support::{ManualClock, mock_arm_client};
use arm_core::{ArmClientOptions, Clock};
use criterion::{Criterion, criterion_group, criterion_main};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const LENGTH: Duration = Duration::from_secs(60);
const RETRY_AFTER: u64 = 5;
const RESOURCE: &str = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerInstance/containerGroups/cg";
const OPERATION: &str = "/subscriptions/s/providers/Microsoft.ContainerInstance/locations/eastus/operations/op";

/// ARM with one operation whose progress follows the shared clock.
struct Operation {
    clock: Arc<ManualClock>,
    started: std::sync::Mutex<Instant>,
    requests: AtomicUsize,
}

impl Respond for Operation {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.requests.fetch_add(1, Ordering::SeqCst);
        let retry_after = RETRY_AFTER.to_string();
        match (request.method.as_str(), request.url.path()) {
            ("PUT", _) => {
                *self.started.lock().unwrap() = self.clock.now();
                ResponseTemplate::new(201)
                    .insert_header(
                        "azure-asyncoperation",
                        format!("https://management.azure.com{OPERATION}?api-version=2023-05-01").as_str(),
                    )
                    .insert_header("retry-after", retry_after.as_str())
                    .set_body_string(r#"{"properties":{"provisioningState":"Pending"}}"#)
            }
            ("GET", OPERATION) => {
                let done = self.clock.now().duration_since(*self.started.lock().unwrap()) >= LENGTH;
                let status = if done { "Succeeded" } else { "InProgress" };
                ResponseTemplate::new(200)
                    .insert_header("retry-after", retry_after.as_str())
                    .set_body_string(format!(r#"{{"status":"{status}"}}"#))
            }
            _ => ResponseTemplate::new(200)
                .set_body_string(r#"{"name":"cg","properties":{"provisioningState":"Succeeded"}}"#),
        }
    }
}

fn lro(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let clock = ManualClock::new();
    let operation = Arc::new(Operation {
        clock: clock.clone(),
        started: std::sync::Mutex::new(clock.now()),
        requests: AtomicUsize::new(0),
    });
    let server = runtime.block_on(async {
        let server = MockServer::start().await;
        let responder = OperationRef(operation.clone());
        Mock::given(method("PUT"))
            .respond_with(responder.clone())
            .mount(&server)
            .await;
        Mock::given(method("GET")).respond_with(responder).mount(&server).await;
        server
    });
    let options = ArmClientOptions {
        clock: Some(clock.clone()),
        ..ArmClientOptions::default()
    };
    let arm = mock_arm_client(&server.uri(), Some(options)).unwrap();
    let expected = 1 + (LENGTH.as_secs() / RETRY_AFTER) as usize + 1;

    let run_once = || async {
        let before = operation.requests.load(Ordering::SeqCst);
        let request = arm
            .request(Method::Put, RESOURCE, "2023-05-01")
            .unwrap()
            .json(&serde_json::json!({"location": "eastus"}))
            .unwrap();
        let result: serde_json::Value = arm.begin(request, None).await.unwrap().await.unwrap();
        assert_eq!(result["name"], "cg");
        let made = operation.requests.load(Ordering::SeqCst) - before;
        assert_eq!(
            made, expected,
            "requests for a {LENGTH:?} operation with Retry-After {RETRY_AFTER}s"
        );
        made
    };
    let made = runtime.block_on(run_once());
    println!(
        "lro_requests: {made} requests for a {}s operation with Retry-After {RETRY_AFTER}s (1 initial + {} polls + 1 final GET)",
        LENGTH.as_secs(),
        made - 2
    );
    c.bench_function("lro_put_60s_retry_after_5s", |b| b.to_async(&runtime).iter(run_once));
    drop(server);
}

#[derive(Clone)]
struct OperationRef(Arc<Operation>);

impl Respond for OperationRef {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.0.respond(request)
    }
}

criterion_group!(benches, lro);
criterion_main!(benches);
