//! Supervisor overhead of a run-once agent with the stand-in agent already installed, as a fresh
//! process each time (`agent_probe supervise`): from starting the process to the listener being
//! spawned, `config.sh` (registration through the emulator) included. Goal: median at most
//! 20 ms. Printed after the run: the medians of that time, of `config.sh` alone, and of the
//! difference (what the supervisor itself costs).

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

use az_emulator::{Emulator, EmulatorConfig};
use criterion::{Criterion, criterion_group, criterion_main};
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const PROBE: &str = env!("CARGO_BIN_EXE_agent_probe");

fn agent_supervise(c: &mut Criterion) {
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("agent_supervise");
    let _ = std::fs::remove_dir_all(&scratch);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let config = format!("[devops]\nagent_binary = {PROBE:?}\n");
    let emulator = runtime
        .block_on(Emulator::start(EmulatorConfig::from_toml_str(&config).unwrap()))
        .unwrap();
    let info = emulator.info().clone();
    let agent = scratch.join("agent");
    emulator.lay_out_agent(&agent).unwrap();
    // (start to listener, config.sh alone) of every run.
    let runs = Mutex::new(Vec::<(Duration, Duration)>::new());

    c.bench_function("supervisor_start_to_listener", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for _ in 0..iters {
                let started = Instant::now();
                let mut child = Command::new(PROBE)
                    .arg("supervise")
                    .arg(&agent)
                    .arg("bench-agent")
                    .env_clear()
                    .envs(&info.env)
                    .env("AZP_TOKEN", &info.defaults.devops_pat)
                    .env("AZP_POOL", &info.defaults.devops_pool)
                    .stdout(Stdio::piped())
                    .spawn()
                    .unwrap();
                let mut config_sh = None;
                let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
                let to_listener = loop {
                    let line = lines
                        .next()
                        .expect("the probe ended before its listener started")
                        .unwrap();
                    if line == "listener_started" {
                        break started.elapsed();
                    }
                    if let Some(us) = line.strip_prefix("config_us=") {
                        config_sh = Some(Duration::from_micros(us.parse().unwrap()));
                    }
                };
                total += to_listener;
                runs.lock()
                    .unwrap()
                    .push((to_listener, config_sh.expect("config.sh's own time")));
                kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM).unwrap();
                for _ in lines {}
                let status = child.wait().unwrap();
                // 143: stopped by SIGTERM, agent unregistered (the probe fails otherwise).
                assert_eq!(status.code(), Some(143), "{status}");
            }
            total
        })
    });

    let mut runs = runs.into_inner().unwrap();
    let median = |mut values: Vec<Duration>| {
        values.sort_unstable();
        values[values.len() / 2]
    };
    if !runs.is_empty() {
        let to_listener = median(runs.iter().map(|r| r.0).collect());
        let config_sh = median(runs.iter().map(|r| r.1).collect());
        let overhead = median(runs.drain(..).map(|(all, config)| all.saturating_sub(config)).collect());
        println!(
            "agent_supervise: medians: start to listener {to_listener:?}, config.sh alone {config_sh:?}, supervisor without config.sh {overhead:?}"
        );
    }
    runtime.block_on(emulator.shutdown());
    let _ = std::fs::remove_dir_all(&scratch);
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(10));
    targets = agent_supervise
}
criterion_main!(benches);
