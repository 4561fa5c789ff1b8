//! Running one job: `sh -c command` in its own process group, in the sources folder, with the
//! listener's environment (less the `VSTS_AGENT_INPUT_*` variables) plus the predefined
//! variables the real agent gives a job (`AGENT_HOMEDIRECTORY`, `AGENT_TEMPDIRECTORY`,
//! `AGENT_WORKFOLDER`, `BUILD_SOURCESDIRECTORY`, ...);
//! the request's lock renewed meanwhile; cancelled on SIGINT or SIGTERM (SIGINT to the group,
//! SIGKILL 2 s later); `crash` kills the job and aborts the listener.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Duration;

use hyper::Method;
use nix::sys::signal::{Signal, killpg};
use nix::unistd::Pid;
use serde::Deserialize;
use serde_json::json;

use super::Failure;
use super::files::{self, AgentSettings};
use super::inputs::is_input_variable;
use super::server::Server;
use super::signals::{Received, Signals};

/// How often the lock is renewed.
const RENEW_EVERY: Duration = Duration::from_secs(3);
/// How long a cancelled job has between SIGINT and SIGKILL.
const CANCEL_GRACE: Duration = Duration::from_secs(2);

/// The body of a `PipelineAgentJobRequest` message.
#[derive(Deserialize, Debug)]
#[serde(rename_all = "camelCase")]
pub(crate) struct JobMessage {
    pub request_id: i64,
    pub job_id: String,
    pub job_name: String,
    pub lock_token: String,
    pub command: String,
    #[serde(default)]
    pub crash: bool,
    #[serde(default)]
    pub ignore_sigint: bool,
}

/// How a job ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// It ran to the end: `succeeded` (exit 0) or `failed`.
    Finished(&'static str),
    /// A signal cancelled it.
    Canceled(Received),
}

/// The folders of a job, laid out as the real agent lays them out for the first pipeline it
/// runs: `_work/1/{s,a,b,TestResults}`, `_work/_temp` and `_work/_tool`.
struct JobDirectories {
    home: PathBuf,
    work: PathBuf,
    build: PathBuf,
    sources: PathBuf,
    artifacts: PathBuf,
    binaries: PathBuf,
    test_results: PathBuf,
    temp: PathBuf,
    tools: PathBuf,
}

impl JobDirectories {
    fn new(root: &Path, work: &Path) -> JobDirectories {
        let build = work.join("1");
        JobDirectories {
            home: root.to_owned(),
            work: work.to_owned(),
            sources: build.join("s"),
            artifacts: build.join("a"),
            binaries: build.join("b"),
            test_results: build.join("TestResults"),
            temp: work.join("_temp"),
            tools: work.join("_tool"),
            build,
        }
    }

    fn create(&self) -> std::io::Result<()> {
        for dir in [&self.sources, &self.artifacts, &self.binaries, &self.temp, &self.tools] {
            std::fs::create_dir_all(dir)?;
        }
        Ok(())
    }

    /// The predefined variables the real agent gives every job for these folders.
    fn variables(&self) -> Vec<(&'static str, &Path)> {
        vec![
            ("AGENT_HOMEDIRECTORY", &self.home),
            ("AGENT_ROOTDIRECTORY", &self.work),
            ("AGENT_WORKFOLDER", &self.work),
            ("AGENT_TEMPDIRECTORY", &self.temp),
            ("AGENT_TOOLSDIRECTORY", &self.tools),
            ("AGENT_BUILDDIRECTORY", &self.build),
            ("PIPELINE_WORKSPACE", &self.build),
            ("BUILD_SOURCESDIRECTORY", &self.sources),
            ("BUILD_REPOSITORY_LOCALPATH", &self.sources),
            ("SYSTEM_DEFAULTWORKINGDIRECTORY", &self.sources),
            ("BUILD_ARTIFACTSTAGINGDIRECTORY", &self.artifacts),
            ("BUILD_STAGINGDIRECTORY", &self.artifacts),
            ("BUILD_BINARIESDIRECTORY", &self.binaries),
            ("COMMON_TESTRESULTSDIRECTORY", &self.test_results),
        ]
    }
}

