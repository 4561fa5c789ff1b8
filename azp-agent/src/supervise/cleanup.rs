//! The cleanup that always runs: unregister the agent through the REST API with the
//! supervisor's own credential, and run the teardown hooks, concurrently (the hooks once the
//! unregistration is done, or after a head start of [`HOOK_HEAD_START`]), each step bounded by
//! its timeout and by the stop budget, and logged.
//!
//! No child process takes part: once the listener has started, a job may have rewritten every
//! file of the agent folder (`config.sh`, `env.sh`, `bin/`), so running any of them with a
//! secret would hand the secret to the job.

use super::budget::StopBudget;
use super::outcome::{CleanupReport, CleanupStep, StepResult};
use super::registered::RegisteredAgent;
use super::teardown::TeardownHook;
use crate::client::{AgentDeletion, DevOpsClient};
use crate::models::{TaskAgent, TaskAgentStatus, TaskResult};
use arm_core::azure_core::time::{OffsetDateTime, parse_rfc3339};
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How far the clocks of this machine and Azure DevOps may disagree when telling whether an
/// agent was created by this run.
const CLOCK_SKEW: Duration = Duration::from_secs(120);

/// What this run knows of the agent it registered.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Registered {
    /// Registration never started: nothing to unregister.
    No,
    /// `config.sh` recorded this agent before any job could run.
    Recorded(RegisteredAgent),
    /// Registration started at this time but recorded nothing (interrupted or failed): an
    /// agent of the name may have been created by it.
    Unrecorded(OffsetDateTime),
}

/// What the cleanup needs to know.
pub(crate) struct CleanupPlan<'a> {
    pub client: &'a DevOpsClient,
    pub pool: &'a str,
    pub agent_name: &'a str,
    pub registered: Registered,
    pub hooks: &'a [Arc<dyn TeardownHook>],
    pub step_timeout: Duration,
    pub budget: &'a StopBudget,
}

/// Runs `work`, bounded by the step timeout and by the stop budget.
async fn bounded<T>(plan: &CleanupPlan<'_>, work: impl Future<Output = Result<T, String>>) -> Result<T, String> {
    tokio::select! {
        result = work => result,
        () = tokio::time::sleep(plan.step_timeout) => {
            Err(format!("did not finish within {} s", plan.step_timeout.as_secs()))
        }
        () = plan.budget.expired() => Err("the stop budget ran out".to_owned()),
    }
}

fn record(steps: &mut Vec<CleanupStep>, name: &str, started: Instant, result: StepResult) {
    match &result {
        StepResult::Done => tracing::info!(step = name, "cleanup step done"),
        StepResult::Skipped(why) => tracing::info!(step = name, reason = %why, "cleanup step skipped"),
        StepResult::Failed(error) => tracing::error!(step = name, %error, "cleanup step failed"),
    }
    steps.push(CleanupStep {
        name: name.to_owned(),
        result,
        elapsed: started.elapsed(),
    });
}

/// How long the hooks wait for the agent's unregistration before they start anyway. A hook
/// that deletes the container this process runs in ends it: in the usual case (an agent
/// DELETE takes well under a second) the agent is gone first; when Azure DevOps is slow, both
/// still fit in the stop budget.
pub(crate) const HOOK_HEAD_START: Duration = Duration::from_secs(1);

/// Runs the cleanup; returns its report and the result of the job the agent ran, if known.
pub(crate) async fn clean_up(plan: CleanupPlan<'_>) -> (CleanupReport, Option<TaskResult>) {
    let unregistered = tokio::sync::Notify::new();
    let unregistration = async {
        let result = unregister(&plan).await;
        unregistered.notify_one();
        result
    };
    let hooks = async {
        tokio::select! {
            () = unregistered.notified() => {}
            () = tokio::time::sleep(HOOK_HEAD_START) => {}
        }
        run_hooks(&plan).await
    };
    let ((mut steps, agent_removed, job_result), hook_steps) = tokio::join!(unregistration, hooks);
    steps.extend(hook_steps);
    (CleanupReport { steps, agent_removed }, job_result)
}

/// The hooks, in order.
async fn run_hooks(plan: &CleanupPlan<'_>) -> Vec<CleanupStep> {
    let mut steps = Vec::new();
    for hook in plan.hooks {
        let started = Instant::now();
        let result = match bounded(plan, async { hook.teardown().await.map_err(|e| e.to_string()) }).await {
            Ok(()) => StepResult::Done,
            Err(e) => StepResult::Failed(e),
        };
        record(&mut steps, hook.name(), started, result);
    }
    steps
}

/// Removes the agent; the steps, whether it is gone, and the job result when it was looked up.
async fn unregister(plan: &CleanupPlan<'_>) -> (Vec<CleanupStep>, bool, Option<TaskResult>) {
    let mut steps = Vec::new();
    match plan.registered {
        Registered::No => {
            record(
                &mut steps,
                "unregister",
                Instant::now(),
                StepResult::Skipped("the agent was never registered".to_owned()),
            );
            (steps, true, None)
        }
        Registered::Recorded(agent) => {
            let job_result = look_up(plan, agent, &mut steps).await;
            let removed = delete(plan, agent, &mut steps).await;
            (steps, removed, job_result)
        }
        Registered::Unrecorded(since) => {
            let removed = delete_unrecorded(plan, since, &mut steps).await;
            (steps, removed, None)
        }
    }
}

