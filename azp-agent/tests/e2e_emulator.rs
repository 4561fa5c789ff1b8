//! End-to-end runs of a run-once agent against az-emulator's Azure DevOps over TLS, with the
//! emulator's stand-in agent as real child processes.
//!
//! This binary has no harness: when started as `bin/Agent.Listener` (the emulator packs or lays
//! out a copy of this binary under that name) it is the stand-in agent. Otherwise `main` runs
//! every scenario in turn. Each scenario ends with the pool empty (asserted through the REST
//! API) and no process left from its agent directory.

use arm_core::HttpTransport;
use arm_core::azure_core::credentials::Secret;
use arm_core::azure_core::http::ClientOptions;
use arm_core::test_support::Scenario;
use az_emulator::{
    Directive, Emulator, EmulatorConfig, FaultConfig, FaultRule, JobSpec, ListenerKind, TaskResult as JobResult,
};
use azp_agent::configure::ConfigureOptions;
use azp_agent::models::TaskResult;
use azp_agent::supervise::{
    ExitKind, Outcome, RunEnd, RunOnce, StepResult, StopRequest, StopSender, StopSignals, SuperviseOptions,
    TeardownHook,
};
use azp_agent::{DevOpsClient, DevOpsClientOptions, DevOpsCredential, OrganizationUrl, Platform};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

fn main() -> ExitCode {
    if az_emulator::standin::invoked_as_standin() {
        return az_emulator::standin::main();
    }
    let logs = LogBuffer::install();
    arm_core::test_support::run_scenarios(scenarios(), logs);
    ExitCode::SUCCESS
}

fn scenarios() -> Vec<Scenario<LogBuffer>> {
    vec![
        ("success", |_| Box::pin(success())),
        ("job_failure", |_| Box::pin(job_failure())),
        ("retryable_exit_then_success", |_| {
            Box::pin(retryable_exit_then_success())
        }),
        ("updates_then_the_job", |_| Box::pin(updates_then_the_job())),
        ("listener_crash", |_| Box::pin(listener_crash())),
        ("stop_while_waiting_for_a_job", |_| {
            Box::pin(stop_while_waiting_for_a_job())
        }),
        ("stop_mid_job", |_| Box::pin(stop_mid_job())),
        ("listener_ignoring_sigint_is_killed", |_| {
            Box::pin(listener_ignoring_sigint_is_killed())
        }),
        ("a_rewritten_agent_file_cannot_redirect_the_cleanup", |_| {
            Box::pin(a_rewritten_agent_file_cannot_redirect_the_cleanup())
        }),
        ("a_same_named_agent_of_another_run_survives_the_cleanup", |_| {
            Box::pin(a_same_named_agent_of_another_run_survives_the_cleanup())
        }),
        ("download_install_and_run", |_| Box::pin(download_install_and_run())),
        ("stop_while_downloading", |_| Box::pin(stop_while_downloading())),
        ("stop_while_configuring", |_| Box::pin(stop_while_configuring())),
        ("hash_mismatch_registers_nothing", |_| {
            Box::pin(hash_mismatch_registers_nothing())
        }),
        ("bad_token_is_a_setup_failure", |_| {
            Box::pin(bad_token_is_a_setup_failure())
        }),
        ("expired_entra_token_before_cleanup", |_| {
            Box::pin(expired_entra_token_before_cleanup())
        }),
        ("secrets_appear_nowhere", |logs| Box::pin(secrets_appear_nowhere(logs))),
    ]
}

/// A directory under the system temp dir, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("azp-e2e-{label}-{}", uuid_like()));
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn uuid_like() -> String {
    format!("{:x}{:x}", std::process::id(), fastrand_u64())
}

fn fastrand_u64() -> u64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(Instant::now().elapsed().as_nanos());
    h.finish()
}

/// A started emulator, an agent directory, and a client for the default organization.
struct World {
    emulator: Emulator,
    dir: TempDir,
    client: DevOpsClient,
    org: OrganizationUrl,
}

