//! Reaping 1,000 stopped ephemeral container groups in the emulator, with concurrency 16 and
//! one at a time. The emulator adds 5 ms to every request, a stand-in for Azure's latency that
//! concurrency is meant to hide. Goal: concurrency 16 at least 10 times faster than 1, and one
//! list pass per resource group (checked on every iteration against the emulator's journal).

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

use aci_lifecycle::models::{Container, ContainerGroup};
use aci_lifecycle::{ContainerGroupsClient, EPHEMERAL_TAG, ReapOptions, ReapScope};
use arm_core::test_support::emulator_arm_client;
use az_emulator::{Emulator, EmulatorConfig};
use criterion::{Criterion, criterion_group, criterion_main};
use futures::StreamExt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const GROUPS: usize = 1000;

fn reaping(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let config = EmulatorConfig::from_toml_str("[faults]\nlatency_ms = 5\n").unwrap();
    let emulator = runtime.block_on(Emulator::start(config)).unwrap();
    let info = emulator.info().clone();
    let arm = emulator_arm_client(&info.env, None).unwrap();
    let groups = ContainerGroupsClient::from_arm(arm, &info.defaults.subscription_id).unwrap();
    let rg = info.defaults.resource_group.clone();
    let control = emulator.control();
    let mut definition =
        ContainerGroup::linux("eastus").with_container(Container::new("agent", "contoso.azurecr.io/agent:1", 1.0, 1.0));
    definition.tags = Some([(EPHEMERAL_TAG.to_owned(), "true".to_owned())].into());
    let next = AtomicUsize::new(0);

    let advance = |seconds: u64| {
        control.advance_clock(Duration::from_secs(seconds)).unwrap();
    };
    // 1,000 stopped ephemeral groups (untimed); earlier deletions are finished first.
    let prepare = || {
        runtime.block_on(async {
            advance(5);
            let names: Vec<String> = (0..GROUPS)
                .map(|_| format!("reap-{}", next.fetch_add(1, Ordering::SeqCst)))
                .collect();
            futures::stream::iter(&names)
                .for_each_concurrent(32, |name| async {
                    let _creating = groups
                        .begin_create_or_update(&rg, name, &definition, None)
                        .await
                        .unwrap();
                })
                .await;
            advance(5);
            futures::stream::iter(&names)
                .for_each_concurrent(32, |name| async { groups.stop(&rg, name, None).await.unwrap() })
                .await;
            control.clear_journal();
        })
    };
    let reap = |concurrency: usize| {
        runtime.block_on(async {
            let options = ReapOptions {
                scope: ReapScope::ResourceGroups(vec![rg.clone()]),
                min_age: Duration::ZERO,
                concurrency,
                ..ReapOptions::default()
            };
            let started = Instant::now();
            let report = groups.reap(Some(options)).await.unwrap();
            let took = started.elapsed();
            assert_eq!(report.deleted.len(), GROUPS, "{:?}", report.failed.first());
            let first_pages = control
                .journal()
                .iter()
                .filter(|e| e.method == "GET" && e.path.ends_with("/containerGroups") && !e.query.contains("skiptoken"))
                .count();
            assert_eq!(first_pages, 1, "one list pass per resource group");
            took
        })
    };

    let mut group = c.benchmark_group("reap_1000_stopped_groups");
    group.sample_size(10);
    for concurrency in [16, 1] {
        group.bench_function(format!("concurrency_{concurrency}"), |b| {
            b.iter_custom(|iters| {
                (0..iters)
                    .map(|_| {
                        prepare();
                        reap(concurrency)
                    })
                    .sum()
            })
        });
    }
    group.finish();
    runtime.block_on(emulator.shutdown());
}

criterion_group!(benches, reaping);
criterion_main!(benches);
