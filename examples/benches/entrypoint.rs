//! The `ephemeral-agent` entrypoint as a fresh process each time, against the in-process
//! emulator, with the stand-in agent (this executable, started as `bin/Agent.Listener`)
//! already laid out:
//!
//! - `entrypoint_start_to_listener`: from starting the process to its `listener started` line,
//!   minus the time `config.sh` itself ran (its `elapsed_us`, logged at debug), so what is
//!   measured is the entrypoint's own part: the secrets' re-execution, configuration, logging
//!   and supervision. Goal: median at most 50 ms. Each run is then stopped with SIGTERM, which
//!   must end it with 143 (the agent unregistered, nothing left). Printed after the run: the
//!   medians of the whole time, of `config.sh` alone, and of the difference.
//! - Printed after criterion: the peak resident set size (`VmHWM` of the running image, sampled
//!   every millisecond) over whole runs that each take one queued job and exit 0. Goal: at most
//!   25 MB. Ten runs under `cargo bench`, one under `cargo test --benches`.

use az_emulator::{Emulator, EmulatorConfig, JobSpec, StartupInfo};
use criterion::Criterion;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_ephemeral-agent");
const AGENT_NAME: &str = "bench-entrypoint";

fn main() -> ExitCode {
    if az_emulator::standin::invoked_as_standin() {
        return az_emulator::standin::main();
    }
    let scratch = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("entrypoint");
    let _ = std::fs::remove_dir_all(&scratch);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let config = format!("[devops]\nagent_binary = {:?}\n", std::env::current_exe().unwrap());
    let emulator = runtime
        .block_on(Emulator::start(EmulatorConfig::from_toml_str(&config).unwrap()))
        .unwrap();
    let agent = scratch.join("agent");
    emulator.lay_out_agent(&agent).unwrap();
    let env = entrypoint_env(emulator.info(), &agent);

    let mut c = Criterion::default()
        .sample_size(20)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10))
        .configure_from_args();
    start_to_listener(&mut c, &env);
    c.final_summary();

    // As criterion decides: benchmarking under `cargo bench`, testing under `cargo test`.
    let args: Vec<String> = std::env::args().collect();
    let benchmarking = args.iter().any(|a| a == "--bench") && !args.iter().any(|a| a == "--test");
    peak_rss_whole_run(&emulator, &env, if benchmarking { 10 } else { 1 });

    runtime.block_on(emulator.shutdown());
    let _ = std::fs::remove_dir_all(&scratch);
    ExitCode::SUCCESS
}

/// A PAT registration in the emulator's pool, self-delete not configured and no ARM credential
/// to pick (the ARM variables left out), logging `config.sh`'s own time.
fn entrypoint_env(info: &StartupInfo, agent: &Path) -> BTreeMap<String, String> {
    const ARM_ONLY: [&str; 6] = [
        "SUBSCRIPTION",
        "SECRET",
        "_KEY",
        "SERVICE_PRINCIPAL",
        "TENANT",
        "CLIENT_ID",
    ];
    let mut env: BTreeMap<String, String> = info
        .env
        .iter()
        .filter(|(name, _)| !ARM_ONLY.iter().any(|part| name.contains(part)))
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    for (name, value) in [
        ("AZP_TOKEN", info.defaults.devops_pat.as_str()),
        ("AZP_POOL", info.defaults.devops_pool.as_str()),
        ("AZP_AGENT_NAME", AGENT_NAME),
        ("AZP_GRACE_PERIOD", "5"),
        ("AZP_LOG", "info,azp_agent=debug"),
        ("PATH", "/usr/local/bin:/usr/bin:/bin"),
    ] {
        env.insert(name.to_owned(), value.to_owned());
    }
    env.insert("AZP_AGENT_DIR".to_owned(), agent.display().to_string());
    env
}

fn spawn(env: &BTreeMap<String, String>) -> Child {
    Command::new(BIN)
        .env_clear()
        .envs(env)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap()
}