impl World {
    async fn start(label: &str, extra_config: &str) -> World {
        let me = std::env::current_exe().unwrap();
        let text = format!(
            "token_lifetime_secs = 120\n[devops]\nagent_binary = {me:?}\nmessage_poll_secs = 2\n{extra_config}"
        );
        let config = EmulatorConfig::from_toml_str(&text).unwrap();
        let emulator = Emulator::start(config).await.unwrap();
        let org = OrganizationUrl::parse(&emulator.info().defaults.devops_url).unwrap();
        let pat = DevOpsCredential::pat(emulator.info().defaults.devops_pat.clone()).unwrap();
        let client = devops_client(&emulator, org.clone(), pat);
        let dir = TempDir::new(label);
        World {
            emulator,
            dir,
            client,
            org,
        }
    }

    fn agent_root(&self) -> PathBuf {
        self.dir.0.join("agent")
    }

    fn lay_out_agent(&self) {
        self.emulator.lay_out_agent(&self.agent_root()).unwrap();
    }

    /// Queues `job` in the default pool (through the emulator's control API); its request id.
    fn queue_job(&self, job: JobSpec) -> i64 {
        let pool = &self.emulator.info().defaults.devops_pool;
        let control = self.emulator.control();
        control.queue_job(self.org.name(), pool, &job).unwrap().request_id
    }

    /// How job request `id` ended, if it has.
    fn job_result(&self, id: i64) -> Option<JobResult> {
        self.emulator.control().job(self.org.name(), id).unwrap().result
    }

    fn configure(&self, agent_name: &str) -> ConfigureOptions {
        let mut options = ConfigureOptions::new(self.org.clone());
        options.pool = self.emulator.info().defaults.devops_pool.clone();
        options.agent_name = agent_name.to_owned();
        options.work_dir = Some(self.dir.0.join("work"));
        options
    }

    async fn pool_id(&self) -> i32 {
        let pool = self.emulator.info().defaults.devops_pool.clone();
        self.client.pool_by_name(&pool, None).await.unwrap().id.unwrap()
    }

    fn run_once(&self, agent_name: &str) -> RunOnce {
        RunOnce::new(self.client.clone(), self.agent_root(), self.configure(agent_name)).options(fast_options())
    }

    /// The pool has no agent, the REST API says so; no process of the agent directory is left.
    async fn assert_clean(&self) {
        let pool = self
            .client
            .pool_by_name(&self.emulator.info().defaults.devops_pool, None)
            .await
            .unwrap();
        let agents = self.client.list_agents(pool.id.unwrap(), None).await.unwrap();
        assert!(agents.is_empty(), "agents left in the pool: {agents:?}");
        let dir = &self.dir.0;
        let none_left = || std::future::ready(arm_core::test_support::processes_under(dir).is_empty());
        arm_core::test_support::wait_until(
            "no process left in the agent directory",
            Duration::from_secs(5),
            none_left,
        )
        .await;
    }
}

fn devops_client(emulator: &Emulator, org: OrganizationUrl, credential: DevOpsCredential) -> DevOpsClient {
    let transport = HttpTransport::builder()
        .add_root_certificates_pem("emulator CA", emulator.ca_pem().as_bytes())
        .unwrap()
        .build()
        .unwrap();
    let options = DevOpsClientOptions {
        client_options: ClientOptions {
            transport: Some(transport.to_transport()),
            ..Default::default()
        },
        ..Default::default()
    };
    DevOpsClient::new(org, credential, Some(options)).unwrap()
}

fn fast_options() -> SuperviseOptions {
    SuperviseOptions {
        grace_period: Duration::from_secs(5),
        retry_initial_delay: Duration::from_millis(100),
        update_wait: Duration::from_secs(15),
        cleanup_step_timeout: Duration::from_secs(30),
        reap_orphans: Some(false),
        ..Default::default()
    }
}

async fn wait_for<F: std::future::Future<Output = bool>>(what: &str, check: impl FnMut() -> F) {
    arm_core::test_support::wait_until(what, Duration::from_secs(20), check).await;
}

fn assert_removed(outcome: &Outcome) {
    assert!(outcome.cleanup.agent_removed, "{outcome:#?}");
    assert!(outcome.cleanup.all_ok(), "{outcome:#?}");
}

/// A teardown hook that records it ran, and how many agents the pool still had then (a hook
/// that deletes the agent's own container comes after the agent's deletion when it is quick).
#[derive(Default)]
struct Recorder(Mutex<u32>, Mutex<Option<(DevOpsClient, String)>>, Mutex<Option<usize>>);

