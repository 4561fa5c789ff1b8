//! Scheduling a run so that a lost answer becomes neither a failed build nor a second run, and
//! canceling one until it is over.
//!
//! `scheduleRun` is a POST that queues a run: the pipeline never sends it twice
//! ([`crate::RegistriesClient::schedule_run`]). When its answer is lost (a `5xx`, a `408`, a
//! timeout or a connection dropped after it was sent: [`answer_lost`]) the flow settles it by
//! reading the registry's runs, in the way image-builder settles its run POST
//! (`image-builder/src/runs.rs`, `start_run`):
//!
//! 1. before the POST it notes the runs already there: `Runs_List` with `$filter` on
//!    `CreateTime ge <now - CREATE_TIME_MARGIN>` and the pool (`AgentPoolName eq`) or, for a task
//!    run without a pool, the task (`TaskName eq`), `$top` [`RECENT_RUNS`];
//! 2. after a lost answer it lists them again, [`RunControlOptions::find_lost_run`] bounding
//!    how long (a run the service was still writing may show a little later), and keeps the
//!    new ones that look like the request ([`RunSignature`]): exactly one is adopted as the
//!    scheduled run; none means the request created nothing, and it is sent again,
//!    [`RunControlOptions::schedule_attempts`] times in all (then the last error is returned);
//!    several is [`Error::Unsettled`] naming them (nothing more is sent: which one is ours is
//!    unknowable, and canceling the wrong one would hurt someone else's run).
//!
//! The creation-time window is wide ([`CREATE_TIME_MARGIN`]) so that a client clock behind
//! Azure's does not hide the new run; the runs noted before the POST are what tells new from
//! old. More than [`RECENT_RUNS`] runs created on the same pool within the window would hide
//! some from the first list (an unlikely load; the `$top` keeps the read small).

use super::lost_answer::{RunSignature, answer_lost};
use super::outcome::{RunEnd, RunOutcome};
use super::{AgentPoolFlow, FlowEvent};
use crate::client::{RunFilter, RunListOptions, RunsClient};
use crate::error::Error;
use crate::model::{Run, RunRequest, RunStatus};
use arm_core::{Acceptance, WaitError, Waiter, WaiterOptions};
use futures::TryStreamExt;
use std::collections::HashSet;
use std::time::Duration;
use time::OffsetDateTime;

/// How far before the POST the run lists look (`CreateTime ge now - 10 min`): room for a
/// client clock behind Azure's.
pub const CREATE_TIME_MARGIN: Duration = Duration::from_secs(600);

/// How many of the newest runs each list reads (`$top`).
pub const RECENT_RUNS: u32 = 50;

/// How the run flows settle a lost `scheduleRun` answer and wait for a canceled run.
#[derive(Clone, Debug)]
pub struct RunControlOptions {
    /// How many times `scheduleRun` is sent in all when each answer was lost and no run
    /// appeared (default 3; at least 1).
    pub schedule_attempts: u32,
    /// How the runs are listed after a lost answer, looking for the run it created (default:
    /// every 1 s up to 5 s, for at most 20 s; the wait ends as soon as one or more new runs
    /// appear).
    pub find_lost_run: WaiterOptions,
    /// How a canceled run is read until it shows `Canceled` or another terminal status
    /// (default: every 1 s up to 5 s, for at most 2 minutes; the Azure CLI's `az acr task
    /// cancel-run` does not wait at all).
    pub cancel_wait: WaiterOptions,
}

impl Default for RunControlOptions {
    fn default() -> Self {
        Self {
            schedule_attempts: 3,
            find_lost_run: WaiterOptions {
                min_delay: Duration::from_secs(1),
                max_delay: Duration::from_secs(5),
                max_wait: Duration::from_secs(20),
                jitter: true,
            },
            cancel_wait: WaiterOptions {
                min_delay: Duration::from_secs(1),
                max_delay: Duration::from_secs(5),
                max_wait: Duration::from_secs(120),
                jitter: true,
            },
        }
    }
}

