//! End-to-end runs of the `ephemeral-agent` binary, spawned as a process, against az-emulator's
//! Azure DevOps and ARM over TLS, with the emulator's stand-in agent.
//!
//! This binary has no harness: started as `bin/Agent.Listener` it is the stand-in agent; else
//! `main` runs every scenario in turn (an argument filters them by name). Every run ends with
//! the pool empty and no process left from its directory.

use aci_lifecycle::ContainerGroupsClient;
use aci_lifecycle::models::{Container, ContainerGroup};
use arm_core::test_support::Scenario;
use az_emulator::{
    Control, Directive, Emulator, EmulatorConfig, FaultConfig, FaultRule, JobSpec, ListenerKind, TaskResult,
};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[path = "ephemeral_agent/hostile_job.rs"]
mod hostile_job;
#[path = "ephemeral_agent/rbac_roles.rs"]
mod rbac_roles;
#[path = "ephemeral_agent/spawn_reap.rs"]
mod spawn_reap;
#[path = "ephemeral_agent/stop_budget.rs"]
mod stop_budget;

const BIN: &str = env!("CARGO_BIN_EXE_ephemeral-agent");

fn main() -> ExitCode {
    if az_emulator::standin::invoked_as_standin() {
        return az_emulator::standin::main();
    }
    arm_core::test_support::run_scenarios(scenarios(), ());
    ExitCode::SUCCESS
}

fn scenarios() -> Vec<Scenario<()>> {
    vec![
        ("pat_job_cannot_read_the_token", |()| {
            Box::pin(pat_job_cannot_read_the_token())
        }),
        ("a_hostile_job_steals_no_secret", |()| {
            Box::pin(hostile_job::a_hostile_job_steals_no_secret())
        }),
        ("download_then_failed_job_exits_1", |()| {
            Box::pin(download_then_failed_job_exits_1())
        }),
        ("once_survives_an_agent_update", |()| {
            Box::pin(once_survives_an_agent_update())
        }),
        ("service_principal_registration_and_self_delete", |()| {
            Box::pin(service_principal_registration_and_self_delete())
        }),
        ("managed_identity_registration_and_self_delete", |()| {
            Box::pin(managed_identity_registration_and_self_delete())
        }),
        ("sigterm_in_every_phase", |()| Box::pin(sigterm_in_every_phase())),
        ("the_stop_fits_in_its_budget", |()| {
            Box::pin(stop_budget::the_stop_fits_in_its_budget())
        }),
        ("pid1_reaps_orphans_and_stops_on_sigterm", |()| {
            Box::pin(pid1_reaps_orphans_and_stops_on_sigterm())
        }),
        ("check_accepts_a_good_configuration", |()| {
            Box::pin(check_accepts_a_good_configuration())
        }),
        ("invalid_configurations_are_rejected_before_any_request", |()| {
            Box::pin(invalid_configurations_are_rejected_before_any_request())
        }),
        ("spawn_agent_brings_an_agent_online", |()| {
            Box::pin(spawn_reap::spawn_agent_brings_an_agent_online())
        }),
        ("spawn_agent_reports_a_container_that_ends", |()| {
            Box::pin(spawn_reap::spawn_agent_reports_a_container_that_ends())
        }),
        ("spawn_agent_timeout_deletes_group_and_agent", |()| {
            Box::pin(spawn_reap::spawn_agent_timeout_deletes_group_and_agent())
        }),
        ("spawn_agent_sigterm_cleans_up", |()| {
            Box::pin(spawn_reap::spawn_agent_sigterm_cleans_up())
        }),
        ("reap_deletes_only_what_it_should", |()| {
            Box::pin(spawn_reap::reap_deletes_only_what_it_should())
        }),
        ("spawn_and_reap_check_their_configuration", |()| {
            Box::pin(spawn_reap::spawn_and_reap_check_their_configuration())
        }),
        ("spawn_and_reap_with_the_readme_custom_roles", |()| {
            Box::pin(rbac_roles::readme_custom_roles_are_enough_and_needed())
        }),
        ("the_demo_tells_the_whole_story", |()| {
            Box::pin(spawn_reap::the_demo_tells_the_whole_story())
        }),
    ]
}

