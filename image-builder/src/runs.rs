//! Runs of a template, as Azure behaves (learn.microsoft.com "Troubleshoot Azure VM Image
//! Builder"; ARCHITECTURE.md, Facts): a run's phases seen as they change, bounded by the build
//! timeout; a cancel that waits until the run is really over; a delete that cancels first
//! (Azure refuses to delete a template while it runs or cancels: `OperationNotAllowed`); a
//! create that deletes a `Failed` template left by an earlier PUT and reports a name already
//! taken clearly (Azure cannot update a template: `409 Conflict`).
//!
//! Run and cancel are POSTs that the pipeline does not send again after a 5xx or a dropped
//! connection (Azure may have acted on them). Their answer lost, the template is read to learn
//! whether Azure did, and the action is asked again only if it did not, up to
//! [`ACTION_ATTEMPTS`] times. A PUT whose answer was lost is sent again by the pipeline and may
//! then meet our own template (`409 Conflict`): that counts as created.

use crate::client::{BeginOptions, ImageTemplatesClient};
use crate::error::Error;
use crate::flow::{CREATED_BY_TAG, CREATED_BY_VALUE};
use crate::model::{ImageTemplate, ImageTemplateLastRunStatus, ProvisioningState, RunState, RunSubState};
use arm_core::{Acceptance, PollOptions, SubscriptionClient, WaitError, Waiter, WaiterOptions};
use std::time::Duration;
use time::OffsetDateTime;

/// How long a build may take when `buildTimeoutInMinutes` is 0 or absent: 240 minutes.
pub const DEFAULT_BUILD_TIMEOUT: Duration = Duration::from_secs(240 * 60);

/// How many times a run or a cancel is asked for when Azure's answers are lost.
pub const ACTION_ATTEMPTS: usize = 4;

/// What a wait on a run allows beyond the build timeout: queueing, the build VM's creation and
/// distribution are not counted in it.
pub const RUN_MARGIN: Duration = Duration::from_secs(60 * 60);

/// How a run (or a cancel, or a delete) is waited for.
#[derive(Clone, Debug)]
pub struct RunWaitOptions {
    /// Delays between two reads of the template, and the longest wait.
    pub waiter: WaiterOptions,
    /// How the long-running operations (cancel, delete) are polled.
    pub poll: PollOptions,
}

impl Default for RunWaitOptions {
    /// 10 s between reads, up to 60 s, for the default build timeout plus [`RUN_MARGIN`].
    fn default() -> Self {
        Self::for_build_timeout(0)
    }
}

impl RunWaitOptions {
    /// Waits bounded by `build_timeout_in_minutes` (0 for 240) plus [`RUN_MARGIN`].
    pub fn for_build_timeout(build_timeout_in_minutes: u32) -> Self {
        let timeout = match build_timeout_in_minutes {
            0 => DEFAULT_BUILD_TIMEOUT,
            minutes => Duration::from_secs(u64::from(minutes) * 60),
        };
        Self {
            waiter: WaiterOptions {
                min_delay: Duration::from_secs(10),
                max_delay: Duration::from_secs(60),
                max_wait: timeout + RUN_MARGIN,
                jitter: true,
            },
            poll: PollOptions::default(),
        }
    }
}

/// A change of a run's state or phase, as it was seen.
#[derive(Clone, Debug, PartialEq)]
pub struct RunEvent {
    /// When it was seen (UTC).
    pub at: OffsetDateTime,
    /// How long after the wait started (on the client's clock).
    pub elapsed: Duration,
    /// The run's state.
    pub run_state: Option<RunState>,
    /// The run's phase.
    pub run_sub_state: Option<RunSubState>,
    /// Azure's message, if any.
    pub message: Option<String>,
}

fn last_run(template: &ImageTemplate) -> Option<&ImageTemplateLastRunStatus> {
    template.properties.last_run_status.as_ref()
}

fn run_state(template: &ImageTemplate) -> Option<&RunState> {
    last_run(template).and_then(|s| s.run_state.as_ref())
}

