//! One run, from the agent taking it to its end: `Running`, the setup lines ACR's agent prints,
//! then its work (a Docker build of the uploaded context, or a task's steps), each step lasting
//! `[acr] step_ms` on the emulator's clock; then `Succeeded` (with its output images),
//! `Failed` (a step failed: a missing Dockerfile, a command's exit code, a scripted failure),
//! `Error` (the source cannot be read) or `Timeout`, each with its last log line and the log's
//! `complete` mark. A cancel or a deletion ends it from outside: the execution notices at its
//! next check and stops without writing anything more.

use std::sync::Arc;
use std::time::{Duration, Instant};

use super::context::{Found, find_file};
use super::dockerfile::{self, instructions};
use super::process::run_step;
use super::task_yaml::{self, Aliases, Step};
use super::{TICK, dispatch};
use crate::arm::acr_runs::log;
use crate::control::acr::settings;
use crate::model::acr::registry::registry;
use crate::model::acr::run::{
    InternalBlob, OutputImage, Run, RunStatus, Scripted, Source, TaskYaml, Work, runs, runs_mut,
};
use crate::model::storage;
use crate::shared::Shared;

/// Why an execution stops before its end.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Stop {
    /// Canceled or deleted: the end is written already.
    Gone,
    /// Its timeout passed.
    TimedOut,
}

/// How a run's work ended, short of success.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Outcome {
    /// A step failed: `runErrorMessage`.
    Failed(String),
    /// The service could not do its part (the source).
    Error(String),
    Stop(Stop),
}

impl From<Stop> for Outcome {
    fn from(stop: Stop) -> Self {
        Outcome::Stop(stop)
    }
}

/// A run being executed.
pub(super) struct Execution {
    pub shared: Arc<Shared>,
    /// Its ARM id.
    pub id: String,
    run_id: String,
    log: InternalBlob,
    login_server: String,
    started: Instant,
    deadline: Instant,
    step: Duration,
    scripted: Scripted,
}

impl Execution {
    /// Appends `lines` to the log (on a blocking thread: the Blob store writes files).
    pub async fn write(&self, lines: Vec<String>) {
        if lines.is_empty() {
            return;
        }
        let shared = Arc::clone(&self.shared);
        let blob = self.log.clone();
        let written = tokio::task::spawn_blocking(move || log::append(&shared, &shared.read(), &blob, &lines)).await;
        if let Err(error) = written {
            tracing::warn!(%error, "acr: a run log writer failed");
        }
    }

    /// A line stamped with the emulator's now.
    fn stamped(&self, text: &str) -> String {
        format!("{} {text}", log::stamp(self.shared.clock.now()))
    }

    /// Whether the run may go on: not canceled, not deleted, within its timeout.
    pub fn check(&self) -> Result<(), Stop> {
        let active = runs(&self.shared.read())
            .and_then(|store| store.get(&self.id, self.shared.clock.instant()))
            .is_some_and(|run| !run.status.is_terminal());
        if !active {
            Err(Stop::Gone)
        } else if self.shared.clock.instant() >= self.deadline {
            Err(Stop::TimedOut)
        } else {
            Ok(())
        }
    }

    /// Waits `duration` on the emulator's clock, checking the run as it goes.
    async fn wait(&self, duration: Duration) -> Result<(), Stop> {
        let until = self.shared.clock.instant() + duration;
        loop {
            self.check()?;
            let now = self.shared.clock.instant();
            if now >= until {
                return Ok(());
            }
            tokio::time::sleep(TICK.min(until - now)).await;
        }
    }

    /// Seconds since the agent took the run.
    fn elapsed(&self) -> u64 {
        self.shared
            .clock
            .instant()
            .saturating_duration_since(self.started)
            .as_secs()
    }

    /// Fails at step `index` (0-based) if the run was scripted to.
    async fn scripted_failure(&self, index: usize, steps: usize) -> Result<(), Outcome> {
        match self.scripted.fail_at_step {
            Some(at) if at.min(steps.saturating_sub(1)) == index => {
                let message = self
                    .scripted
                    .message
                    .clone()
                    .unwrap_or_else(|| format!("step {} failed (scripted)", index + 1));
                self.write(vec![self.stamped(&message)]).await;
                Err(Outcome::Failed(message))
            }
            _ => Ok(()),
        }
    }