impl Recorder {
    fn watching(client: DevOpsClient, pool: &str) -> Recorder {
        Recorder(
            Mutex::default(),
            Mutex::new(Some((client, pool.to_owned()))),
            Mutex::default(),
        )
    }
}

#[async_trait::async_trait]
impl TeardownHook for Recorder {
    fn name(&self) -> &str {
        "recorder"
    }
    async fn teardown(&self) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
        *self.0.lock().unwrap() += 1;
        let watched = self.1.lock().unwrap().clone();
        if let Some((client, pool)) = watched {
            let pool = client.pool_by_name(&pool, None).await?.id.unwrap_or_default();
            *self.2.lock().unwrap() = Some(client.list_agents(pool, None).await?.len());
        }
        Ok(())
    }
}

async fn success() {
    let world = World::start("success", "").await;
    world.lay_out_agent();
    let marker = world.dir.0.join("ran");
    let job = world.queue_job(JobSpec::new(format!("echo hello > {}", marker.display())));
    let pool = world.emulator.info().defaults.devops_pool.clone();
    let hook = Arc::new(Recorder::watching(world.client.clone(), &pool));
    let (_stop, signals) = StopSignals::channel();
    let outcome = world.run_once("e2e-success").teardown(hook.clone()).run(signals).await;
    assert_eq!(
        *hook.2.lock().unwrap(),
        Some(0),
        "the hook ran before the agent was deleted"
    );
    assert_eq!(outcome.end, RunEnd::Completed, "{outcome:#?}");
    assert_eq!(outcome.exit_code(), 0);
    assert_eq!(outcome.job_result, Some(TaskResult::Succeeded));
    assert_eq!(outcome.last_listener_exit, Some(ExitKind::Code(0)));
    assert_removed(&outcome);
    let step = |name: &str| {
        outcome
            .cleanup
            .steps
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.result.clone())
    };
    assert_eq!(step("delete agent (REST)"), Some(StepResult::Done), "{outcome:#?}");
    // No script of the agent folder runs once a job could have rewritten it.
    assert_eq!(step("config.sh remove"), None, "{outcome:#?}");
    assert_eq!(*hook.0.lock().unwrap(), 1);
    assert_eq!(std::fs::read_to_string(marker).unwrap().trim(), "hello");
    assert_eq!(world.job_result(job), Some(JobResult::Succeeded));
    world.assert_clean().await;
}

async fn job_failure() {
    let world = World::start("jobfail", "").await;
    world.lay_out_agent();
    let job = world.queue_job(JobSpec::new("exit 7"));
    let (_stop, signals) = StopSignals::channel();
    let outcome = world.run_once("e2e-jobfail").run(signals).await;
    assert_eq!(outcome.end, RunEnd::Completed, "{outcome:#?}");
    assert_eq!(outcome.job_result, Some(TaskResult::Failed));
    assert_eq!(
        outcome.exit_code(),
        0,
        "the job's result is reported, not the exit code"
    );
    assert_removed(&outcome);
    assert_eq!(world.job_result(job), Some(JobResult::Failed));
    world.assert_clean().await;
}

async fn retryable_exit_then_success() {
    let world = World::start("retry", "").await;
    world.lay_out_agent();
    let job = world.queue_job(
        JobSpec::new("true")
            .with_directive(Directive::Exit(2))
            .with_directive(Directive::Exit(2)),
    );
    let (_stop, signals) = StopSignals::channel();
    let outcome = world.run_once("e2e-retry").run(signals).await;
    assert_eq!(outcome.end, RunEnd::Completed, "{outcome:#?}");
    assert_eq!(outcome.retries, 2);
    assert_eq!(outcome.job_result, Some(TaskResult::Succeeded));
    assert_removed(&outcome);
    assert_eq!(world.job_result(job), Some(JobResult::Succeeded));
    world.assert_clean().await;
}

