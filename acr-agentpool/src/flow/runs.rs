//! The run flows: `az acr build --agent-pool`, `az acr run --cmd` / `-f`, `az acr task run`,
//! each in the order validate inputs → read the registry and the pool (or task) → checks →
//! writes (upload, `scheduleRun`) → follow the log (or poll the run) → the [`RunOutcome`].
//!
//! Cancellation: each flow takes a `cancel` future (a signal, a canceled pipeline). Before
//! `scheduleRun` it stops the flow with [`RunEnd::NotScheduled`]: nothing is left behind but an
//! uploaded context blob, which ACR's upload container expires on its own (the SAS of
//! `listBuildSourceUploadUrl` is short-lived and the blob is ACR's, not the caller's). After
//! `scheduleRun`, the run is canceled (`Runs_Cancel`) and read until it is over, and the outcome
//! is [`RunEnd::Canceled`] ([`super::settle`]). The `scheduleRun` POST itself is not interrupted
//! (its answer names the run to cancel), nor is the settling of a lost answer.

use super::image_name::validate_image_name;
use super::lost_answer::RunSignature;
use super::outcome::{RunEnd, RunOutcome};
use super::platform::parse_platform;
use super::quick_task::encode_cmd_task;
use super::{AgentPoolFlow, FlowEvent, RegistryRef};
use crate::checks::{check_schedulable, check_task_run_pool, validate_pool_name};
use crate::client::RunsClient;
use crate::context::{BuildContext, upload_context};
use crate::error::Error;
use crate::logs::LogFollower;
use crate::model::{
    Argument, DockerBuildRequest, EncodedTaskRunRequest, FileTaskRunRequest, Run, RunRequest, RunStatus, TaskRunRequest,
};
use arm_core::azure_core::credentials::Secret;
use arm_core::{Acceptance, Waiter, WaiterOptions};
use futures::FutureExt;
use futures::future::FusedFuture;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::time::Duration;

/// The shortest run timeout the spec allows, in seconds.
pub const MIN_TIMEOUT: u32 = 300;
/// The longest run timeout the spec allows, in seconds (8 hours).
pub const MAX_TIMEOUT: u32 = 28_800;

/// What to build (`az acr build --agent-pool`).
#[derive(Clone, Debug)]
pub struct BuildRequest {
    /// The registry.
    pub registry: RegistryRef,
    /// The agent pool (`--agent-pool`).
    pub agent_pool: String,
    /// The image names (`-t`), docker references; `{{.Run.ID}}` and the other run variables
    /// are expanded by ACR.
    pub images: Vec<String>,
    /// The Dockerfile (`-f`), relative to the current directory; default `<context>/Dockerfile`.
    pub file: Option<PathBuf>,
    /// Build arguments (`--build-arg NAME=VALUE`).
    pub build_args: Vec<(String, String)>,
    /// Secret build arguments (`--secret-build-arg`), sent with `isSecret` and never logged.
    pub secret_build_args: Vec<(String, Secret)>,
    /// The platform (`--platform`, `os[/arch[/variant]]`); default `linux/amd64`.
    pub platform: Option<String>,
    /// The run timeout in seconds (`--timeout`, 300 to 28800; default the service's 3600).
    pub timeout: Option<u32>,
    /// Build without pushing (`--no-push`); without images nothing is pushed either.
    pub no_push: bool,
    /// Poll the run instead of following its log (`--no-logs`).
    pub no_logs: bool,
    /// The context folder.
    pub context: PathBuf,
}

/// What a quick run runs (`az acr run`).
#[derive(Clone, Debug)]
pub enum QuickRunTask {
    /// `--cmd <command> /dev/null`: one `cmd` step, no context, sent as an
    /// `EncodedTaskRunRequest`.
    Cmd(String),
    /// `-f <task file> <context>`: a task file in a context folder, uploaded and sent as a
    /// `FileTaskRunRequest` (the file path relative to the context).
    File {
        /// The task file, relative to the context (`acb.yaml`).
        file: String,
        /// The context folder.
        context: PathBuf,
    },
}