    /// Reads file `path` out of the run's source archive.
    async fn read_source(&self, source: &Source, path: &str) -> Result<Found, Outcome> {
        let Source::Archive(blob) = source else {
            return Err(Outcome::Failed(format!(
                "unable to find '{path}': the run has no source (sourceLocation)"
            )));
        };
        self.write(vec![self.stamped("Downloading source code...")]).await;
        let shared = Arc::clone(&self.shared);
        let (blob, wanted) = (blob.clone(), path.to_owned());
        let read = tokio::task::spawn_blocking(move || {
            let opened = {
                let world = shared.read();
                let container = storage::container(&world, &blob.account, &blob.container, shared.clock.instant());
                container.and_then(|container| shared.blob.open(&container.data_id, &blob.blob))
            };
            match opened {
                None => Err(Outcome::Error(format!(
                    "failed to download the source: blob '{}' does not exist (upload it to the URL listBuildSourceUploadUrl answered)",
                    blob.blob
                ))),
                Some(Err(error)) => Err(Outcome::Error(format!("failed to download the source: {error}"))),
                Some(Ok((_, file))) => find_file(std::io::BufReader::new(file), &wanted).map_err(Outcome::Failed),
            }
        })
        .await
        .unwrap_or_else(|error| Err(Outcome::Error(format!("failed to read the source: {error}"))));
        if read.is_ok() {
            self.write(vec![self.stamped("Finished downloading source code")]).await;
        }
        read
    }

    /// A Docker build: each instruction a step, then the push.
    async fn docker_build(
        &self,
        source: &Source,
        path: &str,
        names: &[String],
        push: bool,
        target: Option<&str>,
    ) -> Result<Vec<OutputImage>, Outcome> {
        let found = self.read_source(source, path).await?;
        let text = String::from_utf8(found.file.clone())
            .map_err(|_| Outcome::Failed(format!("failed to parse {path}: it is not UTF-8 text")))?;
        let steps = instructions(&text);
        if steps.is_empty() {
            return Err(Outcome::Failed(format!(
                "failed to parse {path}: file with no instructions"
            )));
        }
        let digest = dockerfile::digest(&found.archive_sha256, &found.file, target);
        let short = |index: usize| format!("{:012x}", fastrand_hash(&digest, index));
        self.write(vec![
            self.stamped("Executing step ID: build. Timeout(sec): 28800, Working directory: '', Network: ''"),
            self.stamped("Scanning for dependencies..."),
            self.stamped("Successfully scanned dependencies"),
            self.stamped("Launching container with name: build"),
        ])
        .await;
        for (index, instruction) in steps.iter().enumerate() {
            self.write(vec![format!("Step {}/{} : {instruction}", index + 1, steps.len())])
                .await;
            self.scripted_failure(index, steps.len()).await?;
            self.wait(self.step).await?;
            self.write(vec![format!(" ---> {}", short(index))]).await;
        }
        let images: Vec<OutputImage> = names
            .iter()
            .map(|name| dockerfile::output_image(name, &self.login_server, &digest))
            .collect();
        let mut lines = vec![format!("Successfully built {}", short(steps.len()))];
        lines.extend(images.iter().map(|image| {
            format!(
                "Successfully tagged {}/{}:{}",
                image.registry, image.repository, image.tag
            )
        }));
        lines.push(self.stamped("Successfully executed container: build"));
        self.write(lines).await;
        if !push {
            return Ok(Vec::new());
        }
        self.write(vec![self.stamped(
            "Executing step ID: push. Timeout(sec): 3600, Working directory: '', Network: ''",
        )])
        .await;
        for image in &images {
            let name = format!("{}/{}:{}", image.registry, image.repository, image.tag);
            self.write(vec![self.stamped(&format!("Pushing image: {name}, attempt 1"))])
                .await;
            self.wait(self.step).await?;
            self.write(vec![self.stamped(&format!("Successfully pushed image: {name}"))])
                .await;
        }
        Ok(images)
    }

