//! `spawn-agent` and `reap` as processes against the emulator, whose container image
//! `test/ephemeral-agent:1` runs the real `ephemeral-agent` binary.

use super::{Entrypoint, World};
use aci_lifecycle::ContainerGroupsClient;
use aci_lifecycle::models::{Container, ContainerGroup, OsType};
use az_emulator::{AgentStatus, JobSpec, PatSeed, SCOPE_AGENT_POOLS_READ, TaskResult};
use std::collections::BTreeMap;
use std::process::Command;
use std::time::{Duration, Instant};

const SPAWN_BIN: &str = env!("CARGO_BIN_EXE_spawn-agent");
const REAP_BIN: &str = env!("CARGO_BIN_EXE_reap");
const ENTRYPOINT: &str = env!("CARGO_BIN_EXE_ephemeral-agent");
const AGENT_IMAGE: &str = "test/ephemeral-agent:1";
const FAILING_IMAGE: &str = "test/failing:1";
const REGISTERS_ONLY_IMAGE: &str = "test/registers-only:1";
const JOB_ID: &str = "4a8c1f2e-9b7d-4e11-8a5c-0d3e2f1a9b6c";

/// The emulator's images: the entrypoint; a container that fails at once; one that registers
/// its agent (with the stand-in laid out in `dir/registers-only`) and then never listens.
fn images(world_dir: &std::path::Path) -> String {
    let agent = world_dir.join("registers-only");
    let register = format!(
        "cd {agent:?} && VSTS_AGENT_INPUT_TOKEN=\"$AZP_TOKEN\" ./bin/Agent.Listener configure --unattended \
         --url \"$AZP_URL\" --pool \"$AZP_POOL\" --agent \"$AZP_AGENT_NAME\" --auth pat && exec sleep 600"
    );
    format!(
        "[images]\n{AGENT_IMAGE:?} = [{ENTRYPOINT:?}]\n{FAILING_IMAGE:?} = [\"/bin/sh\", \"-c\", \"echo cannot reach the registry proxy; exit 3\"]\n\
         {REGISTERS_ONLY_IMAGE:?} = [\"/bin/sh\", \"-c\", {register:?}]\n"
    )
}

/// A world whose listeners go offline after 5 silent seconds (a killed container's agent).
async fn start(label: &str) -> World {
    let dir = World::scratch_dir(label);
    let world = World::start_with(label, "session_timeout_secs = 5\n", &images(&dir)).await;
    world.emulator.lay_out_agent(&world.dir.join("registers-only")).unwrap();
    world
}

impl World {
    /// spawn-agent's environment for build `build` (the agent folder of its container laid out
    /// under the scratch directory).
    fn spawn_env(&self, build: u32, image: &str) -> BTreeMap<String, String> {
        let subnet = format!(
            "/subscriptions/{}/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-build/subnets/agents",
            self.emulator.info().defaults.subscription_id
        );
        self.spawn_env_with(build, image, &subnet, JOB_ID)
    }

    /// spawn-agent's environment for build `build` of job `job_id`: a group running `image` in
    /// `subnet`, its agent laid out in `agent-{build}`.
    pub(super) fn spawn_env_with(
        &self,
        build: u32,
        image: &str,
        subnet: &str,
        job_id: &str,
    ) -> BTreeMap<String, String> {
        let info = self.emulator.info();
        let agent_dir = self.dir.join(format!("agent-{build}"));
        self.emulator.lay_out_agent(&agent_dir).unwrap();
        let mut env: BTreeMap<String, String> = info.env.clone().into_iter().collect();
        for (name, value) in [
            ("AZP_TOKEN", info.defaults.devops_pat.as_str()),
            ("AZP_POOL", info.defaults.devops_pool.as_str()),
            ("ACI_RESOURCE_GROUP", info.defaults.resource_group.as_str()),
            ("ACI_LOCATION", info.defaults.location.as_str()),
            ("ACI_SUBNET_ID", subnet),
            ("ACI_IMAGE", image),
            ("ACI_IDENTITY", info.defaults.identity_resource_id.as_str()),
            ("SYSTEM_JOBID", job_id),
            ("SYSTEM_JOBATTEMPT", "1"),
            ("PATH", "/usr/local/bin:/usr/bin:/bin"),
        ] {
            env.insert(name.to_owned(), value.to_owned());
        }
        env.insert("BUILD_BUILDID".to_owned(), build.to_string());
        env.insert(
            "ACI_ENVIRONMENT".to_owned(),
            format!("AZP_AGENT_DIR={}\nAZP_GRACE_PERIOD=5", agent_dir.display()),
        );
        env
    }