/// `config.sh`'s own time, from its debug line
/// `<time> DEBUG <agent>/config.sh ended command="config.sh" exit=exit code 0 elapsed_us=<n>`.
fn config_sh_time(line: &str) -> Option<Duration> {
    if !line.contains(" ended ") || !line.contains(r#"command="config.sh""#) {
        return None;
    }
    let us = line
        .split_whitespace()
        .find_map(|word| word.strip_prefix("elapsed_us="))?;
    Some(Duration::from_micros(us.parse().expect("elapsed_us in microseconds")))
}

fn start_to_listener(c: &mut Criterion, env: &BTreeMap<String, String>) {
    // (start to listener, config.sh alone) of every run.
    let runs = Mutex::new(Vec::<(Duration, Duration)>::new());
    c.bench_function("entrypoint_start_to_listener", |b| {
        b.iter_custom(|iters| {
            let mut own = Duration::ZERO;
            for _ in 0..iters {
                let started = Instant::now();
                let mut child = spawn(env);
                let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
                let mut config_sh = None;
                let to_listener = loop {
                    let line = lines
                        .next()
                        .expect("the entrypoint ended before its listener started")
                        .unwrap();
                    if line.contains(" listener started") {
                        break started.elapsed();
                    }
                    config_sh = config_sh.or_else(|| config_sh_time(&line));
                };
                let config_sh = config_sh.expect("config.sh's own time (its `ended` debug line)");
                own += to_listener.saturating_sub(config_sh);
                runs.lock().unwrap().push((to_listener, config_sh));
                kill(Pid::from_raw(child.id() as i32), Signal::SIGTERM).unwrap();
                for _ in lines {}
                let status = child.wait().unwrap();
                // 143: stopped by SIGTERM with the agent unregistered and every cleanup step
                // done (4 otherwise).
                assert_eq!(status.code(), Some(143), "{status}");
            }
            own
        })
    });

    let runs = runs.into_inner().unwrap();
    let median = |mut values: Vec<Duration>| {
        values.sort_unstable();
        values[values.len() / 2]
    };
    if !runs.is_empty() {
        let to_listener = median(runs.iter().map(|r| r.0).collect());
        let config_sh = median(runs.iter().map(|r| r.1).collect());
        let own = median(runs.iter().map(|(all, config)| all.saturating_sub(*config)).collect());
        println!(
            "entrypoint: medians: start to listener {to_listener:?}, config.sh alone {config_sh:?}, entrypoint without config.sh {own:?}"
        );
    }
}

/// The `VmHWM` of a process, in kB; `None` once it has ended (a zombie has none).
fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let value = status.lines().find_map(|line| line.strip_prefix("VmHWM:"))?;
    value.trim().trim_end_matches("kB").trim().parse().ok()
}

fn peak_rss_whole_run(emulator: &Emulator, env: &BTreeMap<String, String>, runs: usize) {
    let defaults = &emulator.info().defaults;
    let control = emulator.control();
    let mut peaks: Vec<u64> = (0..runs)
        .map(|_| {
            control
                .queue_job(
                    &defaults.devops_organization,
                    &defaults.devops_pool,
                    &JobSpec::new("true"),
                )
                .expect("queueing a job");
            let mut child = spawn(env);
            let mut stdout = child.stdout.take().unwrap();
            let output = std::thread::spawn(move || {
                let mut text = String::new();
                let _ = stdout.read_to_string(&mut text);
                text
            });
            // Sampled before each try_wait: the PID stays this child's until it is reaped.
            let pid = child.id();
            let mut peak = 0;
            let status = loop {
                if let Some(kb) = vm_hwm_kb(pid) {
                    peak = kb;
                }
                if let Some(status) = child.try_wait().unwrap() {
                    break status;
                }
                std::thread::sleep(Duration::from_millis(1));
            };
            let output = output.join().unwrap();
            // 0: the job ran and succeeded, the agent was unregistered.
            assert_eq!(status.code(), Some(0), "{status}\n{output}");
            peak
        })
        .collect();
    peaks.sort_unstable();
    println!(
        "peak RSS of ephemeral-agent over a whole run: median {} kB, max {} kB ({} runs)",
        peaks[peaks.len() / 2],
        peaks[peaks.len() - 1],
        peaks.len()
    );
}