    /// A multi-step task.
    async fn task_steps(
        &self,
        source: &Source,
        yaml: &TaskYaml,
        values: &[(String, Option<String>)],
    ) -> Result<Vec<OutputImage>, Outcome> {
        let text = match yaml {
            TaskYaml::Inline(text) => text.clone(),
            TaskYaml::File(path) => String::from_utf8(self.read_source(source, path).await?.file)
                .map_err(|_| Outcome::Failed(format!("failed to parse {path}: it is not UTF-8 text")))?,
        };
        let aliases = Aliases {
            run_id: &self.run_id,
            registry: &self.login_server,
            values,
        };
        let steps = task_yaml::steps(&text, &aliases)
            .map_err(|why| Outcome::Failed(format!("failed to parse the task: {why}")))?;
        let mut images = Vec::new();
        for (index, step) in steps.iter().enumerate() {
            let id = format!("acb_step_{index}");
            let began = self.shared.clock.instant();
            self.write(vec![self.stamped(&format!(
                "Executing step ID: {id}. Timeout(sec): 600, Working directory: '', Network: 'acb_default_network'"
            ))])
            .await;
            self.scripted_failure(index, steps.len()).await?;
            match step {
                Step::Cmd { image, args } => {
                    self.write(vec![self.stamped(&format!("Launching container with name: {id}"))])
                        .await;
                    let code = run_step(self, image, args).await?;
                    if code != 0 {
                        self.write(vec![
                            self.stamped(&format!("Container failed during run: {id}. No retries remaining.")),
                        ])
                        .await;
                        return Err(Outcome::Failed(format!("failed during run, err: exit status {code}")));
                    }
                    self.write(vec![self.stamped(&format!("Successfully executed container: {id}"))])
                        .await;
                }
                Step::Build(args) => {
                    self.write(vec![
                        self.stamped(&format!("Launching container with name: {id}")),
                        format!("docker build {args}"),
                    ])
                    .await;
                    self.wait(self.step).await?;
                    self.write(vec![self.stamped(&format!("Successfully executed container: {id}"))])
                        .await;
                }
                Step::Push(names) => {
                    for name in names {
                        self.write(vec![self.stamped(&format!("Pushing image: {name}, attempt 1"))])
                            .await;
                        self.wait(self.step).await?;
                        self.write(vec![self.stamped(&format!("Successfully pushed image: {name}"))])
                            .await;
                        let digest = dockerfile::digest(name.as_bytes(), self.run_id.as_bytes(), None);
                        images.push(dockerfile::output_image(name, &self.login_server, &digest));
                    }
                }
            }
            let seconds = self
                .shared
                .clock
                .instant()
                .saturating_duration_since(began)
                .as_secs_f64();
            self.write(vec![self.stamped(&format!(
                "Step ID: {id} marked as successful (elapsed time in seconds: {seconds:.6})"
            ))])
            .await;
        }
        Ok(images)
    }

    /// Ends the run with `status` unless it ended already, then writes `line` and marks the
    /// log complete, and lets the next queued run take the agent.
    async fn finish(&self, status: RunStatus, error: Option<String>, images: Vec<OutputImage>, line: String) {
        let ended = {
            let (now, wall) = (self.shared.clock.instant(), self.shared.clock.now());
            let mut world = self.shared.write();
            let ended = match runs_mut(&mut world).get_mut(&self.id, now) {
                Some(run) if !run.status.is_terminal() => {
                    run.set_status(status, wall);
                    run.error_message = error;
                    run.output_images = images;
                    run.process = None;
                    true
                }
                _ => false,
            };
            if ended {
                dispatch(&mut world, wall, now);
            }
            ended
        };
        if !ended {
            return;
        }
        self.write(vec![line]).await;
        let shared = Arc::clone(&self.shared);
        let blob = self.log.clone();
        let marked = tokio::task::spawn_blocking(move || log::complete(&shared, &shared.read(), &blob, status)).await;
        if let Err(error) = marked {
            tracing::warn!(%error, "acr: a run log could not be marked complete");
        }
    }
}