/// A quick run (`az acr run --agent-pool`).
#[derive(Clone, Debug)]
pub struct QuickRunRequest {
    /// The registry.
    pub registry: RegistryRef,
    /// The agent pool.
    pub agent_pool: String,
    /// What to run.
    pub task: QuickRunTask,
    /// The platform; default `linux/amd64`.
    pub platform: Option<String>,
    /// The run timeout in seconds (300 to 28800).
    pub timeout: Option<u32>,
    /// Poll the run instead of following its log.
    pub no_logs: bool,
}

/// A run of an existing task (`az acr task run`).
#[derive(Clone, Debug)]
pub struct TaskRunFlowRequest {
    /// The registry.
    pub registry: RegistryRef,
    /// The task's name.
    pub task: String,
    /// The pool to run on; refused when the task already has one (Azure refuses it late).
    pub agent_pool: Option<String>,
    /// Poll the run instead of following its log.
    pub no_logs: bool,
}

/// `--timeout` within the spec's bounds.
fn checked_timeout(timeout: Option<u32>) -> Result<Option<i32>, Error> {
    match timeout {
        None => Ok(None),
        Some(t) if (MIN_TIMEOUT..=MAX_TIMEOUT).contains(&t) => Ok(Some(t as i32)),
        Some(t) => Err(Error::invalid(
            "--timeout",
            format!("{t} seconds is out of range; expected {MIN_TIMEOUT} to {MAX_TIMEOUT} (the spec's bounds)"),
        )),
    }
}

/// A build argument's name: not empty, no `=`.
fn checked_arg_name(field: &str, name: &str) -> Result<(), Error> {
    if name.is_empty() || name.contains('=') || name.chars().any(char::is_whitespace) {
        return Err(Error::invalid(
            field,
            format!("{name:?} is not a build argument name; expected NAME=VALUE with a NAME without '=' or blanks"),
        ));
    }
    Ok(())
}

impl AgentPoolFlow {
    /// Builds `request.context` on the agent pool (`az acr build --agent-pool`): checks the
    /// inputs (pool name, image names, platform, timeout, build arguments, the context and its
    /// Dockerfile), reads the registry and the pool ([`check_schedulable`]), uploads the context
    /// (`listBuildSourceUploadUrl`, [`upload_context`]), schedules a `DockerBuildRequest` and
    /// follows its log into `sink`. An error before `scheduleRun` left no run behind.
    pub async fn build(
        &self,
        request: &BuildRequest,
        cancel: impl Future<Output = ()>,
        sink: impl FnMut(&str),
        mut events: impl FnMut(FlowEvent),
    ) -> Result<RunOutcome, Error> {
        validate_pool_name(&request.agent_pool)?;
        for image in &request.images {
            validate_image_name(image)?;
        }
        let platform = parse_platform(request.platform.as_deref())?;
        let timeout = checked_timeout(request.timeout)?;
        for (name, _) in &request.build_args {
            checked_arg_name("--build-arg", name)?;
        }
        for (name, _) in &request.secret_build_args {
            checked_arg_name("--secret-build-arg", name)?;
        }
        let context = BuildContext::for_build(&request.context, request.file.as_deref())?;

        let cancel = cancel.fuse();
        let mut cancel = std::pin::pin!(cancel);
        let group = self.schedulable_pool(&request.registry, &request.agent_pool).await?;
        let name = request.registry.name.as_str();
        events(FlowEvent::Step(format!("uploading {}", request.context.display())));
        let upload = async {
            let target = self.registries.build_source_upload_url(&group, name, None).await?;
            let uploaded = upload_context(&self.storage, &target.upload_url, context, None).await?;
            Ok::<_, Error>((target.relative_path, uploaded))
        };
        let (relative_path, uploaded) = tokio::select! {
            biased;
            () = cancel.as_mut() => return Ok(RunOutcome::new("", RunEnd::NotScheduled, None, None)),
            uploaded = upload => uploaded?,
        };
        events(FlowEvent::Uploaded {
            bytes: uploaded.bytes,
            sha256: uploaded.sha256.clone(),
        });
        let arguments = request
            .build_args
            .iter()
            .map(|(name, value)| Argument {
                name: name.clone(),
                value: Secret::new(value.clone()),
                is_secret: Some(false),
            })
            .chain(request.secret_build_args.iter().map(|(name, value)| Argument {
                name: name.clone(),
                value: value.clone(),
                is_secret: Some(true),
            }))
            .collect::<Vec<_>>();
        let docker = DockerBuildRequest {
            is_archive_enabled: None,
            agent_pool_name: Some(request.agent_pool.clone()),
            log_template: None,
            image_names: (!request.images.is_empty()).then(|| request.images.clone()),
            // As the CLI: push only when there are images and --no-push is not given.
            is_push_enabled: Some(!request.no_push && !request.images.is_empty()),
            no_cache: None,
            docker_file_path: uploaded.dockerfile_path.unwrap_or_else(|| "Dockerfile".to_owned()),
            target: None,
            arguments: (!arguments.is_empty()).then_some(arguments),
            timeout,
            platform,
            agent_configuration: None,
            source_location: Some(relative_path),
            credentials: None,
        };
        let run: RunRequest = docker.into();
        let signature = RunSignature::of(&run, Some(&request.agent_pool), None);
        self.schedule_and_watch(&group, name, run, signature, request.no_logs, cancel, sink, events)
            .await
    }

