//! Log following (issue 13): a writer appends short lines (Append Block) to an append blob at
//! irregular intervals (100 to 700 ms apart) while `arm_core::storage`'s `follow_append_blob`,
//! with its default options, follows the blob; each criterion iteration is one append, and its
//! time the delay from the append's completion (its answer received) to the follower yielding
//! those bytes (zero when the follower had them before the writer got its answer). The median
//! and p90 over every append of the run are printed after it; goal: median under 500 ms.
//!
//! The emulator runs in-process (`az_emulator::Emulator`), reached over TLS with bearer tokens
//! of a service principal that is Owner and Storage Blob Data Contributor.

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

use arm_core::ArmEnvironment;
use arm_core::azure_core::http::{ClientOptions, RequestContent};
use arm_core::storage::StorageClient;
use az_emulator::{Emulator, EmulatorConfig};
use azure_storage_blob::{BlobClient, BlobClientOptions};
use benches::storage_account::{BenchAccount, EMULATOR_CONFIG};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use futures::StreamExt;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::watch;

const ACCOUNT: &str = "stbenchfollow";
const CONTAINER: &str = "logs";
const BLOB: &str = "run.log";
/// The goal for the median delay.
const MAX_MEDIAN: Duration = Duration::from_millis(500);
/// How long an append may stay unseen before the bench fails.
const UNSEEN_LIMIT: Duration = Duration::from_secs(30);

/// What the follower has yielded so far: bytes, and when the last of them came.
type Seen = (u64, Instant);

fn blob_follow(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let config = EmulatorConfig::from_toml_str(EMULATOR_CONFIG).expect("the emulator's configuration");
    let emulator = runtime.block_on(Emulator::start(config)).expect("the emulator starts");
    let info = emulator.info().clone();
    let environment = ArmEnvironment::from_env(&info.env).expect("the emulator's environment");
    let credential = environment.credential().expect("a credential");
    let (location, writer) = runtime.block_on(async {
        let arm = environment.arm_client().expect("an ARM client");
        let subscription = environment.require_subscription_id().expect("a subscription");
        let account = BenchAccount::create(&arm, subscription, ACCOUNT, &info.defaults.location, false).await;
        account.create_container(CONTAINER).await;
        let endpoint = account.endpoint().await;
        let options = BlobClientOptions {
            client_options: ClientOptions {
                transport: Some(environment.transport.to_transport()),
                ..Default::default()
            },
            ..Default::default()
        };
        let url = endpoint.blob_url(CONTAINER, BLOB).expect("the blob's URL");
        let writer = BlobClient::new(url, Some(credential.clone()), Some(options)).expect("a blob client");
        writer
            .append_blob_client()
            .create(None)
            .await
            .expect("the append blob is created");
        let location = endpoint.blob(CONTAINER, BLOB, credential.clone()).expect("the blob");
        (location, writer)
    });

    let storage = StorageClient::for_environment(&environment, None).expect("a storage client");
    let mut follower = storage.follow_append_blob(&location, None).expect("a follower");
    let (seen_tx, mut seen_rx) = watch::channel::<Seen>((0, Instant::now()));
    let following = runtime.spawn(async move {
        let mut total = 0;
        while let Some(chunk) = follower.next().await {
            let chunk = chunk.expect("the follower reads");
            total += chunk.len() as u64;
            seen_tx.send_replace((total, Instant::now()));
        }
        total
    });

    let mut rng = fastrand::Rng::with_seed(13);
    let mut written = 0u64;
    let delays = Mutex::new(Vec::new());
    let mut group = c.benchmark_group("blob_follow");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("append_to_follower_delay", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    tokio::time::sleep(Duration::from_millis(rng.u64(100..=700))).await;
                    let line = format!(
                        "{:>6}ms step {written}: compiling crate-{}\r\n",
                        rng.u32(..1000),
                        rng.u32(..100)
                    );
                    let len = line.len() as u64;
                    writer
                        .append_blob_client()
                        .append_block(RequestContent::from(line.into_bytes()), len, None)
                        .await
                        .expect("Append Block");
                    let completed = Instant::now();
                    written += len;
                    let seen = tokio::time::timeout(UNSEEN_LIMIT, seen_rx.wait_for(|(bytes, _)| *bytes >= written))
                        .await
                        .expect("the follower yields the append")
                        .expect("the follower runs");
                    let delay = seen.1.saturating_duration_since(completed);
                    delays.lock().unwrap().push(delay);
                    total += delay;
                }
                total
            })
        })
    });
    group.finish();

    let followed = runtime.block_on(async {
        let metadata = HashMap::from([("complete".to_owned(), "successful".to_owned())]);
        writer.set_metadata(&metadata, None).await.expect("Set Blob Metadata");
        tokio::time::timeout(UNSEEN_LIMIT, following)
            .await
            .expect("the follower ends after the completion metadata")
            .expect("the follower's task")
    });
    assert_eq!(followed, written, "the follower yields every byte once");
    runtime.block_on(emulator.shutdown());

    let mut delays = delays.into_inner().unwrap();
    delays.sort_unstable();
    let at = |fraction: f64| delays[((delays.len() - 1) as f64 * fraction).round() as usize];
    let (median, p90) = (at(0.5), at(0.9));
    println!(
        "blob_follow: append to follower delay over {} appends: median {} ms, p90 {} ms, max {} ms (goal: median under {} ms)",
        delays.len(),
        median.as_millis(),
        p90.as_millis(),
        delays.last().unwrap().as_millis(),
        MAX_MEDIAN.as_millis()
    );
    assert!(
        median < MAX_MEDIAN,
        "the median delay {} ms is not under {} ms",
        median.as_millis(),
        MAX_MEDIAN.as_millis()
    );
}

criterion_group!(benches, blob_follow);
criterion_main!(benches);