    fn reap_env(&self, min_age: &str) -> BTreeMap<String, String> {
        let info = self.emulator.info();
        let mut env: BTreeMap<String, String> = info.env.clone().into_iter().collect();
        env.insert("AZP_TOKEN".to_owned(), info.defaults.devops_pat.clone());
        env.insert("AZP_POOL".to_owned(), info.defaults.devops_pool.clone());
        env.insert("ACI_RESOURCE_GROUP".to_owned(), info.defaults.resource_group.clone());
        env.insert("REAP_MIN_AGE".to_owned(), min_age.to_owned());
        env
    }

    fn groups(&self) -> ContainerGroupsClient {
        let info = self.emulator.info();
        let arm = arm_core::test_support::emulator_arm_client(&info.env, None).unwrap();
        ContainerGroupsClient::from_arm(arm, &info.defaults.subscription_id).unwrap()
    }

    async fn group_exists(&self, name: &str) -> bool {
        match self
            .groups()
            .get(&self.emulator.info().defaults.resource_group, name, None)
            .await
        {
            Ok(_) => true,
            Err(error) if error.as_arm().is_some_and(|e| e.is_not_found()) => false,
            Err(error) => panic!("{error}"),
        }
    }

    /// The pool's agents: name → (status, busy).
    fn agents(&self) -> BTreeMap<String, (AgentStatus, bool)> {
        let (org, pool) = self.org_pool();
        self.control
            .agents(org, pool)
            .unwrap()
            .into_iter()
            .map(|a| (a.name, (a.status, a.assigned_request.is_some())))
            .collect()
    }

    async fn wait_for_group_gone(&self, name: &str) {
        let what = format!("{name} to be deleted");
        wait_until_async(&what, || async { !self.group_exists(name).await }).await;
    }
}

fn run(bin: &str, args: &[&str], env: &BTreeMap<String, String>) -> Entrypoint {
    let mut command = Command::new(bin);
    command.args(args);
    Entrypoint::spawn(command, env, false)
}

fn name_of(build: u32) -> String {
    format!("ephemeral-{build}-{}-1", &JOB_ID[..8])
}

/// spawn-agent creates the group, the agent comes online, the output variable is printed; the
/// agent runs a job, unregisters and its group deletes itself.
pub(super) async fn spawn_agent_brings_an_agent_online() {
    let world = start("spawn-ok").await;
    let (code, out) = run(SPAWN_BIN, &[], &world.spawn_env(1, AGENT_IMAGE)).exit_code().await;
    let name = name_of(1);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.lines()
            .any(|l| l == format!("##vso[task.setvariable variable=agentName;isOutput=true]{name}")),
        "{out}"
    );
    assert!(
        !out.contains(&world.emulator.info().defaults.devops_pat),
        "token in the log: {out}"
    );
    assert_eq!(world.agents().get(&name).map(|a| a.0), Some(AgentStatus::Online));
    let group = world
        .groups()
        .get(&world.emulator.info().defaults.resource_group, &name, None)
        .await
        .unwrap();
    let tags = group.tags.unwrap_or_default();
    assert_eq!(tags.get(aci_lifecycle::EPHEMERAL_TAG).map(String::as_str), Some("true"));
    assert_eq!(
        group.properties.restart_policy.map(|p| p.to_string()).as_deref(),
        Some("Never")
    );
    let env = &group.properties.containers[0].properties.environment_variables;
    let token = env.iter().flatten().find(|v| v.name == "AZP_TOKEN").unwrap();
    assert!(token.value.is_none(), "the token must be a secure value");

    let job = world.queue_job(JobSpec::new("echo deploying"));
    wait_until_async("the job to succeed", || async {
        world.job_result(job) == Some(TaskResult::Succeeded)
    })
    .await;
    world.wait_for_group_gone(&name).await;
    world.assert_clean().await;
}