    /// A quick run on the agent pool (`az acr run --agent-pool`): `--cmd` as an
    /// `EncodedTaskRunRequest` with no context (the CLI's `/dev/null`), or a task file with its
    /// context uploaded as a `FileTaskRunRequest`.
    pub async fn quick_run(
        &self,
        request: &QuickRunRequest,
        cancel: impl Future<Output = ()>,
        sink: impl FnMut(&str),
        mut events: impl FnMut(FlowEvent),
    ) -> Result<RunOutcome, Error> {
        validate_pool_name(&request.agent_pool)?;
        let platform = parse_platform(request.platform.as_deref())?;
        let timeout = checked_timeout(request.timeout)?;
        let encoded = match &request.task {
            QuickRunTask::Cmd(command) => Some(encode_cmd_task(command, request.timeout)?),
            QuickRunTask::File { file, .. } if file.trim().is_empty() => {
                return Err(Error::invalid(
                    "--file",
                    "is empty; expected the task file's path relative to the context (acb.yaml)",
                ));
            }
            QuickRunTask::File { .. } => None,
        };
        let context = match &request.task {
            QuickRunTask::File { context, .. } => Some(BuildContext::for_run(context)?),
            QuickRunTask::Cmd(_) => None,
        };

        let cancel = cancel.fuse();
        let mut cancel = std::pin::pin!(cancel);
        let group = self.schedulable_pool(&request.registry, &request.agent_pool).await?;
        let name = request.registry.name.as_str();
        let pool = Some(request.agent_pool.clone());
        let run: RunRequest = match (&request.task, encoded, context) {
            (_, Some((task, values)), _) => EncodedTaskRunRequest {
                is_archive_enabled: None,
                agent_pool_name: pool,
                log_template: None,
                encoded_task_content: task,
                encoded_values_content: Some(values),
                values: None,
                timeout,
                platform,
                agent_configuration: None,
                source_location: None,
                credentials: None,
            }
            .into(),
            (QuickRunTask::File { file, context: folder }, None, Some(context)) => {
                events(FlowEvent::Step(format!("uploading {}", folder.display())));
                let upload = async {
                    let target = self.registries.build_source_upload_url(&group, name, None).await?;
                    let uploaded = upload_context(&self.storage, &target.upload_url, context, None).await?;
                    Ok::<_, Error>((target.relative_path, uploaded))
                };
                let (relative_path, uploaded) = tokio::select! {
                    biased;
                    () = cancel.as_mut() => return Ok(RunOutcome::new("", RunEnd::NotScheduled, None, None)),
                    uploaded = upload => uploaded?,
                };
                events(FlowEvent::Uploaded {
                    bytes: uploaded.bytes,
                    sha256: uploaded.sha256,
                });
                FileTaskRunRequest {
                    is_archive_enabled: None,
                    agent_pool_name: pool,
                    log_template: None,
                    task_file_path: file.clone(),
                    values_file_path: None,
                    values: None,
                    timeout,
                    platform,
                    agent_configuration: None,
                    source_location: Some(relative_path),
                    credentials: None,
                }
                .into()
            }
            _ => unreachable!("a Cmd task is encoded and a File task has a context"),
        };
        let signature = RunSignature::of(&run, Some(&request.agent_pool), None);
        self.schedule_and_watch(&group, name, run, signature, request.no_logs, cancel, sink, events)
            .await
    }