async fn updates_then_the_job() {
    let world = World::start("update", "").await;
    world.lay_out_agent();
    let job = world.queue_job(
        JobSpec::new("true")
            .with_directive(Directive::Update(3))
            .with_directive(Directive::Update(4)),
    );
    let (_stop, signals) = StopSignals::channel();
    let outcome = world.run_once("e2e-update").run(signals).await;
    assert_eq!(outcome.end, RunEnd::Completed, "{outcome:#?}");
    assert_eq!(outcome.updates, 2, "{outcome:#?}");
    assert_eq!(outcome.job_result, Some(TaskResult::Succeeded));
    // The agent's updater, left running in the listener's process group, finished its swap
    // of bin/ and externals/ before the new listener started.
    let root = world.agent_root();
    assert!(
        root.join("bin.bak.4.258.1/Agent.Listener").is_file(),
        "the updater did not run"
    );
    assert!(root.join("externals.bak.4.258.1").is_dir(), "the updater did not run");
    assert!(!root.join("bin.4.259.0").exists(), "the updater did not finish");
    assert_removed(&outcome);
    assert_eq!(world.job_result(job), Some(JobResult::Succeeded));
    world.assert_clean().await;
}

async fn listener_crash() {
    let world = World::start("crash", "").await;
    world.lay_out_agent();
    world.queue_job(JobSpec::new("sleep 30").crashing());
    let (_stop, signals) = StopSignals::channel();
    let outcome = world.run_once("e2e-crash").run(signals).await;
    assert!(
        matches!(outcome.end, RunEnd::ListenerFailed(ExitKind::Signal(_))),
        "{outcome:#?}"
    );
    assert_eq!(outcome.exit_code(), 1);
    assert_removed(&outcome);
    world.assert_clean().await;
}

async fn stop_after(sender: StopSender, request: StopRequest, when: impl std::future::Future<Output = ()>) {
    when.await;
    sender.send(request);
}

async fn stop_while_waiting_for_a_job() {
    let world = World::start("idle", "").await;
    world.lay_out_agent();
    let (stop, signals) = StopSignals::channel();
    let client = world.client.clone();
    let pool = world.emulator.info().defaults.devops_pool.clone();
    let trigger = stop_after(stop, StopRequest::Terminate, async move {
        wait_for("the agent to be online", || {
            let client = client.clone();
            let pool = pool.clone();
            async move {
                let pool = client.pool_by_name(&pool, None).await.unwrap();
                client
                    .find_agent(pool.id.unwrap(), "e2e-idle", None)
                    .await
                    .unwrap()
                    .is_some_and(|a| a.is_online())
            }
        })
        .await;
    });
    let started = Instant::now();
    let (outcome, ()) = tokio::join!(world.run_once("e2e-idle").run(signals), trigger);
    assert_eq!(outcome.end, RunEnd::Stopped(StopRequest::Terminate), "{outcome:#?}");
    assert_eq!(outcome.exit_code(), 143);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_removed(&outcome);
    world.assert_clean().await;
}

async fn stop_mid_job() {
    let world = World::start("midjob", "").await;
    world.lay_out_agent();
    let started_file = world.dir.0.join("started");
    let job = world.queue_job(JobSpec::new(format!("touch {}; sleep 60", started_file.display())));
    let (stop, signals) = StopSignals::channel();
    let marker = started_file.clone();
    let trigger = stop_after(stop, StopRequest::Terminate, async move {
        wait_for("the job to start", || {
            let marker = marker.clone();
            async move { marker.exists() }
        })
        .await;
    });
    let (outcome, ()) = tokio::join!(world.run_once("e2e-midjob").run(signals), trigger);
    assert_eq!(outcome.end, RunEnd::Stopped(StopRequest::Terminate), "{outcome:#?}");
    assert_eq!(outcome.job_result, Some(TaskResult::Canceled), "{outcome:#?}");
    assert_removed(&outcome);
    assert_eq!(world.job_result(job), Some(JobResult::Canceled));
    world.assert_clean().await;
}