/// A container that ends at once: spawn-agent fails fast with the container's log, deletes the
/// group, exits 1.
pub(super) async fn spawn_agent_reports_a_container_that_ends() {
    let world = start("spawn-ends").await;
    let (code, out) = run(SPAWN_BIN, &[], &world.spawn_env(2, FAILING_IMAGE))
        .exit_code()
        .await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cannot reach the registry proxy"), "{out}");
    assert!(out.contains("container group deletion accepted"), "{out}");
    world.wait_for_group_gone(&name_of(2)).await;
    world.assert_clean().await;
}

/// An agent that registers but never comes online: after SPAWN_TIMEOUT the group and the agent
/// are deleted, exit 1.
pub(super) async fn spawn_agent_timeout_deletes_group_and_agent() {
    let world = start("spawn-timeout").await;
    let mut env = world.spawn_env(3, REGISTERS_ONLY_IMAGE);
    env.insert("SPAWN_TIMEOUT".to_owned(), "6s".to_owned());
    let spawned = run(SPAWN_BIN, &[], &env);
    let name = name_of(3);
    wait_until_async("the agent to register", || async { world.agents().contains_key(&name) }).await;
    let (code, out) = spawned.exit_code().await;
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("did not come online within 6 s"), "{out}");
    assert!(out.contains("agent deleted"), "{out}");
    world.wait_for_group_gone(&name).await;
    world.assert_clean().await;
}

/// SIGTERM while waiting: cleaned up, exit 143.
pub(super) async fn spawn_agent_sigterm_cleans_up() {
    let world = start("spawn-term").await;
    let spawned = run(SPAWN_BIN, &[], &world.spawn_env(4, REGISTERS_ONLY_IMAGE));
    let name = name_of(4);
    wait_until_async("the agent to register", || async { world.agents().contains_key(&name) }).await;
    let signalled = Instant::now();
    spawned.terminate();
    let (code, out) = spawned.exit_code().await;
    assert_eq!(code, 143, "{out}");
    // The group counts as gone once its deletion is accepted, and the agent's deletion does
    // not wait for the group's: the whole cleanup fits in 10 s.
    let cleanup = signalled.elapsed();
    assert!(cleanup < Duration::from_secs(10), "the cleanup took {cleanup:?}: {out}");
    assert!(out.contains("container group deletion accepted"), "{out}");
    world.wait_for_group_gone(&name).await;
    world.assert_clean().await;
}

