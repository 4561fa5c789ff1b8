//! Following an ACR run's log (issue 15): how long a line appended to a run's log blob takes
//! to reach `acr-agentpool`'s output, against what the Azure CLI's polling would give for the
//! same lines.
//!
//! A quick run (`az acr run -f acb.yaml <context>` as [`AgentPoolFlow::quick_run`] sends it,
//! the path of `acr-agentpool run`) on an agent pool of the in-process emulator runs one `cmd` step whose
//! image the emulator's `[images]` table maps to `cat <fifo>`: the emulator streams the process's
//! output into the run's log blob line by line (its Blob service's Append Block), and the flow
//! follows that blob with [`acr_agentpool::LogFollower`] (its default options: the Blob module's
//! follower, 250 ms between polls while the log grows) and hands each whole line to its sink,
//! where `acr-agentpool` prints it. Each criterion iteration writes one line into the fifo at an
//! irregular interval (mostly 100 to 700 ms apart, as build steps print; one line in eight after
//! a 2 to 8 s quiet step) and times it until the sink receives it. The time starts before the
//! emulator appends the line (it includes the pipe to the emulator and the append), so it is an
//! upper bound of the append-to-print delay. The median and p90 over every line of the run are
//! printed after it; goal: median under 1 s.
//!
//! The Azure CLI figure is computed, not measured: Azure/azure-cli
//! `src/azure-cli/azure/cli/command_modules/acr/_stream_utils.py` (`_stream_logs`) polls the
//! blob's properties, reads what is new, and then, as long as nothing is new, sleeps
//! `sleep_time + uniform(1, 2)` seconds, where `sleep_time` starts at 1 s, is reset to 1 s whenever bytes were
//! read, and doubles (up to 15 s) every third empty poll in a row. [`cli_delays`] replays that
//! schedule against the same append times (its requests taken as instant, which favours the
//! CLI), many times over with seeded jitter; and for one line after two quiet minutes.

// criterion_group! and criterion_main! generate undocumented functions.
#![allow(missing_docs)]

use acr_agentpool::RegistriesClient;
use acr_agentpool::flow::{AgentPoolFlow, CreatePoolRequest, QuickRunRequest, QuickRunTask, RegistryRef, RunEnd};
use acr_agentpool::model::RunStatus;
use acr_agentpool::network::NetworkClient;
use arm_core::azure_core::http::Method;
use arm_core::storage::StorageClient;
use arm_core::{ArmEnvironment, ResourceId};
use az_emulator::{Emulator, EmulatorConfig};
use benches::scratch::Scratch;
use benches::storage_account::{EMULATOR_CONFIG, RESOURCE_GROUP};
use criterion::{Criterion, SamplingMode, criterion_group, criterion_main};
use serde_json::{Value, json};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tokio::sync::watch;

/// The Premium registry and its pool.
const REGISTRY: &str = "acrbenchlogs";
const POOL: &str = "pool-logs";
/// The image the emulator maps to `cat <fifo>`.
const RELAY_IMAGE: &str = "bench/relay:1";
/// The task file of the run: one `cmd` step of [`RELAY_IMAGE`].
const TASK_FILE: &str = "acb.yaml";
/// What each line written starts with, followed by its number.
const MARK: &str = "bench-line ";
/// The goal for the median delay.
const MAX_MEDIAN: Duration = Duration::from_secs(1);
/// How long a line may stay unseen before the bench fails.
const UNSEEN_LIMIT: Duration = Duration::from_secs(30);
/// How many times the Azure CLI's jittered schedule is replayed.
const CLI_REPLAYS: usize = 200;
/// The quiet time before the line of the "after a quiet log" figure: past the point where the
/// Azure CLI's base sleep reaches its 15 s ceiling (about 60 s of empty polls).
const QUIET: f64 = 120.0;

/// The Azure CLI's log polling (`_stream_utils.py`, `_stream_logs`): the first base sleep, its
/// ceiling, and how many empty polls in a row double it.
const CLI_SLEEP: f64 = 1.0;
const CLI_MAX_SLEEP: f64 = 15.0;
const CLI_FAILS_FOR_BACKOFF: u32 = 3;

/// The last line the sink received, and when.
type Seen = (u64, Instant);

