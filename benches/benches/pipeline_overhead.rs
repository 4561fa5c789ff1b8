//! Request overhead of the arm-core pipeline (bearer token, retry policy, user agent, client
//! request id, redirecting transport, JSON decoding) against a bare reqwest call doing the same
//! GET and decoding to the same server on 127.0.0.1. Goal: arm-core / bare <= 1.3.

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

use arm_core::azure_core::http::Method;
use arm_core::test_support::mock_arm_client;
use criterion::{Criterion, criterion_group, criterion_main};
use serde::Deserialize;

const BODY: &str = r#"{"id":"/subscriptions/s/resourceGroups/rg","name":"rg","type":"Microsoft.Resources/resourceGroups","location":"eastus","properties":{"provisioningState":"Succeeded"}}"#;
const PATH: &str = "/subscriptions/s/resourcegroups/rg";

#[derive(Deserialize)]
#[allow(dead_code)]
struct Group {
    name: String,
    location: String,
}

fn overhead(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let addr = runtime.block_on(benches::start_json_server(BODY));
    let target = format!("http://{addr}");
    let arm = mock_arm_client(&target, None).unwrap();
    let bare = arm_core::test_support::reqwest_client_trusting("");
    let bare_url = format!("{target}{PATH}?api-version=2021-04-01");

    let mut group = c.benchmark_group("arm_get");
    group.bench_function("bare_reqwest", |b| {
        b.to_async(&runtime).iter(|| async {
            let response = bare
                .get(&bare_url)
                .header("authorization", "Bearer test-token")
                .send()
                .await
                .unwrap();
            let bytes = response.bytes().await.unwrap();
            serde_json::from_slice::<Group>(&bytes).unwrap()
        })
    });
    group.bench_function("arm_core_pipeline", |b| {
        b.to_async(&runtime).iter(|| async {
            let request = arm.request(Method::Get, PATH, "2021-04-01").unwrap();
            arm.send_json::<Group>(request).await.unwrap()
        })
    });
    group.finish();
}

criterion_group!(benches, overhead);
criterion_main!(benches);