/// A number from `digest` and `index`, for the layer ids of the build output.
fn fastrand_hash(digest: &str, index: usize) -> u64 {
    digest
        .bytes()
        .chain(index.to_le_bytes())
        .fold(0xcbf2_9ce4_8422_2325_u64, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
        })
        & 0xffff_ffff_ffff
}

/// Executes `run` (an agent holds it) to its end.
pub(super) async fn execute(shared: Arc<Shared>, run: Run) {
    let now = shared.clock.instant();
    let (started, login_server, step) = {
        let mut world = shared.write();
        let step = Duration::from_millis(settings(&world).step_ms);
        let login_server = registry(&world, &run.registry_id, now).map_or_else(String::new, |r| r.login_server());
        let started = match runs_mut(&mut world).get_mut(&run.id(), now) {
            Some(stored) if stored.status == RunStatus::Started => {
                stored.set_status(RunStatus::Running, shared.clock.now());
                stored.started.map_or(now, |(_, at)| at)
            }
            _ => return,
        };
        (started, login_server, step)
    };
    let execution = Execution {
        shared,
        id: run.id(),
        run_id: run.run_id.clone(),
        log: run.log.clone(),
        login_server,
        started,
        deadline: started + run.timeout,
        step,
        scripted: run.scripted.clone(),
    };
    execution
        .write(vec![
            execution.stamped(&format!("Using acb_vol_{} as the home volume", run.run_id)),
            execution.stamped("Setting up Docker configuration..."),
            execution.stamped("Successfully set up Docker configuration"),
            execution.stamped(&format!("Logging in to registry: {}", execution.login_server)),
            execution.stamped(&format!("Successfully logged into {}", execution.login_server)),
        ])
        .await;
    let result = if execution.scripted.hold {
        hold(&execution).await
    } else {
        match &run.work {
            Work::DockerBuild {
                source,
                dockerfile,
                image_names,
                push,
                target,
            } => {
                let aliases = Aliases {
                    run_id: &run.run_id,
                    registry: &execution.login_server,
                    values: &[],
                };
                let names: Vec<String> = image_names.iter().map(|name| aliases.apply(name)).collect();
                execution
                    .docker_build(source, dockerfile, &names, *push, target.as_deref())
                    .await
            }
            Work::Steps { source, yaml, values } => execution.task_steps(source, yaml, values).await,
        }
    };
    let seconds = execution.elapsed();
    let run_id = &run.run_id;
    match result {
        Ok(images) => {
            let line = execution.stamped(&format!("Run ID: {run_id} was successful after {seconds}s"));
            execution.finish(RunStatus::Succeeded, None, images, line).await;
        }
        Err(Outcome::Failed(message)) => {
            let line = execution.stamped(&format!("Run ID: {run_id} failed after {seconds}s. Error: {message}"));
            execution
                .finish(RunStatus::Failed, Some(message), Vec::new(), line)
                .await;
        }
        Err(Outcome::Error(message)) => {
            let line = execution.stamped(&format!("Run ID: {run_id} failed after {seconds}s. Error: {message}"));
            execution
                .finish(RunStatus::Error, Some(message), Vec::new(), line)
                .await;
        }
        Err(Outcome::Stop(Stop::TimedOut)) => {
            let message = format!("Run timed out after {}s", run.timeout.as_secs());
            let line = execution.stamped(&format!("Run ID: {run_id} timed out after {seconds}s"));
            execution
                .finish(RunStatus::Timeout, Some(message), Vec::new(), line)
                .await;
        }
        Err(Outcome::Stop(Stop::Gone)) => {}
    }
}

/// A run scripted to stay `Running`: it waits until it is canceled or times out.
async fn hold(execution: &Execution) -> Result<Vec<OutputImage>, Outcome> {
    loop {
        execution.wait(TICK).await?;
    }
}