    /// Runs an existing task (`az acr task run`): reads the task, refuses a pool when the task
    /// already names one ([`check_task_run_pool`]: Azure would refuse it after queuing), checks
    /// the pool the run will use ([`check_schedulable`]), schedules a `TaskRunRequest` and
    /// follows the log.
    pub async fn task_run(
        &self,
        request: &TaskRunFlowRequest,
        cancel: impl Future<Output = ()>,
        sink: impl FnMut(&str),
        events: impl FnMut(FlowEvent),
    ) -> Result<RunOutcome, Error> {
        if let Some(pool) = &request.agent_pool {
            validate_pool_name(pool)?;
        }
        if request.task.trim().is_empty() {
            return Err(Error::invalid("--name", "the task name is empty"));
        }
        let cancel = cancel.fuse();
        let cancel = std::pin::pin!(cancel);
        let (group, _) = self.resolve(&request.registry).await?;
        let name = request.registry.name.as_str();
        let task = self.registries.tasks(&group, name)?.get(&request.task, None).await?;
        check_task_run_pool(&task, request.agent_pool.as_deref())?;
        let pool_name = request.agent_pool.as_deref().or(task.agent_pool_name());
        if let Some(pool_name) = pool_name {
            let pool = self.registries.agent_pools(&group, name)?.get(pool_name, None).await?;
            check_schedulable(&pool)?;
        }
        let task_id = task.id.clone().ok_or_else(|| Error::Wait {
            resource: format!("task {}", request.task),
            reason: "the task was read without its resource id".to_owned(),
        })?;
        let run = TaskRunRequest {
            is_archive_enabled: None,
            agent_pool_name: request.agent_pool.clone(),
            log_template: None,
            task_id,
            override_task_step_properties: None,
        };
        let run: RunRequest = run.into();
        let signature = RunSignature::of(&run, pool_name, task.name.as_deref().or(Some(&request.task)));
        self.schedule_and_watch(&group, name, run, signature, request.no_logs, cancel, sink, events)
            .await
    }

    /// The registry's resource group once pool `pool` of it was read and found schedulable.
    async fn schedulable_pool(&self, registry: &RegistryRef, pool: &str) -> Result<String, Error> {
        let (group, _) = self.resolve(registry).await?;
        let found = self
            .registries
            .agent_pools(&group, &registry.name)?
            .get(pool, None)
            .await?;
        check_schedulable(&found)?;
        Ok(group)
    }