/// A pool and a resource group with a bit of everything; reap deletes exactly what it should,
/// first in a dry run, then with a long minimum age, then with a short one.
pub(super) async fn reap_deletes_only_what_it_should() {
    let world = start("reap").await;
    let rg = world.emulator.info().defaults.resource_group.clone();
    // "online": an idle ephemeral agent in a running group.
    let (code, out) = run(SPAWN_BIN, &[], &world.spawn_env(10, AGENT_IMAGE)).exit_code().await;
    assert_eq!(code, 0, "{out}");
    // "killed": an ephemeral agent whose group is stopped mid-job (SIGKILL, no cleanup).
    let (code, out) = run(SPAWN_BIN, &[], &world.spawn_env(11, AGENT_IMAGE)).exit_code().await;
    assert_eq!(code, 0, "{out}");
    let (online, killed) = (name_of(10), name_of(11));
    let job = world.queue_job(JobSpec::new("sleep 600"));
    wait_until_async("an agent to be busy", || async {
        world.agents().values().any(|(_, busy)| *busy)
    })
    .await;
    let busy: Vec<String> = world
        .agents()
        .into_iter()
        .filter(|(_, (_, busy))| *busy)
        .map(|(name, _)| name)
        .collect();
    let (online, killed) = if busy == [online.clone()] {
        (killed, online)
    } else {
        (online, killed)
    };
    world.groups().stop(&rg, &killed, None).await.unwrap();
    // "orphan": an offline ephemeral agent whose group does not exist; "static": not ours.
    for name in ["ephemeral-orphan", "static-agent"] {
        let dir = world.dir.join(name);
        world.emulator.lay_out_agent(&dir).unwrap();
        let info = world.emulator.info();
        let status = Command::new(dir.join("bin/Agent.Listener"))
            .args(["configure", "--unattended", "--auth", "pat", "--agent", name])
            .args(["--url", &info.env["AZP_URL"], "--pool", &info.defaults.devops_pool])
            .env("VSTS_AGENT_INPUT_TOKEN", &info.defaults.devops_pat)
            .status()
            .unwrap();
        assert!(status.success());
    }
    // "manual": an ended group named like ours but without the ephemeral tag.
    let mut manual = ContainerGroup::new("eastus");
    manual.properties.os_type = Some(OsType::Linux);
    manual.properties.restart_policy = Some(aci_lifecycle::models::RestartPolicy::Never);
    manual
        .properties
        .containers
        .push(Container::new("main", FAILING_IMAGE, 1.0, 1.0));
    world
        .groups()
        .begin_create_or_update(&rg, "ephemeral-manual", &manual, None)
        .await
        .unwrap()
        .await
        .unwrap();
    // The killed agent goes offline once its listener has been silent for the session timeout.
    wait_until_async("the killed agent to go offline", || async {
        world.agents()[&killed].0 == AgentStatus::Offline
    })
    .await;
    assert_eq!(world.job_result(job), Some(TaskResult::Abandoned));
    tokio::time::sleep(Duration::from_millis(1100)).await;

    let (code, dry) = run(REAP_BIN, &["--dry-run"], &world.reap_env("1s")).exit_code().await;
    assert_eq!(code, 0, "{dry}");
    let row = |out: &str, name: &str| {
        out.lines()
            .find(|l| l.contains(&format!(" {name} ")) || l.contains(&format!("/{name} ")))
            .unwrap_or_else(|| panic!("no row for {name} in:\n{out}"))
            .to_owned()
    };
    assert!(row(&dry, &killed).contains("would delete"), "{dry}");
    assert!(row(&dry, "ephemeral-orphan").contains("would delete"), "{dry}");
    assert!(row(&dry, &online).contains("kept"), "{dry}");
    assert!(
        !dry.contains("static-agent") && !dry.contains("ephemeral-manual"),
        "{dry}"
    );
    assert_eq!(world.agents().len(), 4, "a dry run deletes nothing");

    // A long minimum age keeps the young orphan and the young stopped group, not the agent of
    // a stopped group.
    let (code, out) = run(REAP_BIN, &[], &world.reap_env("1h")).exit_code().await;
    assert_eq!(code, 0, "{out}");
    let agents = world.agents();
    assert!(!agents.contains_key(&killed), "{out}");
    assert!(agents.contains_key("ephemeral-orphan"), "{out}");
    assert!(world.group_exists(&killed).await, "{out}");

    // A failed deletion (a PAT that may only read the pool) is reported and makes the exit
    // code 1; the rest goes on.
    let read_only = PatSeed {
        scopes: vec![SCOPE_AGENT_POOLS_READ.to_owned()],
        name: Some("read-only".to_owned()),
        ..PatSeed::default()
    };
    let read_only = world.control.add_pat(world.org_pool().0, &read_only).unwrap();
    let mut env = world.reap_env("1s");
    env.insert("AZP_TOKEN".to_owned(), read_only);
    let (code, out) = run(REAP_BIN, &[], &env).exit_code().await;
    assert_eq!(code, 1, "{out}");
    assert!(row(&out, "ephemeral-orphan").contains("FAILED"), "{out}");
    assert!(row(&out, &killed).contains("deleted"), "{out}");
    assert!(out.contains("reap: 1 deleted, 2 kept, 1 failed"), "{out}");
    world.wait_for_group_gone(&killed).await;

    let (code, out) = run(REAP_BIN, &[], &world.reap_env("1s")).exit_code().await;
    assert_eq!(code, 0, "{out}");
    assert!(row(&out, "ephemeral-orphan").contains("deleted"), "{out}");
    assert!(
        world.group_exists("ephemeral-manual").await,
        "an untagged group is never deleted"
    );
    let agents = world.agents();
    assert_eq!(
        agents.keys().cloned().collect::<Vec<_>>(),
        [online.clone(), "static-agent".to_owned()],
        "{out}"
    );

    // What is left goes the normal way: the online agent runs a job and deletes its group.
    let job = world.queue_job(JobSpec::new("true"));
    wait_until_async("the job to succeed", || async {
        world.job_result(job) == Some(TaskResult::Succeeded)
    })
    .await;
    world.wait_for_group_gone(&online).await;
    world
        .groups()
        .begin_delete(&rg, "ephemeral-manual", None)
        .await
        .unwrap()
        .await
        .unwrap();
    remove_static_agent(&world).await;
    world.assert_clean().await;
}