/// The job result, as Azure DevOps recorded it on the agent (skipped when the stop is urgent).
async fn look_up(plan: &CleanupPlan<'_>, agent: RegisteredAgent, steps: &mut Vec<CleanupStep>) -> Option<TaskResult> {
    const STEP: &str = "look up the agent";
    let started = Instant::now();
    if plan.budget.is_urgent() {
        record(
            steps,
            STEP,
            started,
            StepResult::Skipped("second stop request".to_owned()),
        );
        return None;
    }
    let found = bounded(plan, async {
        match plan.client.get_agent(agent.pool_id, agent.agent_id, None).await {
            Ok(found) => Ok(Some(found)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e.to_string()),
        }
    })
    .await;
    match found {
        Ok(Some(found)) => {
            record(steps, STEP, started, StepResult::Done);
            found.last_completed_request.and_then(|r| r.result)
        }
        Ok(None) => {
            record(steps, STEP, started, StepResult::Skipped("not in the pool".to_owned()));
            None
        }
        Err(e) => {
            record(steps, STEP, started, StepResult::Failed(e));
            None
        }
    }
}

/// Deletes the registered agent by its id; whether it is gone.
async fn delete(plan: &CleanupPlan<'_>, agent: RegisteredAgent, steps: &mut Vec<CleanupStep>) -> bool {
    const STEP: &str = "delete agent (REST)";
    let started = Instant::now();
    let deleted = bounded(plan, async {
        plan.client
            .delete_agent(agent.pool_id, agent.agent_id, None)
            .await
            .map_err(|e| e.to_string())
    })
    .await;
    match deleted {
        Ok(AgentDeletion::Deleted) => {
            record(steps, STEP, started, StepResult::Done);
            true
        }
        Ok(AgentDeletion::AlreadyGone) => {
            record(steps, STEP, started, StepResult::Skipped("already gone".to_owned()));
            true
        }
        Err(e) => {
            record(steps, STEP, started, StepResult::Failed(e));
            false
        }
    }
}

/// After an interrupted or failed registration: deletes the agent of this name only if this
/// run can have created it (offline, created after the registration started); whether no
/// agent of this run is left.
async fn delete_unrecorded(plan: &CleanupPlan<'_>, since: OffsetDateTime, steps: &mut Vec<CleanupStep>) -> bool {
    const STEP: &str = "delete agent (REST)";
    let started = Instant::now();
    let result = bounded(plan, async {
        let pool_id = plan
            .client
            .pool_by_name(plan.pool, None)
            .await
            .map_err(|e| e.to_string())?
            .id
            .unwrap_or_default();
        let Some(agent) = plan
            .client
            .find_agent(pool_id, plan.agent_name, None)
            .await
            .map_err(|e| e.to_string())?
        else {
            return Ok(StepResult::Skipped("the agent is not in the pool".to_owned()));
        };
        if let Some(why) = not_ours(&agent, since) {
            return Ok(StepResult::Skipped(format!(
                "agent '{}' (id {}) was not registered by this run: {why}",
                plan.agent_name,
                agent.id()
            )));
        }
        match plan
            .client
            .delete_agent(pool_id, agent.id(), None)
            .await
            .map_err(|e| e.to_string())?
        {
            AgentDeletion::Deleted => Ok(StepResult::Done),
            AgentDeletion::AlreadyGone => Ok(StepResult::Skipped("already gone".to_owned())),
        }
    })
    .await;
    match result {
        Ok(result) => {
            record(steps, STEP, started, result);
            true
        }
        Err(e) => {
            record(steps, STEP, started, StepResult::Failed(e));
            false
        }
    }
}

/// Why `agent` cannot be the one a registration started at `since` created, if it cannot.
fn not_ours(agent: &TaskAgent, since: OffsetDateTime) -> Option<String> {
    if agent.reference.status == Some(TaskAgentStatus::Online) {
        return Some("it is online".to_owned());
    }
    let Some(created) = agent.created_on.as_deref() else {
        return Some("its creation time is unknown".to_owned());
    };
    match parse_rfc3339(created) {
        Ok(created) if created + CLOCK_SKEW < since => Some(format!("it was created at {created}, before")),
        Ok(_) => None,
        Err(_) => Some(format!("its creation time '{created}' cannot be read")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(status: TaskAgentStatus, created_on: Option<&str>) -> TaskAgent {
        let mut agent = TaskAgent {
            created_on: created_on.map(str::to_owned),
            ..TaskAgent::default()
        };
        agent.reference.status = Some(status);
        agent
    }

    #[test]
    fn only_an_offline_agent_created_by_this_registration_is_ours() {
        let since = parse_rfc3339("2026-12-03T10:00:00Z").unwrap();
        let created_after = Some("2026-12-03T10:00:01.1234567Z");
        assert_eq!(not_ours(&agent(TaskAgentStatus::Offline, created_after), since), None);
        // A little clock skew is tolerated.
        assert_eq!(
            not_ours(&agent(TaskAgentStatus::Offline, Some("2026-12-03T09:59:30Z")), since),
            None
        );
        for (status, created) in [
            (TaskAgentStatus::Online, created_after),
            (TaskAgentStatus::Offline, Some("2026-12-01T08:00:00Z")),
            (TaskAgentStatus::Offline, None),
            (TaskAgentStatus::Offline, Some("yesterday")),
        ] {
            assert!(
                not_ours(&agent(status.clone(), created), since).is_some(),
                "{status:?} {created:?}"
            );
        }
    }
}