/// A started emulator whose stand-in agent is this binary, and a scratch directory.
struct World {
    emulator: Emulator,
    /// The emulator's typed control API.
    control: Control,
    dir: PathBuf,
}

impl World {
    async fn start(label: &str) -> World {
        Self::start_with(label, "", "").await
    }

    /// With more lines for the emulator's `[devops]` section, and more sections.
    async fn start_with(label: &str, devops: &str, sections: &str) -> World {
        let me = std::env::current_exe().unwrap();
        let text = format!("[devops]\nagent_binary = {me:?}\nmessage_poll_secs = 2\n{devops}{sections}");
        let emulator = Emulator::start(EmulatorConfig::from_toml_str(&text).unwrap())
            .await
            .unwrap();
        let dir = Self::scratch_dir(label);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        World {
            control: emulator.control(),
            emulator,
            dir,
        }
    }

    fn scratch_dir(label: &str) -> PathBuf {
        std::env::temp_dir().join(format!("ephemeral-agent-e2e-{label}-{}", std::process::id()))
    }

    fn agent_dir(&self) -> PathBuf {
        self.dir.join("agent")
    }

    fn lay_out_agent(&self) {
        self.emulator.lay_out_agent(&self.agent_dir()).unwrap();
    }

    /// The entrypoint's environment for a PAT registration, self-delete not configured.
    fn env(&self, agent_name: &str) -> BTreeMap<String, String> {
        let info = self.emulator.info();
        let mut env: BTreeMap<String, String> = info
            .env
            .iter()
            .filter(|(k, _)| {
                ![
                    "SUBSCRIPTION",
                    "SECRET",
                    "_KEY",
                    "SERVICE_PRINCIPAL",
                    "TENANT",
                    "CLIENT_ID",
                ]
                .iter()
                .any(|part| k.contains(part))
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        for (name, value) in [
            ("AZP_TOKEN", info.defaults.devops_pat.as_str()),
            ("AZP_POOL", info.defaults.devops_pool.as_str()),
            ("AZP_AGENT_NAME", agent_name),
            ("AZP_GRACE_PERIOD", "5"),
            ("PATH", "/usr/local/bin:/usr/bin:/bin"),
        ] {
            env.insert(name.to_owned(), value.to_owned());
        }
        env.insert("AZP_AGENT_DIR".to_owned(), self.agent_dir().display().to_string());
        env
    }

    /// The emulator's organization and pool.
    fn org_pool(&self) -> (&str, &str) {
        let defaults = &self.emulator.info().defaults;
        (&defaults.devops_organization, &defaults.devops_pool)
    }

    /// Queues `job` in the pool; its request id.
    fn queue_job(&self, job: JobSpec) -> i64 {
        let (org, pool) = self.org_pool();
        self.control.queue_job(org, pool, &job).unwrap().request_id
    }

    /// How job request `id` ended, if it has.
    fn job_result(&self, id: i64) -> Option<TaskResult> {
        self.control.job(self.org_pool().0, id).unwrap().result
    }

    /// Replaces the fault rules.
    fn set_faults(&self, routes: Vec<FaultRule>) {
        let faults = FaultConfig {
            routes,
            ..FaultConfig::default()
        };
        self.control.set_faults(&faults).unwrap();
    }

    /// Moves the emulator's clock forward.
    fn advance_clock(&self, seconds: u64) {
        self.control.advance_clock(Duration::from_secs(seconds)).unwrap();
    }

    /// The pool is empty and no process runs from the scratch directory.
    async fn assert_clean(&self) {
        let (org, pool) = self.org_pool();
        let agents = self.control.agents(org, pool).unwrap();
        assert!(agents.is_empty(), "agents left in the pool: {agents:?}");
        wait_until("no process left", || {
            arm_core::test_support::processes_under(&self.dir).is_empty()
        })
        .await;
    }

    /// A container group named `name`, provisioned.
    async fn container_group(&self, name: &str) -> ContainerGroupsClient {
        let info = self.emulator.info();
        let arm = arm_core::test_support::emulator_arm_client(&info.env, None).unwrap();
        let groups = ContainerGroupsClient::from_arm(arm, &info.defaults.subscription_id).unwrap();
        let definition = ContainerGroup::linux("eastus").with_container(Container::new(
            "agent",
            "contoso.azurecr.io/agent:1",
            1.0,
            1.0,
        ));
        let _creating = groups
            .begin_create_or_update(&info.defaults.resource_group, name, &definition, None)
            .await
            .unwrap();
        self.advance_clock(60);
        groups
    }

    fn journal_len(&self) -> usize {
        self.control.journal().len()
    }
}

/// A fault rule that delays the matching requests by `latency_ms`.
fn latency_rule(listener: ListenerKind, method: &str, path_contains: &str, latency_ms: u64) -> FaultRule {
    FaultRule {
        listener: Some(listener),
        method: Some(method.to_owned()),
        path_contains: Some(path_contains.to_owned()),
        latency_ms,
        ..FaultRule::default()
    }
}

impl Drop for World {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A running entrypoint, its output lines collected as they come.
struct Entrypoint {
    child: std::process::Child,
    lines: Arc<Mutex<Vec<String>>>,
    /// Started by `unshare`: the entrypoint is the child of `child`.
    wrapped: bool,
}

impl Entrypoint {
    fn start(env: &BTreeMap<String, String>) -> Entrypoint {
        Self::spawn(Command::new(BIN), env, false)
    }

    /// As PID 1 of a new PID and mount namespace.
    fn start_as_pid1(env: &BTreeMap<String, String>) -> Entrypoint {
        let mut command = Command::new("unshare");
        command.args(["--pid", "--fork", "--mount-proc", "--kill-child", BIN]);
        Self::spawn(command, env, true)
    }

    fn spawn(mut command: Command, env: &BTreeMap<String, String>, wrapped: bool) -> Entrypoint {
        let mut child = command
            .env_clear()
            .envs(env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let lines = Arc::new(Mutex::new(Vec::new()));
        for stream in [
            Box::new(child.stdout.take().unwrap()) as Box<dyn std::io::Read + Send>,
            Box::new(child.stderr.take().unwrap()),
        ] {
            let lines = lines.clone();
            std::thread::spawn(move || {
                for line in BufReader::new(stream).lines().map_while(Result::ok) {
                    lines.lock().unwrap().push(line);
                }
            });
        }
        Entrypoint { child, lines, wrapped }
    }

    fn output(&self) -> String {
        self.lines.lock().unwrap().join("\n")
    }

    async fn wait_for_line(&self, needle: &str) {
        let lines = self.lines.clone();
        wait_until(&format!("a line with '{needle}'"), || {
            lines.lock().unwrap().iter().any(|l| l.contains(needle))
        })
        .await;
    }

    /// The process to signal: the entrypoint itself, or under `unshare` its only child.
    fn entrypoint_pid(&self) -> i32 {
        let pid = self.child.id() as i32;
        if !self.wrapped {
            return pid;
        }
        let children = std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children")).unwrap_or_default();
        children.split_whitespace().next().map_or(pid, |c| c.parse().unwrap())
    }

    fn terminate(&self) {
        nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(self.entrypoint_pid()),
            nix::sys::signal::Signal::SIGTERM,
        )
        .unwrap();
    }

    async fn exit_code(mut self) -> (i32, String) {
        let status = tokio::task::spawn_blocking(move || {
            let status = self.child.wait().unwrap();
            (status, self)
        })
        .await
        .unwrap();
        let (status, this) = status;
        // The reader threads finish with the pipes.
        tokio::time::sleep(Duration::from_millis(50)).await;
        (status.code().unwrap_or(-1), this.output())
    }
}

async fn wait_until(what: &str, mut check: impl FnMut() -> bool) {
    let check = move || std::future::ready(check());
    arm_core::test_support::wait_until(what, Duration::from_secs(30), check).await;
}

/// A job that writes every process's environment and command line, and every file of the
/// agent folder, into `dump`; the token must be in none of them.
async fn pat_job_cannot_read_the_token() {
    let world = World::start("pat").await;
    world.lay_out_agent();
    let dump = world.dir.join("dump");
    let command = format!(
        "for f in /proc/[0-9]*/environ /proc/[0-9]*/cmdline; do cat $f; echo; done > {dump:?} 2>/dev/null; \
         find {:?} -type f -exec cat {{}} + >> {dump:?} 2>/dev/null; echo dumped",
        world.agent_dir()
    );
    let job = world.queue_job(JobSpec::new(command));
    let env = world.env("e2e-pat");
    let (code, output) = Entrypoint::start(&env).exit_code().await;
    assert_eq!(code, 0, "{output}");
    assert_eq!(world.job_result(job), Some(TaskResult::Succeeded));
    let dump = std::fs::read(&dump).unwrap();
    assert!(dump.len() > 1000, "the job dumped too little");
    let token = &env["AZP_TOKEN"];
    assert!(
        !dump.windows(token.len()).any(|w| w == token.as_bytes()),
        "the job could read the token"
    );
    assert!(!output.contains(token.as_str()), "the token is in the log");
    world.assert_clean().await;
}

async fn download_then_failed_job_exits_1() {
    let world = World::start("download").await;
    let job = world.queue_job(JobSpec::new("echo failing; exit 3"));
    let (code, output) = Entrypoint::start(&world.env("e2e-download")).exit_code().await;
    assert_eq!(code, 1, "{output}");
    assert!(output.contains("downloading the agent"), "{output}");
    assert_eq!(world.job_result(job), Some(TaskResult::Failed));
    world.assert_clean().await;
}

/// The seed script counted an agent update as its one run and exited; here the job still runs.
async fn once_survives_an_agent_update() {
    let world = World::start("update").await;
    world.lay_out_agent();
    let job = world.queue_job(JobSpec::new("echo after the update").with_directive(Directive::Update(3)));
    let (code, output) = Entrypoint::start(&world.env("e2e-update")).exit_code().await;
    assert_eq!(code, 0, "{output}");
    assert_eq!(world.job_result(job), Some(TaskResult::Succeeded));
    world.assert_clean().await;
}

async fn service_principal_registration_and_self_delete() {
    let world = World::start("sp").await;
    world.lay_out_agent();
    let groups = world.container_group("agent-sp").await;
    let job = world.queue_job(JobSpec::new("echo sp"));
    let info = world.emulator.info().clone();
    let mut env = world.env("e2e-sp");
    env.remove("AZP_TOKEN");
    for (name, value) in [
        ("AZP_CLIENTID", info.defaults.client_id.as_str()),
        ("AZP_CLIENTSECRET", info.defaults.client_secret.as_str()),
        ("AZP_TENANTID", info.defaults.tenant_id.as_str()),
        ("AZ_ACI_NAME", "agent-sp"),
        ("AZ_ACI_RG", info.defaults.resource_group.as_str()),
        ("AZ_SUBSCRIPTION_ID", info.defaults.subscription_id.as_str()),
        ("AZ_TENANT_ID", info.defaults.tenant_id.as_str()),
        ("AZ_SERVICE_PRINCIPAL", info.defaults.client_id.as_str()),
        ("AZ_SERVICE_PRINCIPAL_KEY", info.defaults.client_secret.as_str()),
    ] {
        env.insert(name.to_owned(), value.to_owned());
    }
    let (code, output) = Entrypoint::start(&env).exit_code().await;
    assert_eq!(code, 0, "{output}");
    assert!(
        !output.contains(&info.defaults.client_secret),
        "the secret is in the log"
    );
    assert_eq!(world.job_result(job), Some(TaskResult::Succeeded));
    assert_group_gone(&world, &groups, "agent-sp").await;
    world.assert_clean().await;
}

async fn managed_identity_registration_and_self_delete() {
    let world = World::start("mi").await;
    world.lay_out_agent();
    let groups = world.container_group("agent-mi").await;
    let job = world.queue_job(JobSpec::new("echo mi"));
    let info = world.emulator.info().clone();
    let mut env = world.env("e2e-mi");
    env.remove("AZP_TOKEN");
    for (name, value) in [
        ("AZP_MANAGED_IDENTITY", "true"),
        ("AZ_MANAGED_IDENTITY", "true"),
        ("AZ_ACI_NAME", "agent-mi"),
        ("AZ_ACI_RG", info.defaults.resource_group.as_str()),
        ("AZ_SUBSCRIPTION_ID", info.defaults.subscription_id.as_str()),
    ] {
        env.insert(name.to_owned(), value.to_owned());
    }
    let (code, output) = Entrypoint::start(&env).exit_code().await;
    assert_eq!(code, 0, "{output}");
    assert_eq!(world.job_result(job), Some(TaskResult::Succeeded));
    assert_group_gone(&world, &groups, "agent-mi").await;
    world.assert_clean().await;
}

async fn assert_group_gone(world: &World, groups: &ContainerGroupsClient, name: &str) {
    let rg = &world.emulator.info().defaults.resource_group;
    world.advance_clock(120);
    let error = groups.get(rg, name, None).await.unwrap_err();
    assert!(
        error.to_string().contains("404") || error.to_string().contains("not found"),
        "{error}"
    );
}

/// SIGTERM while downloading, while configuring, while waiting for a job, and mid-job, to the
/// entrypoint as a process and as PID 1 of a new PID and mount namespace: exit 143, nothing
/// left; the job stopped mid-way is reported canceled.
async fn sigterm_in_every_phase() {
    let phases = ["downloading", "configuring", "waiting", "mid-job"];
    for (phase, pid1) in phases.iter().flat_map(|p| [(*p, false), (*p, true)]) {
        let world = World::start(&format!("sigterm-{phase}-{pid1}")).await;
        if phase != "downloading" {
            world.lay_out_agent();
        }
        let started = world.dir.join("job-started");
        let job = match phase {
            "mid-job" => Some(world.queue_job(JobSpec::new(format!("touch {started:?}; sleep 60")))),
            _ => None,
        };
        let slow = match phase {
            "downloading" => Some(latency_rule(ListenerKind::Devops, "GET", "/_packages/", 3000)),
            "configuring" => Some(latency_rule(ListenerKind::Devops, "GET", "/pools", 1500)),
            _ => None,
        };
        if let Some(rule) = slow {
            world.set_faults(vec![rule]);
        }
        let env = world.env(&format!("e2e-sigterm-{}", phase.replace('-', "")));
        // As a process, and as PID 1 of its own PID namespace (as in a container).
        let entrypoint = if pid1 {
            Entrypoint::start_as_pid1(&env)
        } else {
            Entrypoint::start(&env)
        };
        match phase {
            "downloading" => entrypoint.wait_for_line("downloading the agent").await,
            "configuring" => entrypoint.wait_for_line("config.sh").await,
            "waiting" => entrypoint.wait_for_line("listener started").await,
            _ => wait_until("the job to start", || started.exists()).await,
        }
        world.set_faults(Vec::new());
        entrypoint.terminate();
        let (code, output) = entrypoint.exit_code().await;
        assert_eq!(code, 143, "{phase} (PID 1: {pid1}): {output}");
        if let Some(job) = job {
            assert_eq!(world.job_result(job), Some(TaskResult::Canceled), "{output}");
        }
        world.assert_clean().await;
    }
}

/// As PID 1 of its own PID namespace, the entrypoint reaps the orphans a job leaves (no zombie
/// stays its child), stops on SIGTERM mid-job, and leaves no agent and no process behind.
async fn pid1_reaps_orphans_and_stops_on_sigterm() {
    let world = World::start("pid1").await;
    world.lay_out_agent();
    let started = world.dir.join("job-started");
    let command = format!("(sleep 0.2 &); (sleep 600 &); touch {started:?}; sleep 60");
    let job = world.queue_job(JobSpec::new(command));
    let entrypoint = Entrypoint::start_as_pid1(&world.env("e2e-pid1"));
    wait_until("the job to start", || started.exists()).await;
    let pid = entrypoint.entrypoint_pid();
    assert_ne!(pid, entrypoint.child.id() as i32, "unshare has no child");
    let children = |pid: i32| -> Vec<i32> {
        std::fs::read_to_string(format!("/proc/{pid}/task/{pid}/children"))
            .unwrap_or_default()
            .split_whitespace()
            .map(|c| c.parse().unwrap())
            .collect()
    };
    // The orphaned `sleep 600` became the entrypoint's child; the short one was reaped.
    wait_until("the orphan to be adopted", || children(pid).len() >= 2).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let zombies: Vec<i32> = children(pid)
        .into_iter()
        .filter(|c| arm_core::test_support::process_state(*c) == Some('Z'))
        .collect();
    assert!(zombies.is_empty(), "zombies not reaped: {zombies:?}");
    entrypoint.terminate();
    let (code, output) = entrypoint.exit_code().await;
    assert_eq!(code, 143, "{output}");
    assert_eq!(world.job_result(job), Some(TaskResult::Canceled));
    world.assert_clean().await;
}

async fn check_accepts_a_good_configuration() {
    let world = World::start("check").await;
    let env = world.env("e2e-check");
    let output = Command::new(BIN)
        .arg("--check")
        .env_clear()
        .envs(&env)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("download the latest"), "{stdout}");
    assert!(stdout.contains("token from AZP_TOKEN (***)"), "{stdout}");
    assert!(!stdout.contains(&env["AZP_TOKEN"]), "{stdout}");
    assert_eq!(world.journal_len(), 0, "--check sent requests");
}

/// Each bad configuration is refused by `--check` and at start, with exit code 2 and one line
/// naming the variable at fault, before any request.
async fn invalid_configurations_are_rejected_before_any_request() {
    let world = World::start("invalid").await;
    let not_a_dir = world.dir.join("file");
    std::fs::write(&not_a_dir, "x").unwrap();
    let half_agent = world.dir.join("half");
    std::fs::create_dir_all(&half_agent).unwrap();
    std::fs::write(half_agent.join("config.sh"), "#!/bin/sh\n").unwrap();
    let empty_token = world.dir.join("empty-token");
    std::fs::write(&empty_token, "\n").unwrap();
    let guid = "11111111-2222-3333-4444-555555555555";
    let long_pool = "p".repeat(65);
    // (the variable the error must name, variables set, variables removed)
    type Case<'a> = (&'a str, Vec<(&'a str, &'a str)>, Vec<&'a str>);
    let cases: Vec<Case<'_>> = vec![
        ("AZP_URL", vec![], vec!["AZP_URL"]),
        ("AZP_URL", vec![("AZP_URL", "not a url")], vec![]),
        ("AZP_URL", vec![("AZP_URL", "http://dev.azure.com/contoso")], vec![]),
        ("AZP_URL", vec![("AZP_URL", "https://dev.azure.com/")], vec![]),
        ("AZP_POOL", vec![("AZP_POOL", "a/b")], vec![]),
        ("AZP_POOL", vec![("AZP_POOL", &long_pool)], vec![]),
        ("AZP_AGENT_NAME", vec![("AZP_AGENT_NAME", "bad:name")], vec![]),
        ("AZP_TOKEN", vec![], vec!["AZP_TOKEN"]),
        ("AZP_TOKEN", vec![("AZP_TOKEN", "two words")], vec![]),
        (
            "AZP_TOKEN_FILE",
            vec![("AZP_TOKEN_FILE", "/nonexistent/token")],
            vec!["AZP_TOKEN"],
        ),
        (
            "AZP_TOKEN_FILE",
            vec![("AZP_TOKEN_FILE", empty_token.to_str().unwrap())],
            vec!["AZP_TOKEN"],
        ),
        ("AZP_TOKEN_FILE", vec![("AZP_TOKEN_FILE", "/etc/hostname")], vec![]),
        (
            "AZP_CLIENTID",
            vec![
                ("AZP_CLIENTID", guid),
                ("AZP_CLIENTSECRET", "s"),
                ("AZP_TENANTID", guid),
            ],
            vec![],
        ),
        (
            "AZP_CLIENTSECRET",
            vec![("AZP_CLIENTID", guid), ("AZP_TENANTID", guid)],
            vec!["AZP_TOKEN"],
        ),
        (
            "AZP_CLIENTID",
            vec![
                ("AZP_CLIENTID", "app"),
                ("AZP_CLIENTSECRET", "s"),
                ("AZP_TENANTID", guid),
            ],
            vec!["AZP_TOKEN"],
        ),
        (
            "AZP_TENANTID",
            vec![
                ("AZP_CLIENTID", guid),
                ("AZP_CLIENTSECRET", "s"),
                ("AZP_TENANTID", "contoso"),
            ],
            vec!["AZP_TOKEN"],
        ),
        (
            "AZP_MANAGED_IDENTITY",
            vec![("AZP_MANAGED_IDENTITY", "maybe")],
            vec!["AZP_TOKEN"],
        ),
        (
            "AZP_AGENT_DIR",
            vec![("AZP_AGENT_DIR", not_a_dir.to_str().unwrap())],
            vec![],
        ),
        (
            "AZP_AGENT_DIR",
            vec![("AZP_AGENT_DIR", half_agent.to_str().unwrap())],
            vec![],
        ),
        ("AZP_PLATFORM", vec![("AZP_PLATFORM", "solaris-sparc")], vec![]),
        ("AZP_GRACE_PERIOD", vec![("AZP_GRACE_PERIOD", "soon")], vec![]),
        ("AZP_GRACE_PERIOD", vec![("AZP_GRACE_PERIOD", "0")], vec![]),
        ("AZP_JOB_TIMEOUT", vec![("AZP_JOB_TIMEOUT", "-5m")], vec![]),
        ("AZP_LOG", vec![("AZP_LOG", "azp_agent=loud")], vec![]),
        ("AZ_ACI_RG", vec![("AZ_ACI_NAME", "agent-1")], vec![]),
        (
            "AZ_ACI_NAME",
            vec![
                ("AZ_ACI_NAME", "Bad_Name!"),
                ("AZ_ACI_RG", "rg"),
                ("AZ_SUBSCRIPTION_ID", guid),
                ("AZ_MANAGED_IDENTITY", "true"),
            ],
            vec![],
        ),
        (
            "AZ_SUBSCRIPTION_ID",
            vec![
                ("AZ_ACI_NAME", "agent-1"),
                ("AZ_ACI_RG", "rg"),
                ("AZ_SUBSCRIPTION_ID", "sub/scription"),
                ("AZ_MANAGED_IDENTITY", "true"),
            ],
            vec![],
        ),
        (
            "AZ_SERVICE_PRINCIPAL",
            vec![
                ("AZ_ACI_NAME", "agent-1"),
                ("AZ_ACI_RG", "rg"),
                ("AZ_SUBSCRIPTION_ID", guid),
            ],
            vec![],
        ),
        ("AZ_MANAGED_IDENTITY", vec![("AZ_MANAGED_IDENTITY", "maybe")], vec![]),
        (
            "AZ_CLOUD",
            vec![("AZ_CLOUD", "AzureMoon")],
            vec!["AZ_ARM_ENDPOINT", "AZ_AUTHORITY_HOST"],
        ),
        ("AZ_CA_BUNDLE", vec![("AZ_CA_BUNDLE", "/nonexistent/ca.pem")], vec![]),
    ];
    assert!(cases.len() >= 20);
    for (variable, set, unset) in cases {
        let mut env = world.env("e2e-invalid");
        for name in unset {
            env.remove(name);
        }
        for (name, value) in set {
            env.insert(name.to_owned(), value.to_owned());
        }
        for args in [&["--check"][..], &[]] {
            let output = Command::new(BIN).args(args).env_clear().envs(&env).output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            let what = format!("{variable} with {args:?}");
            assert_eq!(output.status.code(), Some(2), "{what}: {stderr}");
            assert_eq!(stderr.lines().count(), 1, "{what}: {stderr}");
            assert!(stderr.contains(&format!("{variable}:")), "{what}: {stderr}");
            if let Some(token) = env.get("AZP_TOKEN") {
                assert!(!stderr.contains(token.as_str()), "{what}: the token is in the error");
            }
        }
    }
    assert_eq!(world.journal_len(), 0, "requests were sent");
}