/// Whether a run is going or canceling (a delete is refused then).
pub fn is_running(template: &ImageTemplate) -> bool {
    matches!(run_state(template), Some(RunState::Running | RunState::Canceling))
}

/// Whether an error is worth another read rather than the end of a wait: throttling, 5xx,
/// a lost connection (after the pipeline's own retries).
fn transient(error: &Error) -> bool {
    match error {
        Error::Arm(e) => {
            e.is_throttled()
                || e.status().is_some_and(|s| u16::from(s) >= 500)
                || matches!(e, arm_core::Error::Transport { .. })
        }
        _ => false,
    }
}

/// Whether a request that failed may still have been acted on: a 5xx, a timeout or a
/// connection lost after it was sent (a 429 or a 4xx says it was not).
fn answer_lost(error: &Error) -> bool {
    match error {
        Error::Arm(e) => {
            e.status().is_some_and(|s| u16::from(s) >= 500 || u16::from(s) == 408)
                || matches!(e, arm_core::Error::Transport { .. })
        }
        _ => false,
    }
}

/// Whether Azure refused a request as conflicting with the template's state (`409`, e.g.
/// `OperationNotAllowed` or `Conflict`).
fn conflict(error: &Error) -> bool {
    matches!(error, Error::Arm(e) if e.status().is_some_and(|s| u16::from(s) == 409))
}

fn state_text(template: &ImageTemplate) -> String {
    let status = last_run(template);
    format!(
        "runState {}, runSubState {}",
        status
            .and_then(|s| s.run_state.as_ref())
            .map_or("(none)".to_owned(), |s| s.to_string()),
        status
            .and_then(|s| s.run_sub_state.as_ref())
            .map_or("(none)".to_owned(), |s| s.to_string()),
    )
}

/// Reads template `name` until `done` says its run is where the caller wants it, reporting
/// every change of `runState`/`runSubState` to `on_event`. A 404 ends the wait (the template
/// was deleted); throttling and 5xx are read again.
async fn watch(
    templates: &ImageTemplatesClient,
    resource_group: &str,
    name: &str,
    options: &RunWaitOptions,
    what: &str,
    mut done: impl FnMut(&ImageTemplate) -> bool,
    mut on_event: impl FnMut(&RunEvent),
) -> Result<ImageTemplate, Error> {
    let clock = templates.arm().clock().clone();
    let started = clock.now();
    let waiter = Waiter::new(options.waiter.clone(), clock.clone());
    let mut seen: Option<(Option<RunState>, Option<RunSubState>)> = None;
    let outcome = waiter
        .wait(
            || templates.get(resource_group, name, None),
            |result: Result<&ImageTemplate, &Error>| match result {
                Ok(template) => {
                    let status = last_run(template).cloned().unwrap_or_default();
                    let now = (status.run_state.clone(), status.run_sub_state.clone());
                    if seen.as_ref() != Some(&now) {
                        on_event(&RunEvent {
                            at: OffsetDateTime::now_utc(),
                            elapsed: clock.now().saturating_duration_since(started),
                            run_state: now.0.clone(),
                            run_sub_state: now.1.clone(),
                            message: status.message.clone(),
                        });
                        seen = Some(now);
                    }
                    if done(template) {
                        Acceptance::Success(template.clone())
                    } else {
                        Acceptance::Retry
                    }
                }
                Err(error) if transient(error) => Acceptance::Retry,
                Err(error) => Acceptance::Failure(error.to_string()),
            },
        )
        .await;
    let id = templates
        .template_id(resource_group, name)
        .map(|id| id.to_string())
        .unwrap_or_else(|_| name.to_owned());
    match outcome {
        Ok(template) => Ok(template),
        Err(WaitError::Failed { last: Err(error), .. }) => Err(error),
        Err(WaitError::Failed { reason, .. }) => Err(Error::Wait { template: id, reason }),
        Err(WaitError::TimedOut { after, last }) => Err(Error::Wait {
            template: id,
            reason: format!(
                "{what} did not happen within {after:?} (last seen: {})",
                match &last {
                    Ok(template) => state_text(template),
                    Err(error) => error.to_string(),
                }
            ),
        }),
    }
}

