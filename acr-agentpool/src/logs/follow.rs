//! Following a run's log as ACR writes it.
//!
//! The log of a run is an append blob whose SAS URL `listLogSasUrl` gives (`logLink`); ACR
//! appends CRLF lines to it and sets the metadata key `complete` (its value the run's status)
//! when the run ends (Azure/azure-cli `acr/_stream_utils.py`). The Azure CLI reads it in 4 KiB
//! ranges and, when nothing is new, sleeps 1 s plus 1-2 s of jitter, doubling every three
//! empty polls up to 15 s: a new line can take 17 s to show. Here the blob is followed by
//! [`StorageClient::follow_append_blob`] (250 ms between polls while the log grows, backing off
//! to 5 s when it is quiet, 4 MiB reads), the end read from the metadata is confirmed by the
//! run's status (`Runs_Get`), and the follow also ends, without `complete`, once the run is
//! terminal and its log has stopped growing (a run that fails before writing a log, a log
//! whose writer died). Everything is bounded by [`LogFollowOptions::max_wait`].

use crate::client::RunsClient;
use crate::error::Error;
use crate::logs::lines::LineSplitter;
use crate::model::{Run, RunStatus};
use arm_core::azure_core::http::StatusCode;
use arm_core::storage::{BlobLocation, FollowOptions, StorageClient};
use arm_core::{Acceptance, Clock, TokioClock, WaitError, Waiter, WaiterOptions};
use futures::StreamExt;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How many times in a row an expired or revoked log SAS (HTTP 403) is replaced by a new one
/// from `listLogSasUrl` without any new byte read in between.
const SAS_RENEWALS: u32 = 3;

/// Options of a [`LogFollower`].
#[derive(Clone, Debug)]
pub struct LogFollowOptions {
    /// How the blob is polled (default: [`FollowOptions::default`], 250 ms while the log
    /// grows, up to 5 s when it is quiet). Its `offset` and `max_wait_for_blob` (twice
    /// [`LogFollowOptions::max_wait`]) are set by the follower.
    pub blob: FollowOptions,
    /// How long the log may stay quiet before the run's status is read (default 5 s); it is
    /// read again at this interval while the log stays quiet.
    pub status_interval: Duration,
    /// How long the log of a terminal run must stay unchanged before the follow ends without
    /// the `complete` metadata (default 15 s: at least two polls of the blob at its longest
    /// idle delay).
    pub settle: Duration,
    /// How the run's status is waited for once the log says it is complete (default: every
    /// second up to 5 s, for at most 2 minutes): ACR sets the metadata as the run ends, and
    /// its status may lag a little.
    pub confirm: WaiterOptions,
    /// The longest the whole follow may take (default 8 h 30 min: the longest run timeout the
    /// spec allows, 28800 s, plus half an hour in the queue); past it the follow ends with
    /// [`Error::Wait`], and the run goes on.
    pub max_wait: Duration,
}

impl Default for LogFollowOptions {
    fn default() -> Self {
        Self {
            blob: FollowOptions::default(),
            status_interval: Duration::from_secs(5),
            settle: Duration::from_secs(15),
            confirm: WaiterOptions {
                min_delay: Duration::from_secs(1),
                max_delay: Duration::from_secs(5),
                max_wait: Duration::from_secs(120),
                jitter: true,
            },
            max_wait: Duration::from_secs(28_800 + 1_800),
        }
    }
}

/// Follows the run logs of one registry: its runs client (for `listLogSasUrl` and the run's
/// status), the Blob client (whose clock times the blob polls) and a clock for the status
/// checks and the bound.
#[derive(Clone, Debug)]
pub struct LogFollower {
    runs: RunsClient,
    storage: StorageClient,
    clock: Arc<dyn Clock>,
    options: LogFollowOptions,
}

impl LogFollower {
    /// A follower on these clients, with the default options and the real clock.
    pub fn new(runs: RunsClient, storage: StorageClient) -> Self {
        Self {
            runs,
            storage,
            clock: Arc::new(TokioClock),
            options: LogFollowOptions::default(),
        }
    }

    /// This follower with `options`.
    pub fn with_options(mut self, options: LogFollowOptions) -> Self {
        self.options = options;
        self
    }

    /// This follower timing its status checks and its bound on `clock` (give the
    /// [`StorageClient`] the same clock, through `StorageClientOptions::clock`).
    pub fn with_clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The options of this follower.
    pub fn options(&self) -> &LogFollowOptions {
        &self.options
    }

