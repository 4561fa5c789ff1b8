//! The demo's story, step by step, with the real binaries as processes.

use crate::{acr_story, image_story};
use aci_lifecycle::ContainerGroupsClient;
use arm_core::ArmEnvironment;
use arm_core::azure_core::credentials::TokenRequestOptions;
use arm_core::credentials::CredentialSource;
use az_emulator::{Agent, AgentStatus, Control, Emulator, EmulatorConfig, Job, JobSpec, JobState, StartupInfo};
use futures::TryStreamExt;
use std::collections::BTreeMap;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt};
use tokio::task::JoinHandle;

/// The demo's result: any error, shown as one line.
pub(super) type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The agent image; the emulator runs it as `demo ephemeral-agent`.
const AGENT_IMAGE: &str = "contoso.azurecr.io/ephemeral-agent:1";
/// The job id Azure Pipelines would give the spawning job.
const JOB_ID: &str = "6f1c2d3e-4b5a-4c7d-9e8f-0a1b2c3d4e5f";
/// How long a tool may run before the demo gives up on it (and kills it).
const TOOL_TIMEOUT: Duration = Duration::from_secs(120);
/// How long a tool's output is still read once the tool has exited: a process it left behind
/// may hold its pipes open, and is not waited for.
const DRAIN: Duration = Duration::from_millis(500);

/// What every step needs.
pub(super) struct Demo {
    me: PathBuf,
    /// A folder of this run, removed at the end.
    pub(super) scratch: PathBuf,
    /// The emulator's startup line: endpoints, environment, defaults.
    pub(super) info: StartupInfo,
    /// The emulator's typed control API, for what a pipeline would do in Azure DevOps (queue a
    /// job, read its result, list the pool's agents) and for scripting Image Builder runs.
    pub(super) control: Control,
    containers: ContainerGroupsClient,
    started: Instant,
}

pub async fn run() -> Result<()> {
    let started = Instant::now();
    let me = std::env::current_exe()?;
    let scratch = std::env::temp_dir().join(format!("azure-ephemeral-demo-{}", std::process::id()));
    std::fs::create_dir_all(&scratch)?;
    println!("[ 0.00s] 1. starting the Azure emulator in this process");
    let config = format!(
        "[devops]\nagent_binary = {me:?}\nmessage_poll_secs = 2\nsession_timeout_secs = 5\n\n[images]\n{AGENT_IMAGE:?} = [{me:?}, \"ephemeral-agent\"]\n\n{}\n{}",
        image_story::CONFIG,
        acr_story::CONFIG
    );
    let emulator = Emulator::start(EmulatorConfig::from_toml_str(&config)?).await?;
    let info = emulator.info().clone();
    println!(
        "          ARM {}  Entra ID {}",
        info.endpoints.arm, info.endpoints.login
    );
    println!("          Azure DevOps {}", info.env["AZP_URL"]);
    println!("          image {AGENT_IMAGE} runs the ephemeral-agent entrypoint");

    let env = ArmEnvironment::from_env(&info.env)?;
    let demo = Demo {
        control: emulator.control(),
        containers: ContainerGroupsClient::from_arm(env.arm_client()?, env.require_subscription_id()?)?,
        me,
        scratch,
        info,
        started,
    };
    let outcome = demo.story(&env).await;
    emulator.shutdown().await;
    let _ = std::fs::remove_dir_all(&demo.scratch);
    outcome?;
    println!("done in {:.2}s", demo.started.elapsed().as_secs_f64());
    Ok(())
}

impl Demo {
    /// Prints step `n` with the time since the start.
    pub(super) fn step(&self, n: u32, text: &str) {
        println!("[{:>5.2}s] {n}. {text}", self.started.elapsed().as_secs_f64());
    }