/// What a list after a lost answer found.
enum Found {
    /// Exactly one new run like the request.
    One(Box<Run>),
    /// Several: their ids.
    Several(Vec<String>),
    /// None within the bound.
    None,
}

/// Whether a failed read is worth reading again (throttled, `5xx`, transport).
fn transient(error: &Error) -> bool {
    match error {
        Error::Arm(e) => e.is_throttled() || answer_lost(error),
        _ => false,
    }
}

impl AgentPoolFlow {
    /// Schedules `run` on registry `name` of `group`, settling a lost answer as the module says;
    /// `signature` tells the run it creates.
    pub(super) async fn schedule_settled(
        &self,
        group: &str,
        name: &str,
        runs: &RunsClient,
        run: &RunRequest,
        signature: &RunSignature,
        events: &mut impl FnMut(FlowEvent),
    ) -> Result<Run, Error> {
        let list = RunListOptions {
            filter: Some(window_filter(signature)),
            top: Some(RECENT_RUNS),
            ..Default::default()
        };
        let before: HashSet<String> = recent_runs(runs, &list)
            .await?
            .iter()
            .filter_map(|r| r.run_id().map(str::to_owned))
            .collect();
        let attempts = self.control.schedule_attempts.max(1);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let error = match self.registries.schedule_run(group, name, run, None).await {
                Ok(scheduled) => return Ok(scheduled),
                Err(error) if answer_lost(&error) => error,
                Err(error) => return Err(error),
            };
            tracing::warn!(registry = name, attempt, %error, "the answer of scheduleRun was lost: looking for the run it may have created");
            events(FlowEvent::Step(format!(
                "the answer of scheduleRun was lost ({error}): looking for the run it may have created"
            )));
            match self.find_new_run(runs, &list, &before, signature).await? {
                Found::One(found) => {
                    tracing::info!(
                        registry = name,
                        run_id = found.run_id(),
                        "adopted the run the lost scheduleRun created"
                    );
                    return Ok(*found);
                }
                Found::Several(ids) => {
                    return Err(Error::Unsettled {
                        operation: format!("scheduleRun on registry {name}"),
                        message: format!(
                            "its answer was lost ({error}) and {} new runs like it appeared: {}; check which is yours (runs show their pool, type and images) and cancel the others if they are not wanted",
                            ids.len(),
                            ids.join(", ")
                        ),
                    });
                }
                Found::None if attempt < attempts => {
                    events(FlowEvent::Step(format!(
                        "no run was created: scheduling again (attempt {} of {attempts})",
                        attempt + 1
                    )));
                }
                Found::None => return Err(error),
            }
        }
    }

    /// Lists the runs until new ones like `signature` appear, within
    /// [`RunControlOptions::find_lost_run`].
    async fn find_new_run(
        &self,
        runs: &RunsClient,
        list: &RunListOptions,
        before: &HashSet<String>,
        signature: &RunSignature,
    ) -> Result<Found, Error> {
        let waited = Waiter::new(self.control.find_lost_run.clone(), self.clock.clone())
            .wait(
                || recent_runs(runs, list),
                |listed: Result<&Vec<Run>, &Error>| match listed {
                    Ok(listed) => {
                        let new: Vec<&Run> = listed
                            .iter()
                            .filter(|r| r.run_id().is_some_and(|id| !before.contains(id)))
                            .filter(|r| signature.matches(r))
                            .collect();
                        match new.as_slice() {
                            [] => Acceptance::Retry,
                            [one] => Acceptance::Success(Found::One(Box::new((*one).clone()))),
                            several => Acceptance::Success(Found::Several(
                                several.iter().filter_map(|r| r.run_id().map(str::to_owned)).collect(),
                            )),
                        }
                    }
                    Err(error) if transient(error) => Acceptance::Retry,
                    Err(error) => Acceptance::Failure(error.to_string()),
                },
            )
            .await;
        match waited {
            Ok(found) => Ok(found),
            Err(WaitError::TimedOut { last: Ok(_), .. }) => Ok(Found::None),
            Err(WaitError::TimedOut { last: Err(error), .. } | WaitError::Failed { last: Err(error), .. }) => {
                Err(Error::Unsettled {
                    operation: "scheduleRun".to_owned(),
                    message: format!(
                        "its answer was lost and the runs could not be listed to find the run it may have created ({error}); nothing was sent again: list the runs of the pool before scheduling again"
                    ),
                })
            }
            Err(WaitError::Failed { reason, .. }) => Err(Error::Unsettled {
                operation: "scheduleRun".to_owned(),
                message: reason,
            }),
        }
    }

    /// Cancels run `run_id` (`Runs_Cancel`) and reads it until it shows a terminal status
    /// ([`RunControlOptions::cancel_wait`]). The outcome is [`RunEnd::Canceled`], with the run
    /// as last read; its `error` holds the cancel's refusal, or [`Error::Wait`] when the run was
    /// still going at the bound.
    pub(super) async fn cancel_and_wait(
        &self,
        runs: &RunsClient,
        run_id: &str,
        events: &mut impl FnMut(FlowEvent),
    ) -> RunOutcome {
        events(FlowEvent::Step(format!("canceling run {run_id}")));
        if let Err(error) = runs.cancel(run_id, None).await {
            tracing::warn!(run_id, %error, "the run could not be canceled");
            let run = runs.get(run_id, None).await.ok();
            return RunOutcome::new(run_id, RunEnd::Canceled, run, Some(error));
        }
        let waited = Waiter::new(self.control.cancel_wait.clone(), self.clock.clone())
            .wait(
                || runs.get(run_id, None),
                |read: Result<&Run, &Error>| match read {
                    Ok(run) if run.status().is_some_and(RunStatus::is_terminal) => Acceptance::Success(run.clone()),
                    Ok(_) => Acceptance::Retry,
                    Err(error) if transient(error) => Acceptance::Retry,
                    Err(error) => Acceptance::Failure(error.to_string()),
                },
            )
            .await;
        match waited {
            Ok(run) => {
                events(FlowEvent::Step(format!(
                    "run {run_id} is {}",
                    run.status().map_or("over", RunStatus::as_str)
                )));
                RunOutcome::new(run_id, RunEnd::Canceled, Some(run), None)
            }
            Err(WaitError::TimedOut { after, last }) => {
                let status = match &last {
                    Ok(run) => run.status().map_or("without a status", RunStatus::as_str).to_owned(),
                    Err(error) => format!("unreadable ({error})"),
                };
                let error = Error::Wait {
                    resource: format!("run {run_id}"),
                    reason: format!("canceled, but still {status} after {after:?}"),
                };
                RunOutcome::new(run_id, RunEnd::Canceled, last.ok(), Some(error))
            }
            Err(WaitError::Failed { last, .. }) => {
                let error = last.err().unwrap_or_else(|| Error::Wait {
                    resource: format!("run {run_id}"),
                    reason: "canceled, and its status could not be read".to_owned(),
                });
                RunOutcome::new(run_id, RunEnd::Canceled, None, Some(error))
            }
        }
    }
}

/// The runs a lost answer may have created: created within [`CREATE_TIME_MARGIN`] of now, on
/// the signature's pool (or of its task, for a task run on the default agents).
fn window_filter(signature: &RunSignature) -> RunFilter {
    let since = OffsetDateTime::now_utc() - CREATE_TIME_MARGIN;
    let filter = RunFilter::new().created_since(since);
    match (&signature.pool, &signature.task) {
        (Some(pool), _) => filter.agent_pool_name(pool),
        (None, Some(task)) => filter.task_name(task),
        (None, None) => filter,
    }
}

/// The runs of `list`.
async fn recent_runs(runs: &RunsClient, list: &RunListOptions) -> Result<Vec<Run>, Error> {
    Ok(runs.list(Some(list.clone()))?.try_collect().await?)
}