/// Reads template `name` once, reading again through throttling and 5xx.
async fn read(
    templates: &ImageTemplatesClient,
    resource_group: &str,
    name: &str,
    options: &RunWaitOptions,
) -> Result<ImageTemplate, Error> {
    watch(templates, resource_group, name, options, "a read", |_| true, |_| {}).await
}

/// Whether `now` shows a run that `before` (read before the POST run) did not: a run where
/// there was none, or one with another `startTime` or state. Compared with what Azure wrote
/// before rather than with our clock, so that no clock skew matters.
fn run_started(before: Option<&ImageTemplateLastRunStatus>, now: &ImageTemplate) -> bool {
    last_run(now).is_some_and(|now| {
        now.run_state.is_some()
            && before.is_none_or(|before| before.start_time != now.start_time || before.run_state != now.run_state)
    })
}

/// Starts a run of template `name` (`POST .../run`) and returns once Azure has accepted it;
/// the run is then followed with [`wait_for_run`]. When the POST's answer is lost (a 5xx, a
/// timeout, a dropped connection), the template is read: a run that was not there before the
/// POST is this one; otherwise the POST is made again, [`ACTION_ATTEMPTS`] times in all. A
/// `409` after a lost answer is read the same way (the first POST may have started the run).
pub async fn start_run(
    templates: &ImageTemplatesClient,
    resource_group: &str,
    name: &str,
    options: Option<RunWaitOptions>,
) -> Result<(), Error> {
    let options = options.unwrap_or_default();
    let before = read(templates, resource_group, name, &options).await?;
    let before = last_run(&before).cloned();
    let mut lost = false;
    let mut attempt = 0;
    loop {
        attempt += 1;
        let begin = BeginOptions {
            poll: options.poll.clone(),
        };
        let error = match templates.begin_run(resource_group, name, Some(begin)).await {
            // The operation lasts as long as the build: its progress is read on the template.
            Ok(poller) => {
                drop(poller);
                return Ok(());
            }
            Err(error) if answer_lost(&error) || (lost && conflict(&error)) => error,
            Err(error) => return Err(error),
        };
        let now = read(templates, resource_group, name, &options).await?;
        if run_started(before.as_ref(), &now) {
            tracing::info!(template = name, %error, "the run started although its answer was lost");
            return Ok(());
        }
        if attempt >= ACTION_ATTEMPTS {
            return Err(error);
        }
        tracing::warn!(template = name, %error, attempt, "no run started: asking again");
        lost = true;
    }
}

/// Asks Azure to cancel the run of template `name` (`POST .../cancel`) and follows the cancel
/// operation. A `409` (`OperationNotAllowed`: the run is already canceling, or over) is fine:
/// the caller's wait sees how the run ends. A lost answer is followed by a read: a run no
/// longer `Running` was canceled (or ended); otherwise the cancel is asked again,
/// [`ACTION_ATTEMPTS`] times in all (a second cancel of a canceling run is harmless).
async fn request_cancel(
    templates: &ImageTemplatesClient,
    resource_group: &str,
    name: &str,
    options: &RunWaitOptions,
) -> Result<(), Error> {
    let mut attempt = 0;
    loop {
        attempt += 1;
        let begin = BeginOptions {
            poll: options.poll.clone(),
        };
        let error = match templates.begin_cancel(resource_group, name, Some(begin)).await {
            Ok(poller) => {
                return match poller.await.map_err(Error::from) {
                    // The cancel's own operation could not be read: the run's state is.
                    Err(error) if transient(&error) => {
                        tracing::warn!(template = name, %error, "the cancel operation could not be followed");
                        Ok(())
                    }
                    other => other,
                };
            }
            Err(error) if conflict(&error) => return Ok(()),
            Err(error) if answer_lost(&error) => error,
            Err(error) => return Err(error),
        };
        let now = read(templates, resource_group, name, options).await?;
        if run_state(&now) != Some(&RunState::Running) {
            return Ok(());
        }
        if attempt >= ACTION_ATTEMPTS {
            return Err(error);
        }
        tracing::warn!(template = name, %error, attempt, "the run is still going: asking again to cancel it");
    }
}

