//! Self-deletion as an agent image runs it: a fresh process each time (`self_delete_probe`),
//! including token acquisition from the emulator's Entra ID endpoint and the TLS handshakes, up to
//! the accepted DELETE. Goals: median wall time at most 50 ms, peak RSS at most 20 MB (printed
//! after the run from the probes' own `VmHWM`).

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

use aci_lifecycle::ContainerGroupsClient;
use aci_lifecycle::models::{Container, ContainerGroup};
use arm_core::test_support::emulator_arm_client;
use az_emulator::{Emulator, EmulatorConfig};
use criterion::{Criterion, criterion_group, criterion_main};
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, Instant};

const PROBE: &str = env!("CARGO_BIN_EXE_self_delete_probe");

fn self_delete(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let emulator = runtime.block_on(Emulator::start(EmulatorConfig::default())).unwrap();
    let info = emulator.info().clone();
    let control = emulator.control();
    let arm = emulator_arm_client(&info.env, None).unwrap();
    let groups = ContainerGroupsClient::from_arm(arm, &info.defaults.subscription_id).unwrap();
    let rg = info.defaults.resource_group.clone();
    let definition =
        ContainerGroup::linux("eastus").with_container(Container::new("agent", "contoso.azurecr.io/agent:1", 1.0, 1.0));
    let next = Mutex::new(0usize);
    let peaks = Mutex::new(Vec::new());

    // Creates `count` groups (untimed), provisioned at once by moving the emulator's clock.
    let prepare = |count: u64| -> Vec<String> {
        runtime.block_on(async {
            let mut names = Vec::new();
            for _ in 0..count {
                let name = {
                    let mut n = next.lock().unwrap();
                    *n += 1;
                    format!("bench-{n}")
                };
                let _creating = groups
                    .begin_create_or_update(&rg, &name, &definition, None)
                    .await
                    .unwrap();
                names.push(name);
            }
            control.advance_clock(Duration::from_secs(60)).unwrap();
            names
        })
    };

    c.bench_function("self_delete_fresh_process", |b| {
        b.iter_custom(|iters| {
            let names = prepare(iters);
            let mut total = Duration::ZERO;
            for name in names {
                let started = Instant::now();
                let output = Command::new(PROBE)
                    .env_clear()
                    .envs(&info.env)
                    .env("AZ_ACI_NAME", &name)
                    .env("AZ_ACI_RG", &rg)
                    .output()
                    .unwrap();
                total += started.elapsed();
                assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
                let stdout = String::from_utf8_lossy(&output.stdout);
                if let Some(kb) = stdout.lines().find_map(|l| l.strip_prefix("peak_rss_kb=")) {
                    peaks.lock().unwrap().push(kb.parse::<u64>().unwrap());
                }
            }
            total
        })
    });
    let mut peaks = peaks.into_inner().unwrap();
    peaks.sort_unstable();
    if let (Some(median), Some(max)) = (peaks.get(peaks.len() / 2), peaks.last()) {
        println!(
            "self_delete: peak RSS of the probe: median {median} kB, max {max} kB over {} runs",
            peaks.len()
        );
    }
    runtime.block_on(emulator.shutdown());
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).measurement_time(Duration::from_secs(8));
    targets = self_delete
}
criterion_main!(benches);