/// Removes the input variables from a child's environment.
pub(crate) fn scrub(command: &mut std::process::Command) {
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(is_input_variable) {
            command.env_remove(name);
        }
    }
}

/// Runs the job until it ends or is cancelled.
pub(crate) async fn run(
    server: &Server,
    settings: &AgentSettings,
    root: &Path,
    job: &JobMessage,
    signals: &mut Signals,
) -> Result<Outcome, Failure> {
    let work = files::work_folder(root, settings);
    let dirs = JobDirectories::new(root, &work);
    dirs.create()
        .map_err(|e| Failure::new(format!("cannot create the job's folders under {}: {e}", work.display())))?;
    let mut command = std::process::Command::new("sh");
    command
        .arg("-c")
        .arg(&job.command)
        .current_dir(&dirs.sources)
        .env("AGENT_NAME", &settings.agent_name)
        .env("AGENT_ID", settings.agent_id.to_string())
        .env("SYSTEM_JOBID", &job.job_id)
        .env("SYSTEM_JOBNAME", &job.job_name)
        .env("AGENT_JOBNAME", &job.job_name)
        .env("AGENT_OS", "Linux")
        .env("AGENT_MACHINENAME", super::host_name())
        .env("TF_BUILD", "True")
        .envs(dirs.variables())
        .stdin(Stdio::null());
    std::os::unix::process::CommandExt::process_group(&mut command, 0);
    scrub(&mut command);
    let mut child = match tokio::process::Command::from(command).spawn() {
        Ok(child) => child,
        Err(error) => {
            eprintln!("The job could not be started: {error}");
            return Ok(Outcome::Finished("failed"));
        }
    };
    let group = child.id().and_then(|id| i32::try_from(id).ok()).map(Pid::from_raw);
    if job.crash {
        if let Some(group) = group {
            let _ = killpg(group, Signal::SIGKILL);
        }
        let _ = child.wait().await;
        eprintln!("The agent listener crashed (scripted by the emulator).");
        std::process::abort();
    }
    let mut renew = tokio::time::interval(RENEW_EVERY);
    renew.tick().await;
    loop {
        tokio::select! {
            status = child.wait() => {
                let succeeded = status.is_ok_and(|s| s.success());
                return Ok(Outcome::Finished(if succeeded { "succeeded" } else { "failed" }));
            }
            _ = renew.tick() => renew_lock(server, settings, job).await,
            received = signals.recv() => {
                if received == Received::Interrupt && job.ignore_sigint {
                    println!("SIGINT ignored while the job runs.");
                    continue;
                }
                cancel(&mut child, group).await;
                return Ok(Outcome::Canceled(received));
            }
        }
    }
}

/// SIGINT to the job's group, then SIGKILL after the grace period.
async fn cancel(child: &mut tokio::process::Child, group: Option<Pid>) {
    let Some(group) = group else {
        let _ = child.kill().await;
        return;
    };
    let _ = killpg(group, Signal::SIGINT);
    if tokio::time::timeout(CANCEL_GRACE, child.wait()).await.is_err() {
        let _ = killpg(group, Signal::SIGKILL);
        let _ = child.wait().await;
    }
}

/// `PATCH .../jobrequests/{id}?lockToken=` without a result: renews the lock.
async fn renew_lock(server: &Server, settings: &AgentSettings, job: &JobMessage) {
    let path = format!("pools/{}/jobrequests/{}", settings.pool_id, job.request_id);
    let body = json!({ "requestId": job.request_id });
    let _ = server
        .send(Method::PATCH, &path, &[("lockToken", &job.lock_token)], Some(body))
        .await;
}

/// Finishes the request with `result`.
pub(crate) async fn finish(
    server: &Server,
    settings: &AgentSettings,
    job: &JobMessage,
    result: &str,
) -> Result<(), Failure> {
    let path = format!("pools/{}/jobrequests/{}", settings.pool_id, job.request_id);
    let body = json!({
        "requestId": job.request_id,
        "finishTime": crate::clock::rfc3339(time::OffsetDateTime::now_utc()),
        "result": result,
    });
    server
        .expect(Method::PATCH, &path, &[("lockToken", &job.lock_token)], Some(body))
        .await
        .map(|_| ())
}