/// Waits until the run of template `name` is over (`Succeeded`, `PartiallySucceeded`, `Failed`
/// or `Canceled`) and returns the template as it was then; `on_event` sees every change of
/// `runState`/`runSubState` with its time. A run that goes on past the options' `max_wait` is
/// [`Error::Wait`], the state last seen in its message.
pub async fn wait_for_run(
    templates: &ImageTemplatesClient,
    resource_group: &str,
    name: &str,
    options: Option<RunWaitOptions>,
    on_event: impl FnMut(&RunEvent),
) -> Result<ImageTemplate, Error> {
    let options = options.unwrap_or_default();
    watch(
        templates,
        resource_group,
        name,
        &options,
        "the end of the run",
        |t| run_state(t).is_some_and(RunState::is_terminal),
        on_event,
    )
    .await
}

/// Cancels the run of template `name` and waits until it is over; returns the template then
/// (`Canceled`, or another final state if the run ended first). A template not running is
/// returned as it is; one already `Canceling` is only waited for.
pub async fn cancel_and_wait(
    templates: &ImageTemplatesClient,
    resource_group: &str,
    name: &str,
    options: Option<RunWaitOptions>,
    on_event: impl FnMut(&RunEvent),
) -> Result<ImageTemplate, Error> {
    let options = options.unwrap_or_default();
    let template = templates.get(resource_group, name, None).await?;
    if !is_running(&template) {
        return Ok(template);
    }
    if run_state(&template) == Some(&RunState::Running) {
        request_cancel(templates, resource_group, name, &options).await?;
    }
    watch(
        templates,
        resource_group,
        name,
        &options,
        "the end of the canceled run",
        |t| run_state(t).is_some_and(RunState::is_terminal),
        on_event,
    )
    .await
}

/// Deletes template `name` (and the staging resource group Azure made for it), canceling its
/// run first when it is running or canceling, and waits until it is gone. A template already
/// gone counts as deleted.
pub async fn delete(
    templates: &ImageTemplatesClient,
    resource_group: &str,
    name: &str,
    options: Option<RunWaitOptions>,
    mut on_event: impl FnMut(&RunEvent),
) -> Result<(), Error> {
    let options = options.unwrap_or_default();
    let begin = || BeginOptions {
        poll: options.poll.clone(),
    };
    for attempt in 0..2 {
        match templates.get(resource_group, name, None).await {
            Err(Error::Arm(error)) if error.is_not_found() => return Ok(()),
            Err(error) => return Err(error),
            Ok(template) if is_running(&template) => {
                cancel_and_wait(templates, resource_group, name, Some(options.clone()), &mut on_event).await?;
            }
            Ok(_) => {}
        }
        match templates.begin_delete(resource_group, name, Some(begin())).await {
            Ok(poller) => return Ok(poller.await?),
            // A run started (or a cancel began) after the read: cancel again, once.
            Err(Error::Arm(error)) if attempt == 0 && error.code() == Some("OperationNotAllowed") => {}
            Err(error) => return Err(error),
        }
    }
    Err(Error::Wait {
        template: templates.template_id(resource_group, name)?.to_string(),
        reason: "Azure still refused to delete it after its run was canceled (OperationNotAllowed)".to_owned(),
    })
}

/// Whether `existing` is the template `wanted` that our own PUT created (its answer lost, the
/// pipeline's retry met it: `409 Conflict`): tagged by this crate with the same tags, the same
/// source (Azure may add read-only fields such as `exactVersion`), and never run.
fn created_by_us(existing: &ImageTemplate, wanted: &ImageTemplate) -> bool {
    let ours = |t: &ImageTemplate| {
        t.tags
            .as_ref()
            .and_then(|tags| tags.get(CREATED_BY_TAG))
            .is_some_and(|v| v == CREATED_BY_VALUE)
    };
    let source = |t: &ImageTemplate| serde_json::to_value(&t.properties.source).unwrap_or_default();
    ours(wanted)
        && existing.tags == wanted.tags
        && contains(&source(existing), &source(wanted))
        && existing.properties.last_run_status.is_none()
}