fn acr_logs(c: &mut Criterion) {
    let scratch = Scratch::new(env!("CARGO_TARGET_TMPDIR"), "acr-logs");
    let fifo = scratch.0.join("relay.fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).expect("mkfifo");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let emulator = runtime
        .block_on(Emulator::start(emulator_config(&fifo)))
        .expect("the emulator starts");
    let environment = ArmEnvironment::from_env(&emulator.info().env).expect("the emulator's environment");
    let location = emulator.info().defaults.location.clone();
    let flow = runtime.block_on(setup(&environment, &location));

    let (seen_tx, mut seen_rx) = watch::channel::<Seen>((0, Instant::now()));
    let request = QuickRunRequest {
        registry: registry(),
        agent_pool: POOL.to_owned(),
        task: QuickRunTask::File {
            file: TASK_FILE.to_owned(),
            context: task_context(&scratch.0),
        },
        platform: None,
        timeout: None,
        no_logs: false,
    };
    let mut run = runtime.spawn(async move {
        let sink = |line: &str| {
            if let Some(n) = line
                .split_once(MARK)
                .and_then(|(_, n)| n.split(':').next()?.parse().ok())
            {
                seen_tx.send_replace((n, Instant::now()));
            }
        };
        flow.quick_run(&request, std::future::pending(), sink, |_| {}).await
    });
    // Read and write, so that opening does not wait for the step's `cat` (Linux fifo(7)); the
    // first line, once printed, says that `cat` runs.
    let mut relay = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(&fifo)
        .expect("the fifo opens");
    relay
        .write_all(format!("{MARK}1: the step runs\n").as_bytes())
        .expect("the first line");
    runtime.block_on(async {
        tokio::select! {
            seen = tokio::time::timeout(UNSEEN_LIMIT, seen_rx.wait_for(|(n, _)| *n >= 1)) => {
                seen.expect("the run prints its first line").expect("the run's flow runs");
            }
            ended = &mut run => panic!("the run ended before its first line: {ended:?}"),
        }
    });
    let start = Instant::now();

    let mut rng = fastrand::Rng::with_seed(15);
    let mut written = 1u64;
    let delays = Mutex::new(Vec::new());
    let appended = Mutex::new(Vec::new());
    let mut group = c.benchmark_group("acr_logs");
    group.sampling_mode(SamplingMode::Flat);
    group.sample_size(10);
    group.warm_up_time(Duration::from_secs(1));
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("log_line_to_print_delay", |b| {
        b.iter_custom(|iters| {
            runtime.block_on(async {
                let mut total = Duration::ZERO;
                for _ in 0..iters {
                    let pause = if rng.u32(..8) == 0 {
                        rng.u64(2000..=8000)
                    } else {
                        rng.u64(100..=700)
                    };
                    tokio::time::sleep(Duration::from_millis(pause)).await;
                    written += 1;
                    let line = format!("{MARK}{written}: step output {}\n", rng.u32(..1000));
                    let sent = Instant::now();
                    relay.write_all(line.as_bytes()).expect("the line goes to the step");
                    appended.lock().unwrap().push(sent.duration_since(start).as_secs_f64());
                    let seen = tokio::time::timeout(UNSEEN_LIMIT, seen_rx.wait_for(|(n, _)| *n >= written))
                        .await
                        .expect("the follower prints the line")
                        .expect("the run's flow runs");
                    let delay = seen.1.saturating_duration_since(sent);
                    delays.lock().unwrap().push(delay);
                    total += delay;
                }
                total
            })
        })
    });
    group.finish();

    // The end of the fifo ends `cat`, the step and the run: the flow sees the log complete.
    drop(relay);
    let outcome = runtime
        .block_on(async { tokio::time::timeout(UNSEEN_LIMIT, run).await })
        .expect("the run ends after its step")
        .expect("the run's task")
        .expect("the run's flow");
    assert!(
        matches!(outcome.end, RunEnd::Finished(RunStatus::Succeeded)),
        "the run ended {:?}",
        outcome.end
    );
    runtime.block_on(emulator.shutdown());

    let ours = Figures::of(delays.into_inner().unwrap().iter().map(Duration::as_secs_f64).collect());
    let appended = appended.into_inner().unwrap();
    let mut cli_rng = fastrand::Rng::with_seed(16);
    let cli = Figures::of(
        (0..CLI_REPLAYS)
            .flat_map(|_| cli_delays(&appended, &mut cli_rng))
            .collect(),
    );
    // The line comes at a random moment of the quiet log's 16-17 s poll intervals.
    let quiet = Figures::of(
        (0..CLI_REPLAYS * 10)
            .flat_map(|_| {
                let at = QUIET + 2.0 * CLI_MAX_SLEEP * cli_rng.f64();
                cli_delays(&[at], &mut cli_rng)
            })
            .collect(),
    );
    println!(
        "acr_logs: line to print delay over {} lines: median {}, p90 {}, max {} (goal: median under {} ms)",
        ours.count,
        ms(ours.median),
        ms(ours.p90),
        ms(ours.max),
        MAX_MEDIAN.as_millis()
    );
    println!(
        "acr_logs: the Azure CLI's polling (_stream_utils.py) for the same lines, replayed {CLI_REPLAYS} times: \
         median {}, p90 {}, max {}; one line after {QUIET:.0} s of quiet log: median {}, max {}",
        ms(cli.median),
        ms(cli.p90),
        ms(cli.max),
        ms(quiet.median),
        ms(quiet.max)
    );
    assert!(
        ours.median < MAX_MEDIAN.as_secs_f64(),
        "the median delay {} is not under {} ms",
        ms(ours.median),
        MAX_MEDIAN.as_millis()
    );
}

/// The Blob benches' emulator (a principal that is Owner) with ACR steps that take no time and
/// [`RELAY_IMAGE`] mapped to `cat fifo`.
fn emulator_config(fifo: &Path) -> EmulatorConfig {
    let text = format!(
        "{EMULATOR_CONFIG}\n[acr]\nstep_ms = 0\n\n[images]\n{RELAY_IMAGE:?} = [\"cat\", {:?}]\n",
        fifo.display().to_string()
    );
    EmulatorConfig::from_toml_str(&text).expect("the emulator's configuration")
}

/// The run's context: a folder holding [`TASK_FILE`] (`acr-agentpool run -f acb.yaml <folder>`).
/// A task file rather than `--cmd`: the emulator does not yet render the `{{ .Values.command }}`
/// template with the `encodedValuesContent` that `--cmd` sends, as the Azure CLI sends it.
fn task_context(scratch: &Path) -> PathBuf {
    let folder = scratch.join("context");
    std::fs::create_dir_all(&folder).expect("the context folder");
    let task = format!("version: v1.1.0\nsteps:\n  - cmd: {RELAY_IMAGE}\n");
    std::fs::write(folder.join(TASK_FILE), task).expect("the task file");
    folder
}

/// The registry, as the flows name it.
fn registry() -> RegistryRef {
    RegistryRef {
        name: REGISTRY.to_owned(),
        resource_group: Some(RESOURCE_GROUP.to_owned()),
    }
}

/// The Premium registry (an ARM PUT, learn.microsoft.com "Registries - Create") and its pool of
/// one S1 instance (through the flow, as `acr-agentpool create` makes it); the flow that runs on it.
async fn setup(environment: &ArmEnvironment, location: &str) -> AgentPoolFlow {
    let arm = environment.arm_client().expect("an ARM client");
    let subscription = environment.require_subscription_id().expect("a subscription");
    let id = ResourceId::resource(
        subscription,
        RESOURCE_GROUP,
        "Microsoft.ContainerRegistry",
        "registries",
        REGISTRY,
    );
    let body = json!({ "location": location, "sku": { "name": "Premium" } });
    let request = arm
        .request(
            Method::Put,
            &id.to_string(),
            acr_agentpool::client::REGISTRY_API_VERSION,
        )
        .expect("the registry's request")
        .json(&body)
        .expect("the registry's body");
    arm.begin::<Value>(request, None)
        .await
        .expect("the registry's PUT")
        .await
        .expect("the registry is created");
    let registries = RegistriesClient::new(arm.clone(), subscription, None).expect("a registries client");
    let storage = StorageClient::for_environment(environment, None).expect("a storage client");
    let flow = AgentPoolFlow::new(registries, NetworkClient::new(arm, None), storage);
    let pool = CreatePoolRequest {
        registry: registry(),
        name: POOL.to_owned(),
        tier: "S1".to_owned(),
        count: 1,
        os: "Linux".to_owned(),
        subnet_id: None,
        tags: Default::default(),
        skip_preflight: false,
    };
    flow.create_pool(&pool, |_| {}, |_| {})
        .await
        .expect("the pool is created");
    flow
}

/// The delays the Azure CLI's polling gives lines appended at `appended` (seconds after it
/// starts): `_stream_logs` reads what is new at each poll, then sleeps
/// `sleep_time + uniform(1, 2)`; `sleep_time` is reset to 1 s when bytes were read, and doubles up to 15 s on every third
/// poll in a row that found nothing (the poll that read bytes counts as the first of those: its
/// properties check right after finds nothing new). Requests take no time.
fn cli_delays(appended: &[f64], rng: &mut fastrand::Rng) -> Vec<f64> {
    let mut delays = Vec::with_capacity(appended.len());
    let (mut now, mut sleep_time, mut fails, mut next) = (0.0, CLI_SLEEP, 0, 0);
    while next < appended.len() {
        if appended[next] <= now {
            while next < appended.len() && appended[next] <= now {
                delays.push(now - appended[next]);
                next += 1;
            }
            sleep_time = CLI_SLEEP;
            fails = 0;
        }
        fails += 1;
        if fails >= CLI_FAILS_FOR_BACKOFF {
            fails = 0;
            sleep_time = (sleep_time * 2.0).min(CLI_MAX_SLEEP);
        }
        now += sleep_time + 1.0 + rng.f64();
    }
    delays
}

/// Median, p90 and max of delays in seconds.
struct Figures {
    count: usize,
    median: f64,
    p90: f64,
    max: f64,
}

impl Figures {
    fn of(mut delays: Vec<f64>) -> Figures {
        assert!(!delays.is_empty(), "no delay was recorded");
        delays.sort_by(f64::total_cmp);
        let at = |fraction: f64| delays[((delays.len() - 1) as f64 * fraction).round() as usize];
        Figures {
            count: delays.len(),
            median: at(0.5),
            p90: at(0.9),
            max: delays[delays.len() - 1],
        }
    }
}

/// Seconds as milliseconds, for the summary.
fn ms(seconds: f64) -> String {
    format!("{:.0} ms", seconds * 1000.0)
}

criterion_group!(benches, acr_logs);
criterion_main!(benches);