    async fn story(&self, env: &ArmEnvironment) -> Result<()> {
        self.step(
            2,
            "signing in to ARM with azure_identity, as the pipeline's service connection would",
        );
        let CredentialSource::ServicePrincipal { client_id, .. } = &env.credential_source else {
            return Err(format!("expected a service principal, got a {}", env.credential_source.kind()).into());
        };
        let scope = env.cloud.arm_scope();
        let token = env
            .credential()?
            .get_token(&[scope.as_str()], Some(TokenRequestOptions::default()))
            .await?;
        println!(
            "          service principal {client_id}: token for {scope}, expires {}",
            token.expires_on
        );

        self.step(
            3,
            "pipeline run 101, job 'spawn': spawn-agent creates the agent's container group",
        );
        let agent = self.spawn_agent(101).await?;

        self.step(4, &format!("job 'deploy' demands {agent}: queued; the agent runs it"));
        let job = self.queue_job("echo deploying into the private network; echo done")?;
        let finished = self
            .wait("the job to finish", || async {
                let job = self.job(job)?;
                Ok((job.state == JobState::Completed).then_some(job))
            })
            .await?;
        println!(
            "          job {job}: {} on {}",
            result(&finished),
            finished.agent_name.as_deref().unwrap_or("?")
        );

        self.step(5, "the agent unregistered and its container group deleted itself");
        self.wait("the agent and its group to be gone", || async {
            let in_pool = self.agent_named(&agent)?.is_some();
            Ok((!in_pool && !self.group_exists(&agent).await?).then_some(()))
        })
        .await?;
        println!("          pool: no {agent}; resource group: no {agent}");

        self.step(
            6,
            "run 102: a second agent; its container is killed in the middle of a job",
        );
        let killed = self.spawn_agent(102).await?;
        let job = self.queue_job("echo a long deployment; sleep 600")?;
        self.wait("the job to start", || async {
            Ok((self.job(job)?.agent_name.as_deref() == Some(killed.as_str())).then_some(()))
        })
        .await?;
        let rg = &self.info.defaults.resource_group;
        self.containers.stop(rg, &killed, None).await?;
        println!("          container group {killed} stopped: every process in it killed, no cleanup ran");
        let offline = self
            .wait("Azure DevOps to notice the agent is gone", || async {
                let agent = self.agent_named(&killed)?;
                Ok(agent.filter(|a| a.status == AgentStatus::Offline))
            })
            .await?;
        println!(
            "          left behind: agent {} (offline), container group {killed} (Stopped); job {job}: {}",
            offline.name,
            result(&self.job(job)?)
        );

        self.step(7, "the nightly reap, first as a dry run");
        self.run_tool("reap", &["--dry-run"], &self.reap_env()).await?;

        self.step(8, "reap");
        self.run_tool("reap", &[], &self.reap_env()).await?;

        self.step(9, "checking that the pool and the resource group are empty");
        self.wait("the resource group to be empty", || async {
            let groups: Vec<_> = self.containers.list_by_resource_group(rg, None)?.try_collect().await?;
            Ok(groups.is_empty().then_some(()))
        })
        .await?;
        let agents = self.agents()?;
        println!(
            "          agents in pool {}: {}",
            self.info.defaults.devops_pool,
            agents.len()
        );
        println!("          container groups in {rg}: 0");
        if !agents.is_empty() {
            return Err(format!("agents left in the pool: {agents:?}").into());
        }
        image_story::run(self, env).await?;
        acr_story::run(self, env).await?;
        self.step(22, "stopping the emulator");
        Ok(())
    }

    /// Runs spawn-agent for pipeline run `run`; the agent's name from its output variable.
    async fn spawn_agent(&self, run: u32) -> Result<String> {
        let output = self.run_tool("spawn-agent", &[], &self.spawn_env(run)).await?;
        let marker = "##vso[task.setvariable variable=agentName;isOutput=true]";
        output
            .lines()
            .find_map(|l| l.strip_prefix(marker))
            .map(str::to_owned)
            .ok_or_else(|| "spawn-agent printed no agent name".into())
    }