async fn listener_ignoring_sigint_is_killed() {
    let world = World::start("ignore", "").await;
    world.lay_out_agent();
    let started_file = world.dir.0.join("started");
    world.queue_job(JobSpec::new(format!("touch {}; sleep 60", started_file.display())).ignoring_sigint());
    let (stop, signals) = StopSignals::channel();
    let marker = started_file.clone();
    let trigger = stop_after(stop, StopRequest::Terminate, async move {
        wait_for("the job to start", || {
            let marker = marker.clone();
            async move { marker.exists() }
        })
        .await;
    });
    let mut options = fast_options();
    options.grace_period = Duration::from_secs(1);
    let started = Instant::now();
    let (outcome, ()) = tokio::join!(world.run_once("e2e-ignore").options(options).run(signals), trigger);
    assert_eq!(outcome.end, RunEnd::Stopped(StopRequest::Terminate), "{outcome:#?}");
    assert_eq!(outcome.last_listener_exit, Some(ExitKind::Signal(9)), "{outcome:#?}");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_removed(&outcome);
    world.assert_clean().await;
}

/// Registers an agent named `name` from a second agent folder, offline; its id.
async fn register_bystander(world: &World, folder: &str, name: &str) -> (PathBuf, i32) {
    let root = world.dir.0.join(folder);
    world.emulator.lay_out_agent(&root).unwrap();
    let agent = azp_agent::install::find_agent(&root).unwrap().unwrap();
    let mut options = world.configure(name);
    options.work_dir = Some(root.join("_work"));
    let pat = Secret::new(world.emulator.info().defaults.devops_pat.clone());
    let env = azp_agent::ChildEnv::from_process(&[], &[]);
    azp_agent::configure::configure(&agent, &options, &azp_agent::configure::ChildAuth::Token(pat), &env)
        .await
        .unwrap();
    let pool = world.pool_id().await;
    let id = world.client.find_agent(pool, name, None).await.unwrap().unwrap().id();
    (root, id)
}

/// A job overwrites the agent's `.agent` with another agent's: the cleanup still deletes the
/// agent this run registered, and only that one.
async fn a_rewritten_agent_file_cannot_redirect_the_cleanup() {
    let world = World::start("rewritten", "").await;
    world.lay_out_agent();
    let (other, bystander) = register_bystander(&world, "other", "e2e-bystander").await;
    let command = format!("cp {:?} {:?}", other.join(".agent"), world.agent_root().join(".agent"));
    let job = world.queue_job(JobSpec::new(command));
    let (_stop, signals) = StopSignals::channel();
    let outcome = world.run_once("e2e-rewritten").run(signals).await;
    assert_eq!(world.job_result(job), Some(JobResult::Succeeded));
    assert_removed(&outcome);
    let pool = world.pool_id().await;
    let left: Vec<String> = world
        .client
        .list_agents(pool, None)
        .await
        .unwrap()
        .iter()
        .map(|a| a.name().to_owned())
        .collect();
    assert_eq!(left, ["e2e-bystander"], "{outcome:#?}");
    world.client.delete_agent(pool, bystander, None).await.unwrap();
    world.assert_clean().await;
}

/// While the job runs, this run's agent is deleted and another run registers an agent of the
/// same name: the cleanup deletes by the id this run registered, so the other agent stays.
async fn a_same_named_agent_of_another_run_survives_the_cleanup() {
    let world = World::start("samename", "").await;
    world.lay_out_agent();
    let started = world.dir.0.join("started");
    let go = world.dir.0.join("go");
    let command = format!("touch {started:?}; while [ ! -e {go:?} ]; do sleep 0.1; done");
    world.queue_job(JobSpec::new(command));
    let (_stop, signals) = StopSignals::channel();
    let name = "e2e-samename";
    let meanwhile = async {
        wait_for("the job to start", || async { started.exists() }).await;
        let pool = world.pool_id().await;
        let ours = world.client.find_agent(pool, name, None).await.unwrap().unwrap().id();
        world.client.delete_agent(pool, ours, None).await.unwrap();
        let (_, theirs) = register_bystander(&world, "theirs", name).await;
        assert_ne!(ours, theirs);
        std::fs::write(&go, "").unwrap();
        theirs
    };
    let (outcome, theirs) = tokio::join!(world.run_once(name).run(signals), meanwhile);
    assert!(outcome.cleanup.agent_removed, "{outcome:#?}");
    let pool = world.pool_id().await;
    let left = world.client.find_agent(pool, name, None).await.unwrap();
    assert_eq!(left.map(|a| a.id()), Some(theirs), "{outcome:#?}");
    world.client.delete_agent(pool, theirs, None).await.unwrap();
    world.assert_clean().await;
}