/// Unregisters the non-ephemeral agent with its own `config.sh remove`.
async fn remove_static_agent(world: &World) {
    let dir = world.dir.join("static-agent");
    let status = Command::new(dir.join("bin/Agent.Listener"))
        .args(["remove", "--auth", "pat"])
        .env("VSTS_AGENT_INPUT_TOKEN", &world.emulator.info().defaults.devops_pat)
        .status()
        .unwrap();
    assert!(status.success());
}

/// `--check` of both binaries, and a few of their bad inputs (one line naming the variable,
/// exit 2, no request).
pub(super) async fn spawn_and_reap_check_their_configuration() {
    let world = start("spawn-check").await;
    let before = world.journal_len();
    let env = world.spawn_env(20, AGENT_IMAGE);
    let (code, out) = run(SPAWN_BIN, &["--check"], &env).exit_code().await;
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains(&name_of(20)) && !out.contains(&world.emulator.info().defaults.devops_pat),
        "{out}"
    );
    let (code, out) = run(REAP_BIN, &["--check", "--dry-run"], &world.reap_env("15m"))
        .exit_code()
        .await;
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("dry run"), "{out}");

    let spawn_cases: &[(&str, Option<&str>)] = &[
        (
            "ACI_SUBNET_ID",
            Some("/subscriptions/s/resourceGroups/rg/providers/Microsoft.Network/virtualNetworks/v"),
        ),
        ("ACI_SUBNET_ID", None),
        ("ACI_IMAGE", Some("an image")),
        ("ACI_CPU", Some("0")),
        ("ACI_MEMORY_GB", Some("lots")),
        ("ACI_OS_TYPE", Some("Plan9")),
        ("ACI_IDENTITY", Some("/subscriptions/s/resourceGroups/rg")),
        ("ACI_REGISTRY_SERVER", Some("contoso.azurecr.io/agents")),
        ("ACI_ENVIRONMENT", Some("AZP_TOKEN=mine")),
        ("AZP_AGENT_NAME", Some("Not_A_Group_Name")),
        ("AZP_AGENT_PREFIX", Some("-bad")),
        ("BUILD_BUILDID", None),
        ("SYSTEM_JOBID", Some("job-1")),
        ("SPAWN_TIMEOUT", Some("forever")),
        ("SPAWN_OUTPUT_VARIABLE", Some("agent name")),
        ("AZP_TOKEN", None),
        ("ACI_RESOURCE_GROUP", None),
    ];
    for (variable, value) in spawn_cases {
        let mut env = env.clone();
        match value {
            Some(value) => env.insert((*variable).to_owned(), (*value).to_owned()),
            None => env.remove(*variable),
        };
        for args in [&["--check"][..], &[][..]] {
            let (code, out) = run(SPAWN_BIN, args, &env).exit_code().await;
            assert_eq!(code, 2, "{variable}={value:?} {args:?}: {out}");
            let lines: Vec<&str> = out.lines().collect();
            assert_eq!(lines.len(), 1, "{variable}: {out}");
            assert!(lines[0].contains(&format!("{variable}: ")), "{variable}: {out}");
        }
    }
    for (variable, value) in [
        ("REAP_MIN_AGE", "0"),
        ("ACI_RESOURCE_GROUP", "rg/1"),
        ("AZP_URL", "ftp://x"),
    ] {
        let mut env = world.reap_env("15m");
        env.insert(variable.to_owned(), value.to_owned());
        let (code, out) = run(REAP_BIN, &[], &env).exit_code().await;
        assert_eq!(code, 2, "{variable}: {out}");
        assert!(
            out.lines().count() == 1 && out.contains(&format!("{variable}: ")),
            "{out}"
        );
    }
    let (code, out) = run(REAP_BIN, &["--force"], &world.reap_env("15m")).exit_code().await;
    assert_eq!(code, 2, "{out}");
    let (code, help) = run(SPAWN_BIN, &["--help"], &BTreeMap::new()).exit_code().await;
    assert_eq!(code, 0, "{help}");
    for listed in [
        "SPAWN_TIMEOUT",
        "[default: 240s]",
        "ACI_SUBNET_ID",
        "AZ_SUBSCRIPTION_ID",
        "143 SIGTERM",
    ] {
        assert!(help.contains(listed), "spawn-agent --help lacks {listed}: {help}");
    }
    let (code, help) = run(REAP_BIN, &["--help"], &BTreeMap::new()).exit_code().await;
    assert_eq!(code, 0, "{help}");
    for listed in ["--dry-run", "REAP_MIN_AGE", "[default: 15m]", "AZP_AGENT_PREFIX"] {
        assert!(help.contains(listed), "reap --help lacks {listed}: {help}");
    }
    assert_eq!(world.journal_len(), before, "no request may be sent");
}

