//! Helpers of the Azure DevOps tests: a configuration with the stand-in agent, REST calls with a
//! PAT, the admin job API, and agent directories.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use az_emulator::{DevopsConfig, EmulatorConfig, JobSpec, PatSeed};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use reqwest::Method;
use serde_json::Value;

use crate::common::{Harness, Reply, quick_config};

/// The stand-in agent built with these tests.
pub const AGENT_BINARY: &str = env!("CARGO_BIN_EXE_az-emulator-agent");
/// The api-version the tests send.
pub const API: &str = "api-version=7.1";

/// The default configuration, the stand-in agent, 2-second long polls.
pub fn devops_config() -> EmulatorConfig {
    EmulatorConfig {
        devops: DevopsConfig {
            agent_binary: Some(PathBuf::from(AGENT_BINARY)),
            message_poll_secs: 2,
            ..DevopsConfig::default()
        },
        ..quick_config()
    }
}

/// `Basic base64(user:secret)`.
pub fn basic(secret: &str) -> String {
    format!("Basic {}", STANDARD.encode(format!("user:{secret}")))
}

/// A directory removed when dropped.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("az-emulator-{name}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Harness {
    /// A request to `{org url}/_apis/distributedtask/{path}` with an `Authorization` header.
    pub async fn devops(&self, method: Method, path: &str, auth: Option<&str>, body: Option<Value>) -> Reply {
        let url = format!("{}/_apis/distributedtask/{path}", self.info().defaults.devops_url);
        self.devops_url(method, &url, auth, body).await
    }

    /// A request to a full URL of the devops listener.
    pub async fn devops_url(&self, method: Method, url: &str, auth: Option<&str>, body: Option<Value>) -> Reply {
        let mut headers = Vec::new();
        if let Some(auth) = auth {
            headers.push(("authorization", auth));
        }
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        self.send(method, url, &headers, body.map(|b| b.to_string())).await
    }

    /// `Basic` with the default full-scope PAT.
    pub fn pat_auth(&self) -> String {
        basic(&self.info().defaults.devops_pat)
    }

    /// Queues a job in the default pool (typed control API); its request id.
    pub fn queue_job(&self, job: JobSpec) -> i64 {
        let d = &self.info().defaults;
        let control = self.emulator.control();
        let queued = control.queue_job(&d.devops_organization, &d.devops_pool, &job);
        queued.expect("the job is queued").request_id
    }

    /// A job request as the admin API shows it: Azure DevOps's `TaskAgentJobRequest` plus `state`
    /// and `agentName` (over HTTP: the tests check the wire fields the typed `Job` leaves out).
    pub async fn job(&self, request_id: i64) -> Value {
        let d = &self.info().defaults;
        let reply = self
            .admin(
                Method::GET,
                &format!("/devops/{}/jobs/{request_id}", d.devops_organization),
                None,
            )
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json
    }

    /// Waits until the job reaches `state` (at most 20 s).
    pub async fn wait_for_job(&self, request_id: i64, state: &str) -> Value {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let job = self.job(request_id).await;
            if job["state"] == state {
                return job;
            }
            assert!(
                Instant::now() < deadline,
                "job {request_id} never became {state}: {job}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The agents of the default pool (admin API).
    pub async fn pool_agents(&self) -> Vec<Value> {
        let d = &self.info().defaults;
        let path = format!("/devops/{}/pools/{}/agents", d.devops_organization, d.devops_pool);
        let reply = self.admin(Method::GET, &path, None).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        reply.json["value"].as_array().expect("value").clone()
    }

    /// Seeds a PAT named `seeded` with these scopes in the default organization (typed control
    /// API); the token.
    pub async fn seed_pat(&self, scopes: &[&str]) -> String {
        let seed = PatSeed {
            scopes: scopes.iter().map(|s| (*s).to_owned()).collect(),
            name: Some("seeded".to_owned()),
            ..PatSeed::default()
        };
        let org = &self.info().defaults.devops_organization;
        self.emulator.control().add_pat(org, &seed).expect("the PAT is added")
    }
}

/// Whether a file is executable by its owner.
pub fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o100 != 0)
}

/// Every file under `dir` (recursively).
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    found
}

/// What a finished process printed and how it ended.
pub struct Ran {
    pub status: std::process::ExitStatus,
    pub stdout: String,
    pub stderr: String,
}

impl Ran {
    pub fn code(&self) -> Option<i32> {
        self.status.code()
    }
}

impl std::fmt::Debug for Ran {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}\n--- stdout\n{}--- stderr\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// A command of the agent at `dir` (`config.sh`, `bin/Agent.Listener`, ...).
pub fn agent_command(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> tokio::process::Command {
    let mut command = tokio::process::Command::new(dir.join(program));
    command
        .args(args)
        .envs(env.iter().copied())
        .current_dir(dir)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true);
    command
}

/// Runs a command of the agent to the end (at most 60 s).
pub async fn run_agent(dir: &Path, program: &str, args: &[&str], env: &[(&str, &str)]) -> Ran {
    let output = agent_command(dir, program, args, env).output();
    let output = tokio::time::timeout(Duration::from_secs(60), output)
        .await
        .expect("the agent command ends within 60 s")
        .expect("the agent command starts");
    Ran {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Waits for a spawned agent command to end (at most `secs` seconds).
pub async fn finish(child: tokio::process::Child, secs: u64) -> Ran {
    let output = tokio::time::timeout(Duration::from_secs(secs), child.wait_with_output())
        .await
        .unwrap_or_else(|_| panic!("the process did not end within {secs} s"))
        .expect("waits");
    Ran {
        status: output.status,
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Sends SIGINT to a child.
pub fn interrupt(child: &tokio::process::Child) {
    let pid = i32::try_from(child.id().expect("running")).unwrap();
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), nix::sys::signal::Signal::SIGINT).expect("kill");
}

impl Harness {
    /// The stand-in laid out in a fresh directory and configured as `name` with the default PAT.
    pub async fn configured_agent(&self, name: &str) -> TempDir {
        let dir = TempDir::new("agent");
        self.emulator.lay_out_agent(dir.path()).expect("lays out the agent");
        let ran = self.configure(dir.path(), name, &[]).await;
        assert_eq!(ran.code(), Some(0), "{ran:?}");
        dir
    }

    /// `config.sh --unattended --url {org} --agent {name} {extra}` with the PAT in
    /// `VSTS_AGENT_INPUT_TOKEN`.
    pub async fn configure(&self, dir: &Path, name: &str, extra: &[&str]) -> Ran {
        let d = self.info().defaults.clone();
        let mut args = vec![
            "--unattended",
            "--acceptTeeEula",
            "--url",
            &d.devops_url,
            "--agent",
            name,
        ];
        args.extend_from_slice(extra);
        run_agent(dir, "config.sh", &args, &[("VSTS_AGENT_INPUT_TOKEN", &d.devops_pat)]).await
    }

    /// Waits until the default pool's agent `name` has `status` (at most 20 s).
    pub async fn wait_for_agent_status(&self, name: &str, status: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let agents = self.pool_agents().await;
            if agents.iter().any(|a| a["name"] == name && a["status"] == status) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "agent {name} never became {status}: {agents:?}"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}