async fn download_install_and_run() {
    let world = World::start("download", "").await;
    world.queue_job(JobSpec::new("true"));
    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = progress.clone();
    let install = azp_agent::install::InstallOptions::default().with_progress(move |p| seen.lock().unwrap().push(p));
    let (_stop, signals) = StopSignals::channel();
    let outcome = world
        .run_once("e2e-download")
        .download_if_missing(Platform::LinuxX64)
        .install_options(install)
        .run(signals)
        .await;
    assert_eq!(outcome.end, RunEnd::Completed, "{outcome:#?}");
    assert_removed(&outcome);
    let last = *progress.lock().unwrap().last().unwrap();
    assert_eq!(Some(last.bytes), last.total);
    assert!(world.agent_root().join("bin/Agent.Listener").exists());
    world.assert_clean().await;
}

async fn stop_while_downloading() {
    let world = World::start("stopdl", "").await;
    let (stop, signals) = StopSignals::channel();
    // The first bytes trigger the stop; each progress report then slows the download down, so
    // that the stop is seen while the package is still arriving.
    let install = azp_agent::install::InstallOptions::default().with_progress(move |p| {
        if p.bytes > 0 {
            stop.send(StopRequest::Terminate);
        }
        std::thread::sleep(Duration::from_millis(20));
    });
    let outcome = world
        .run_once("e2e-stopdl")
        .download_if_missing(Platform::LinuxX64)
        .install_options(install)
        .run(signals)
        .await;
    assert_eq!(outcome.end, RunEnd::Stopped(StopRequest::Terminate), "{outcome:#?}");
    assert_removed(&outcome);
    wait_for("the partial install to be removed", || {
        let dir = world.dir.0.clone();
        async move { std::fs::read_dir(&dir).unwrap().count() == 0 }
    })
    .await;
    world.assert_clean().await;
}

async fn stop_while_configuring() {
    // The emulator answers slowly, so config.sh is still running when the stop comes.
    let world = World::start("stopcfg", "").await;
    world.lay_out_agent();
    // config.sh's first call (the pool by name) hangs, so the stop comes before it registers.
    let slow_pools = FaultRule {
        listener: Some(ListenerKind::Devops),
        method: Some("GET".to_owned()),
        path_contains: Some("/pools".to_owned()),
        latency_ms: 1500,
        ..FaultRule::default()
    };
    let faults = FaultConfig {
        routes: vec![slow_pools],
        ..FaultConfig::default()
    };
    world.emulator.control().set_faults(&faults).unwrap();
    let (stop, signals) = StopSignals::channel();
    let trigger = stop_after(
        stop,
        StopRequest::Interrupt,
        tokio::time::sleep(Duration::from_millis(500)),
    );
    let (outcome, ()) = tokio::join!(world.run_once("e2e-stopcfg").run(signals), trigger);
    assert_eq!(outcome.end, RunEnd::Stopped(StopRequest::Interrupt), "{outcome:#?}");
    assert_eq!(outcome.exit_code(), 130);
    assert_removed(&outcome);
    world.assert_clean().await;
}