/// Whether `outer` holds every field of `inner` with the same value (arrays element by element).
fn contains(outer: &serde_json::Value, inner: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (outer, inner) {
        (Value::Object(outer), Value::Object(inner)) => inner
            .iter()
            .all(|(key, value)| outer.get(key).is_some_and(|o| contains(o, value))),
        (Value::Array(outer), Value::Array(inner)) => {
            outer.len() == inner.len() && outer.iter().zip(inner).all(|(o, i)| contains(o, i))
        }
        _ => outer == inner,
    }
}

/// Creates template `name` and waits until it is provisioned.
///
/// - A `409 Conflict` because a template of that name exists: our own (see
///   [`created_by_us`]: a PUT whose answer was lost and that the pipeline sent again) is waited
///   for and returned; a `Failed` one (left by an earlier PUT) is deleted and the PUT made
///   again, once; any other is [`Error::AlreadyExists`].
/// - A PUT that ends `Failed` leaves a `Failed` template behind: it is deleted before the error
///   is returned, so that nothing stays and a retry can use the name.
pub async fn create(
    templates: &ImageTemplatesClient,
    resource_group: &str,
    name: &str,
    template: &ImageTemplate,
    options: Option<RunWaitOptions>,
) -> Result<ImageTemplate, Error> {
    let options = options.unwrap_or_default();
    let begin = || BeginOptions {
        poll: options.poll.clone(),
    };
    let mut retried = false;
    loop {
        let error = match templates
            .begin_create_or_update(resource_group, name, template, Some(begin()))
            .await
        {
            Ok(poller) => match poller.await {
                Ok(created) => return Ok(created),
                Err(error) => {
                    let error = Error::from(error);
                    if let Err(cleanup) = delete(templates, resource_group, name, Some(options.clone()), |_| {}).await {
                        tracing::warn!(template = name, error = %cleanup, "the Failed template could not be deleted");
                    }
                    return Err(error);
                }
            },
            Err(error) => error,
        };
        let conflict = matches!(&error, Error::Arm(e) if e.status().is_some_and(|s| u16::from(s) == 409));
        if !conflict {
            return Err(error);
        }
        let mut existing = read(templates, resource_group, name, &options).await?;
        let provisioning = |t: &ImageTemplate| t.properties.provisioning_state.clone();
        if provisioning(&existing) != Some(ProvisioningState::Failed) && created_by_us(&existing, template) {
            tracing::info!(
                template = name,
                "the template our PUT created is there although its answer was lost"
            );
            if !provisioning(&existing).is_some_and(|p| p.is_terminal()) {
                let provisioned = |t: &ImageTemplate| provisioning(t).is_some_and(|p| p.is_terminal());
                existing = watch(
                    templates,
                    resource_group,
                    name,
                    &options,
                    "its provisioning",
                    provisioned,
                    |_| {},
                )
                .await?;
            }
            if provisioning(&existing) == Some(ProvisioningState::Succeeded) {
                return Ok(existing);
            }
        }
        let failed = provisioning(&existing) == Some(ProvisioningState::Failed);
        if !failed || retried {
            let message = match &error {
                Error::Arm(e) => e
                    .as_service()
                    .and_then(|s| s.error.as_ref())
                    .map(|b| b.message.clone())
                    .unwrap_or_else(|| e.to_string()),
                other => other.to_string(),
            };
            return Err(Error::AlreadyExists {
                template: templates.template_id(resource_group, name)?.to_string(),
                message,
            });
        }
        tracing::info!(template = name, "deleting the Failed template left by an earlier PUT");
        delete(templates, resource_group, name, Some(options.clone()), |_| {}).await?;
        retried = true;
    }
}