    /// Schedules `run` (a lost answer settled through `signature`, [`super::settle`]), then
    /// follows its log (or polls it) until it ends; `cancel` resolving cancels it.
    #[allow(clippy::too_many_arguments)]
    async fn schedule_and_watch<C: FusedFuture<Output = ()>>(
        &self,
        group: &str,
        name: &str,
        run: RunRequest,
        signature: RunSignature,
        no_logs: bool,
        mut cancel: Pin<&mut C>,
        sink: impl FnMut(&str),
        mut events: impl FnMut(FlowEvent),
    ) -> Result<RunOutcome, Error> {
        if cancel.as_mut().now_or_never().is_some() {
            return Ok(RunOutcome::new("", RunEnd::NotScheduled, None, None));
        }
        let runs = self.registries.runs(group, name)?;
        events(FlowEvent::Step(format!(
            "scheduling a {} on registry {name}",
            run.kind()
        )));
        let scheduled = self
            .schedule_settled(group, name, &runs, &run, &signature, &mut events)
            .await?;
        let run_id = scheduled
            .run_id()
            .ok_or_else(|| Error::Wait {
                resource: format!("registry {name}"),
                reason: "scheduleRun answered a run without its id".to_owned(),
            })?
            .to_owned();
        events(FlowEvent::Scheduled { run_id: run_id.clone() });
        if cancel.as_mut().now_or_never().is_some() {
            return Ok(self.cancel_and_wait(&runs, &run_id, &mut events).await);
        }
        let watch = async {
            if no_logs {
                self.poll_run(&runs, &run_id).await
            } else {
                LogFollower::new(runs.clone(), self.storage.clone())
                    .with_options(self.follow.clone())
                    .with_clock(self.clock.clone())
                    .follow(&run_id, sink)
                    .await
            }
        };
        let watched = tokio::select! {
            biased;
            () = cancel.as_mut() => None,
            watched = watch => Some(watched),
        };
        Ok(match watched {
            None => self.cancel_and_wait(&runs, &run_id, &mut events).await,
            Some(Ok(run)) => {
                let status = run.status().cloned().unwrap_or(RunStatus::Other("unknown".to_owned()));
                RunOutcome::new(&run_id, RunEnd::Finished(status), Some(run), None)
            }
            Some(Err(error)) => RunOutcome::new(&run_id, RunEnd::Unknown, None, Some(error)),
        })
    }

    /// Polls run `run_id` until it is terminal (`--no-logs`, as the CLI's
    /// `get_run_with_polling`), bounded by the follow options' `max_wait`.
    async fn poll_run(&self, runs: &RunsClient, run_id: &str) -> Result<Run, Error> {
        let options = WaiterOptions {
            min_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(15),
            max_wait: self.follow.max_wait,
            jitter: true,
        };
        Waiter::new(options, self.clock.clone())
            .wait(
                || runs.get(run_id, None),
                |result: Result<&Run, &Error>| match result {
                    Ok(run) if run.status().is_some_and(RunStatus::is_terminal) => Acceptance::Success(run.clone()),
                    Ok(_) => Acceptance::Retry,
                    Err(Error::Arm(e)) if e.is_throttled() || e.status().is_some_and(|s| u16::from(s) >= 500) => {
                        Acceptance::Retry
                    }
                    Err(e) => Acceptance::Failure(e.to_string()),
                },
            )
            .await
            .map_err(|error| Error::Wait {
                resource: format!("run {run_id}"),
                reason: match error {
                    arm_core::WaitError::Failed { reason, .. } => reason,
                    arm_core::WaitError::TimedOut { after, .. } => format!("not finished after {after:?}"),
                },
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timeouts_outside_the_specs_bounds_are_refused() {
        assert_eq!(checked_timeout(None).unwrap(), None);
        assert_eq!(checked_timeout(Some(300)).unwrap(), Some(300));
        assert_eq!(checked_timeout(Some(28_800)).unwrap(), Some(28_800));
        for bad in [0, 299, 28_801] {
            let error = checked_timeout(Some(bad)).unwrap_err().to_string();
            assert!(
                error.starts_with("invalid --timeout: ") && error.contains("300 to 28800"),
                "{error}"
            );
        }
    }

    #[test]
    fn build_argument_names_are_checked() {
        assert!(checked_arg_name("--build-arg", "VERSION").is_ok());
        for bad in ["", "A=B", "A B"] {
            let error = checked_arg_name("--build-arg", bad).unwrap_err().to_string();
            assert!(error.starts_with("invalid --build-arg: "), "{error}");
        }
    }
}