async fn hash_mismatch_registers_nothing() {
    let world = World::start(
        "hash",
        "[[devops.packages]]\nplatform = \"linux-x64\"\nversion = \"4.258.1\"\nhash_override = \"0000000000000000000000000000000000000000000000000000000000000000\"\n",
    )
    .await;
    let (_stop, signals) = StopSignals::channel();
    let outcome = world
        .run_once("e2e-hash")
        .download_if_missing(Platform::LinuxX64)
        .run(signals)
        .await;
    match &outcome.end {
        RunEnd::SetupFailed(message) => assert!(message.contains("SHA-256") || message.contains("hash"), "{message}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(outcome.exit_code(), 3);
    assert!(!world.agent_root().exists(), "nothing extracted may stay");
    world.assert_clean().await;
}

async fn bad_token_is_a_setup_failure() {
    let world = World::start("badtoken", "").await;
    world.lay_out_agent();
    let client = devops_client(
        &world.emulator,
        world.org.clone(),
        DevOpsCredential::pat("not-a-valid-pat-at-all").unwrap(),
    );
    let (_stop, signals) = StopSignals::channel();
    let outcome = RunOnce::new(client, world.agent_root(), world.configure("e2e-badtoken"))
        .options(fast_options())
        .run(signals)
        .await;
    match &outcome.end {
        RunEnd::SetupFailed(message) => assert!(message.contains("token is invalid"), "{message}"),
        other => panic!("{other:?}"),
    }
    assert!(!outcome.end_message_contains("not-a-valid-pat-at-all"));
    world.assert_clean().await;
}

async fn expired_entra_token_before_cleanup() {
    let world = World::start("entra", "").await;
    world.lay_out_agent();
    let info = world.emulator.info().clone();
    let credential = arm_core::ArmEnvironment::from_env(&info.env)
        .unwrap()
        .credential()
        .unwrap();
    let client = devops_client(&world.emulator, world.org.clone(), DevOpsCredential::Entra(credential));
    let started = world.dir.0.join("started");
    let go = world.dir.0.join("go");
    world.queue_job(JobSpec::new(format!(
        "touch {}; while [ ! -e {} ]; do sleep 0.05; done",
        started.display(),
        go.display()
    )));
    // While the job runs, the emulator's clock moves two hours on: every token issued so far
    // (registration's included) has expired when cleanup runs.
    let control = world.emulator.control();
    let driver = async move {
        wait_for("the job to start", || {
            let started = started.clone();
            async move { started.exists() }
        })
        .await;
        control.advance_clock(Duration::from_secs(7200)).unwrap();
        std::fs::write(&go, "").unwrap();
    };
    let (_stop, signals) = StopSignals::channel();
    let run = RunOnce::new(client, world.agent_root(), world.configure("e2e-entra"))
        .options(fast_options())
        .run(signals);
    let (outcome, ()) = tokio::join!(run, driver);
    assert_eq!(outcome.end, RunEnd::Completed, "{outcome:#?}");
    assert_removed(&outcome);
    world.assert_clean().await;
}

async fn secrets_appear_nowhere(logs: LogBuffer) {
    let world = World::start("hygiene", "").await;
    world.lay_out_agent();
    let pat = world.emulator.info().defaults.devops_pat.clone();
    let client_secret = "client-secret-value-for-hygiene";
    let dump = world.dir.0.join("dump");
    let command = format!(
        "for p in /proc/[0-9]*; do cat $p/environ $p/cmdline 2>/dev/null; echo; done > {d}; find {a} -type f -exec cat {{}} + >> {d} 2>/dev/null; true",
        d = dump.display(),
        a = world.agent_root().display()
    );
    world.queue_job(JobSpec::new(command));
    logs.clear();
    let (_stop, signals) = StopSignals::channel();
    let outcome = world
        .run_once("e2e-hygiene")
        .secret_values([Secret::new(client_secret.to_owned())])
        .run(signals)
        .await;
    assert_eq!(outcome.end, RunEnd::Completed, "{outcome:#?}");
    let dump = std::fs::read(&dump).unwrap();
    assert!(dump.len() > 1000, "the dump is too small to be real");
    let dump = String::from_utf8_lossy(&dump);
    assert!(!dump.contains(&pat), "the PAT leaked to the job");
    assert!(
        dump.contains("VSO_AGENT_IGNORE"),
        "the job's environment was not dumped"
    );
    let logged = logs.text();
    assert!(logged.contains("config.sh"), "the logs were not captured");
    assert!(!logged.contains(&pat), "the PAT leaked to the logs");
    assert!(!logged.contains(client_secret));
    assert!(!format!("{outcome:?}").contains(&pat));
    world.assert_clean().await;
}

trait EndMessage {
    fn end_message_contains(&self, text: &str) -> bool;
}

impl EndMessage for Outcome {
    fn end_message_contains(&self, text: &str) -> bool {
        format!("{:?}", self.end).contains(text)
    }
}

/// Every log line of the process at trace level, for the secret hygiene scenario.
#[derive(Clone, Default)]
struct LogBuffer(Arc<Mutex<Vec<u8>>>);

impl LogBuffer {
    fn install() -> Self {
        let buffer = LogBuffer::default();
        let writer = buffer.clone();
        tracing_subscriber::fmt()
            .with_max_level(tracing::Level::TRACE)
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .init();
        buffer
    }

    fn clear(&self) {
        self.0.lock().unwrap().clear();
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl std::io::Write for LogBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