    /// Follows the log of run `run_id`, giving each line to `sink` as soon as it is whole (CRLF
    /// removed; a last line without an end is given when the log ends), and returns the run as
    /// it ended.
    ///
    /// A log blob not there yet (the run is queued) is waited for. The follow ends when the
    /// blob carries the `complete` metadata and every byte was read (then the run's terminal
    /// status is waited for, [`LogFollowOptions::confirm`]), or when the run is terminal and
    /// its log has not grown for [`LogFollowOptions::settle`]. An expired log SAS is renewed.
    /// Errors: the ARM error of `listLogSasUrl` or `Runs_Get`, the Storage error of a read,
    /// [`Error::Wait`] past [`LogFollowOptions::max_wait`] or when the log is complete and the
    /// run never shows a terminal status.
    pub async fn follow(&self, run_id: &str, mut sink: impl FnMut(&str)) -> Result<Run, Error> {
        let started = self.clock.now();
        let mut splitter = LineSplitter::default();
        let mut offset = 0u64;
        let mut renewals = 0u32;
        loop {
            let blob = self.log_blob(run_id).await?;
            let mut options = self.options.blob.clone();
            options.offset = offset;
            // The follow's own bound (checked with the run's status) decides; the blob wait only
            // backs it up.
            options.max_wait_for_blob = self.options.max_wait.saturating_mul(2);
            let mut follower = self.storage.follow_append_blob(&blob, Some(options))?;
            let mut terminal: Option<Terminal> = None;
            let mut status = Box::pin(self.status_after(run_id, self.options.status_interval));
            loop {
                tokio::select! {
                    biased;
                    chunk = follower.next() => match chunk {
                        Some(Ok(bytes)) => {
                            offset += bytes.len() as u64;
                            renewals = 0;
                            splitter.push(&bytes, &mut sink);
                            // The log grows: no need for the run's status until it is quiet.
                            status.set(self.status_after(run_id, self.options.status_interval));
                        }
                        None => {
                            splitter.finish(&mut sink);
                            return self.confirm(run_id).await;
                        }
                        Some(Err(error)) if error.status() == Some(StatusCode::Forbidden) && renewals < SAS_RENEWALS => {
                            tracing::info!(run_id, %error, "the log SAS was refused: asking for a new one");
                            renewals += 1;
                            break;
                        }
                        Some(Err(error)) => return Err(error.into()),
                    },
                    current = &mut status => {
                        let current = current?;
                        let now = self.clock.now();
                        if is_terminal(&current) {
                            match &terminal {
                                Some(seen) if seen.offset == offset && now.saturating_duration_since(seen.since) >= self.options.settle => {
                                    tracing::debug!(run_id, offset, "the run is terminal and its log stopped growing");
                                    splitter.finish(&mut sink);
                                    return Ok(current);
                                }
                                Some(seen) if seen.offset == offset => {}
                                _ => terminal = Some(Terminal { since: now, offset }),
                            }
                        }
                        if now.saturating_duration_since(started) >= self.options.max_wait {
                            splitter.finish(&mut sink);
                            return Err(Error::Wait {
                                resource: format!("run {run_id}"),
                                reason: format!(
                                    "its log was followed for {:?} (LogFollowOptions::max_wait) and the run is still {}",
                                    self.options.max_wait,
                                    status_name(&current)
                                ),
                            });
                        }
                        let next = if terminal.is_some() {
                            self.options.status_interval.min(self.options.settle)
                        } else {
                            self.options.status_interval
                        };
                        status.set(self.status_after(run_id, next));
                    }
                }
            }
        }
    }

    /// The log blob of run `run_id`, from `listLogSasUrl`.
    async fn log_blob(&self, run_id: &str) -> Result<BlobLocation, Error> {
        let links = self.runs.log_sas_url(run_id, None).await?;
        Ok(BlobLocation::from_sas(links.log_link)?)
    }

    /// The run, read after `delay`.
    async fn status_after(&self, run_id: &str, delay: Duration) -> Result<Run, Error> {
        self.clock.sleep(delay).await;
        self.runs.get(run_id, None).await
    }

    /// The log is complete: the run as soon as its status is terminal.
    async fn confirm(&self, run_id: &str) -> Result<Run, Error> {
        let waiter = Waiter::new(self.options.confirm.clone(), self.clock.clone());
        let waited = waiter
            .wait(
                || self.runs.get(run_id, None),
                |result: Result<&Run, &Error>| match result {
                    Ok(current) if is_terminal(current) => Acceptance::Success(current.clone()),
                    Ok(_) => Acceptance::Retry,
                    Err(Error::Arm(error))
                        if error.is_throttled() || error.status().is_some_and(|s| u16::from(s) >= 500) =>
                    {
                        Acceptance::Retry
                    }
                    Err(error) => Acceptance::Failure(error.to_string()),
                },
            )
            .await;
        match waited {
            Ok(current) => Ok(current),
            Err(WaitError::Failed { last: Err(error), .. }) => Err(error),
            Err(WaitError::Failed { reason, .. }) => Err(Error::Wait {
                resource: format!("run {run_id}"),
                reason,
            }),
            Err(WaitError::TimedOut { after, last }) => Err(Error::Wait {
                resource: format!("run {run_id}"),
                reason: format!(
                    "its log is complete but the run was still {} after {after:?}",
                    last.as_ref().map_or("unreadable", status_name)
                ),
            }),
        }
    }
}

/// Whether the run's status is final.
fn is_terminal(run: &Run) -> bool {
    run.status().is_some_and(RunStatus::is_terminal)
}

/// The run's status as Azure spells it, for messages.
fn status_name(run: &Run) -> &str {
    run.status().map_or("without a status", RunStatus::as_str)
}

/// When the run was first seen terminal, and how much of its log had been read then.
struct Terminal {
    since: Instant,
    offset: u64,
}