    /// Runs `demo <tool> <args>` with `env` only, prints its output indented; its output.
    async fn run_tool(&self, tool: &str, args: &[&str], env: &BTreeMap<String, String>) -> Result<String> {
        self.run_tool_expecting(tool, args, env, 0).await
    }

    /// Runs `demo <tool> <args>` with `env` only, prints its output indented; its output if it
    /// exited with `expected`.
    pub(super) async fn run_tool_expecting(
        &self,
        tool: &str,
        args: &[&str],
        env: &BTreeMap<String, String>,
        expected: i32,
    ) -> Result<String> {
        println!("          $ {}", shown(tool, args));
        let mut child = tokio::process::Command::new(&self.me)
            .arg(tool)
            .args(args)
            .env_clear()
            .envs(env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()?;
        let stdout = Capture::start(child.stdout.take());
        let stderr = Capture::start(child.stderr.take());
        let status = match tokio::time::timeout(TOOL_TIMEOUT, child.wait()).await {
            Ok(status) => status?,
            Err(_) => {
                let _ = child.kill().await;
                return Err(format!("{tool} did not finish within {TOOL_TIMEOUT:?}").into());
            }
        };
        let text = stdout.finish().await + &stderr.finish().await;
        for line in text.lines() {
            println!("          | {line}");
        }
        match status.code() {
            Some(code) if code == expected => Ok(text),
            code => Err(format!("{tool} exited with {code:?}, expected {expected}").into()),
        }
    }

    /// What a pipeline step would give spawn-agent: the service connection's login (the
    /// emulator's service principal), the token, and the run's ids.
    fn spawn_env(&self, run: u32) -> BTreeMap<String, String> {
        let d = &self.info.defaults;
        let mut env = self.base_env();
        let subnet = format!(
            "/subscriptions/{}/resourceGroups/rg-network/providers/Microsoft.Network/virtualNetworks/vnet-build/subnets/agents",
            d.subscription_id
        );
        let agent_dir = self.scratch.join(format!("agent-{run}"));
        for (name, value) in [
            ("ACI_LOCATION", d.location.clone()),
            ("ACI_SUBNET_ID", subnet),
            ("ACI_IMAGE", AGENT_IMAGE.to_owned()),
            ("ACI_IDENTITY", d.identity_resource_id.clone()),
            ("ACI_ENVIRONMENT", format!("AZP_AGENT_DIR={}", path(&agent_dir))),
            ("BUILD_BUILDID", run.to_string()),
            ("SYSTEM_JOBID", JOB_ID.to_owned()),
            ("SYSTEM_JOBATTEMPT", "1".to_owned()),
        ] {
            env.insert(name.to_owned(), value);
        }
        env
    }

    fn reap_env(&self) -> BTreeMap<String, String> {
        let mut env = self.base_env();
        env.insert("REAP_MIN_AGE".to_owned(), "1s".to_owned());
        env
    }

    /// The environment every tool gets: the emulator's (the service connection's login, its
    /// CA), `PATH`, and the pool and resource group of the story.
    pub(super) fn base_env(&self) -> BTreeMap<String, String> {
        let d = &self.info.defaults;
        let mut env: BTreeMap<String, String> = self.info.env.clone().into_iter().collect();
        env.insert("PATH".to_owned(), std::env::var("PATH").unwrap_or_default());
        env.insert("AZP_TOKEN".to_owned(), d.devops_pat.clone());
        env.insert("AZP_POOL".to_owned(), d.devops_pool.clone());
        env.insert("ACI_RESOURCE_GROUP".to_owned(), d.resource_group.clone());
        env
    }

    /// Queues a job named `deploy` running `command` in the pool; its request id.
    fn queue_job(&self, command: &str) -> Result<i64> {
        let d = &self.info.defaults;
        let job = JobSpec::new(command).with_name("deploy");
        Ok(self
            .control
            .queue_job(&d.devops_organization, &d.devops_pool, &job)?
            .request_id)
    }

    /// Job request `id`.
    fn job(&self, id: i64) -> Result<Job> {
        Ok(self.control.job(&self.info.defaults.devops_organization, id)?)
    }

    /// The pool's agents.
    fn agents(&self) -> Result<Vec<Agent>> {
        let d = &self.info.defaults;
        Ok(self.control.agents(&d.devops_organization, &d.devops_pool)?)
    }

    fn agent_named(&self, name: &str) -> Result<Option<Agent>> {
        Ok(self.agents()?.into_iter().find(|a| a.name == name))
    }

    async fn group_exists(&self, name: &str) -> Result<bool> {
        match self
            .containers
            .get(&self.info.defaults.resource_group, name, None)
            .await
        {
            Ok(_) => Ok(true),
            Err(error) if error.as_arm().is_some_and(|e| e.is_not_found()) => Ok(false),
            Err(error) => Err(error.into()),
        }
    }

    /// Looks every 250 ms until `check` gives a value, at most 60 s.
    pub(super) async fn wait<T, F: Future<Output = Result<Option<T>>>>(
        &self,
        what: &str,
        mut check: impl FnMut() -> F,
    ) -> Result<T> {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(value) = check().await? {
                return Ok(value);
            }
            if Instant::now() > deadline {
                return Err(format!("timed out waiting for {what}").into());
            }
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

/// A command line as the demo shows it: on one line when short, else one flag (with its
/// value) per continuation line.
fn shown(tool: &str, args: &[&str]) -> String {
    let mut parts: Vec<String> = vec![tool.to_owned()];
    for arg in args.iter().map(|a| quoted(a)) {
        // A value joins its flag; a word joins the words before the first flag.
        let takes_value = |last: &String| !last.starts_with("--") || !last.contains(' ');
        match parts.last_mut() {
            Some(last) if !arg.starts_with("--") && takes_value(last) => {
                last.push(' ');
                last.push_str(&arg);
            }
            _ => parts.push(arg),
        }
    }
    let line = parts.join(" ");
    if line.len() <= 100 {
        return line;
    }
    parts.join(" \\\n              ")
}

/// `arg` as a shell would need it: in single quotes when it holds anything but letters, digits
/// and `-_./:,=@`.
fn quoted(arg: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:,=@".contains(c);
    if !arg.is_empty() && arg.chars().all(plain) {
        arg.to_owned()
    } else {
        format!("'{}'", arg.replace('\'', r"'\''"))
    }
}

/// How a job ended, as Azure DevOps names it (`?` while it runs).
fn result(job: &Job) -> String {
    job.result.map_or_else(|| "?".to_owned(), |r| r.to_string())
}

/// A child's output stream read into a buffer by a task, until the end of the stream or until
/// [`Capture::finish`] stops waiting for it.
struct Capture {
    buffer: Arc<Mutex<Vec<u8>>>,
    task: Option<JoinHandle<()>>,
}

impl Capture {
    /// Starts reading `stream` (nothing to read without one).
    fn start(stream: Option<impl AsyncRead + Unpin + Send + 'static>) -> Capture {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let task = stream.map(|mut stream| {
            let buffer = Arc::clone(&buffer);
            tokio::spawn(async move {
                let mut chunk = [0u8; 8192];
                while let Ok(n @ 1..) = stream.read(&mut chunk).await {
                    let mut buffer = buffer.lock().unwrap_or_else(PoisonError::into_inner);
                    buffer.extend_from_slice(chunk.get(..n).unwrap_or_default());
                }
            })
        });
        Capture { buffer, task }
    }

    /// What was read, once the stream ended or after [`DRAIN`] at most (call once the child has
    /// exited).
    async fn finish(self) -> String {
        if let Some(mut task) = self.task
            && tokio::time::timeout(DRAIN, &mut task).await.is_err()
        {
            task.abort();
        }
        let buffer = self.buffer.lock().unwrap_or_else(PoisonError::into_inner);
        String::from_utf8_lossy(&buffer).into_owned()
    }
}

fn path(p: &Path) -> String {
    p.display().to_string()
}