async fn wait_until_async<F: std::future::Future<Output = bool>>(what: &str, check: impl FnMut() -> F) {
    arm_core::test_support::wait_until(what, Duration::from_secs(30), check).await;
}

/// The README's `cargo run -p examples --bin demo`: every step passes, the pool and the
/// resource group end empty, the ACR story refuses the blocked subnet without a write and builds on
/// the pool, and it ends (about 50 s with the image and ACR stories; the limit is a hang guard,
/// not a timing): no process of a killed container outlives it to hold the demo up. Its output goes to files, so that nothing a
/// leftover process holds open can hang this test either.
pub(super) async fn the_demo_tells_the_whole_story() {
    const LIMIT: Duration = Duration::from_secs(240);
    let demo = env!("CARGO_BIN_EXE_demo");
    let dir = World::scratch_dir("demo");
    std::fs::create_dir_all(&dir).unwrap();
    let (out, err) = (dir.join("stdout"), dir.join("stderr"));
    let mut child = tokio::process::Command::new(demo)
        .stdin(std::process::Stdio::null())
        .stdout(std::fs::File::create(&out).unwrap())
        .stderr(std::fs::File::create(&err).unwrap())
        .kill_on_drop(true)
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let status = tokio::time::timeout(LIMIT, child.wait()).await;
    let took = started.elapsed();
    if status.is_err() {
        let _ = child.kill().await;
    }
    let text = std::fs::read_to_string(&out).unwrap_or_default() + &std::fs::read_to_string(&err).unwrap_or_default();
    let _ = std::fs::remove_dir_all(&dir);
    let status = status.unwrap_or_else(|_| panic!("the demo did not end within {LIMIT:?}:\n{text}"));
    assert!(status.unwrap().success(), "{text}");
    println!("the demo took {:.1} s", took.as_secs_f64());
    for expected in [
        "##vso[task.setvariable variable=agentName;isOutput=true]ephemeral-101-",
        "succeeded on ephemeral-101-",
        "job 2: abandoned",
        "reap: 2 deleted, 0 kept, 0 failed",
        "agents in pool Default: 0",
        "container groups in rg-emulator: 0",
        "create refused the subnet; the emulator's journal shows no write",
        "##vso[task.setvariable variable=acrImageDigest]sha256:",
        "agent pools of acrdemobuilds: 0",
    ] {
        assert!(text.contains(expected), "no '{expected}' in:\n{text}");
    }
}
