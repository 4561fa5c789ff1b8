//! The cleanup that always runs: unregister the agent (`config.sh remove` with a fresh token,
//! then the REST API by name), then the teardown hooks, each step bounded and logged.

use super::outcome::{CleanupReport, CleanupStep, StepResult};
use super::run::Registration;
use super::teardown::TeardownHook;
use crate::child_env::ChildEnv;
use crate::client::{AgentDeletion, DevOpsClient};
use crate::configure::{self, ConfigureError, ConfigureFailure};
use crate::error::Error;
use crate::install::AgentDir;
use crate::models::TaskResult;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What the cleanup needs to know.
pub(crate) struct CleanupPlan<'a> {
    pub client: &'a DevOpsClient,
    pub agent: Option<&'a AgentDir>,
    pub pool: &'a str,
    pub agent_name: &'a str,
    /// Whether registration was attempted (else there is nothing to unregister).
    pub registered: bool,
    pub registration: &'a Registration,
    pub env: &'a ChildEnv,
    pub hooks: &'a [Arc<dyn TeardownHook>],
    pub step_timeout: Duration,
}

async fn bounded<T>(timeout: Duration, work: impl Future<Output = Result<T, Error>>) -> Result<T, String> {
    match tokio::time::timeout(timeout, work).await {
        Ok(result) => result.map_err(|e| e.to_string()),
        Err(_) => Err(format!("did not finish within {} s", timeout.as_secs())),
    }
}

fn record(report: &mut CleanupReport, name: &str, started: Instant, result: StepResult) {
    match &result {
        StepResult::Done => tracing::info!(step = name, "cleanup step done"),
        StepResult::Skipped(why) => tracing::info!(step = name, reason = %why, "cleanup step skipped"),
        StepResult::Failed(error) => tracing::error!(step = name, %error, "cleanup step failed"),
    }
    report.steps.push(CleanupStep {
        name: name.to_owned(),
        result,
        elapsed: started.elapsed(),
    });
}

/// Runs the cleanup; returns its report and the result of the job the agent ran, if known.
pub(crate) async fn clean_up(plan: CleanupPlan<'_>) -> (CleanupReport, Option<TaskResult>) {
    let mut report = CleanupReport::default();
    let mut job_result = None;
    if plan.registered {
        job_result = unregister(&plan, &mut report).await;
    } else {
        report.agent_removed = true;
        record(
            &mut report,
            "unregister",
            Instant::now(),
            StepResult::Skipped("the agent was never registered".to_owned()),
        );
    }
    for hook in plan.hooks {
        let started = Instant::now();
        let result = match tokio::time::timeout(plan.step_timeout, hook.teardown()).await {
            Ok(Ok(())) => StepResult::Done,
            Ok(Err(e)) => StepResult::Failed(e.to_string()),
            Err(_) => StepResult::Failed(format!("did not finish within {} s", plan.step_timeout.as_secs())),
        };
        record(&mut report, hook.name(), started, result);
    }
    (report, job_result)
}

async fn unregister(plan: &CleanupPlan<'_>, report: &mut CleanupReport) -> Option<TaskResult> {
    // The pool and the agent as Azure DevOps sees them, before removal hides the job result.
    let started = Instant::now();
    let lookup = bounded(plan.step_timeout, async {
        let pool = plan.client.pool_by_name(plan.pool).await?;
        let pool_id = pool.id.unwrap_or_default();
        let agent = plan.client.find_agent(pool_id, plan.agent_name).await?;
        Ok((pool_id, agent))
    })
    .await;
    let job_result = match &lookup {
        Ok((_, Some(agent))) => agent.last_completed_request.as_ref().and_then(|r| r.result.clone()),
        _ => None,
    };
    match &lookup {
        Ok(_) => record(report, "look up the agent", started, StepResult::Done),
        Err(e) => record(report, "look up the agent", started, StepResult::Failed(e.clone())),
    }

    let started = Instant::now();
    let configured = plan.agent.filter(|a| a.root().join(".agent").exists());
    let removed_by_script = match configured {
        None => {
            record(
                report,
                "config.sh remove",
                started,
                StepResult::Skipped("the agent folder holds no configuration".to_owned()),
            );
            false
        }
        Some(agent) => {
            let work = async {
                let auth = plan.registration.child_auth(plan.client).await?;
                configure::remove(agent, &auth, plan.env, plan.step_timeout).await
            };
            match tokio::time::timeout(plan.step_timeout, work).await {
                Ok(Ok(())) => {
                    record(report, "config.sh remove", started, StepResult::Done);
                    true
                }
                Ok(Err(Error::Configure(
                    e @ ConfigureError {
                        kind: ConfigureFailure::NotConfigured,
                        ..
                    },
                ))) => {
                    record(report, "config.sh remove", started, StepResult::Skipped(e.to_string()));
                    false
                }
                Ok(Err(e)) => {
                    record(report, "config.sh remove", started, StepResult::Failed(e.to_string()));
                    false
                }
                Err(_) => {
                    let why = format!("did not finish within {} s", plan.step_timeout.as_secs());
                    record(report, "config.sh remove", started, StepResult::Failed(why));
                    false
                }
            }
        }
    };

    // Whatever config.sh did, make sure through the REST API: it also covers a registration
    // interrupted half-way, and a config.sh that could not remove the agent.
    let started = Instant::now();
    let result = bounded(plan.step_timeout, async {
        let pool_id = match &lookup {
            Ok((pool_id, _)) => *pool_id,
            Err(_) => plan.client.pool_by_name(plan.pool).await?.id.unwrap_or_default(),
        };
        match plan.client.find_agent(pool_id, plan.agent_name).await? {
            None => Ok(None),
            Some(agent) => plan.client.delete_agent(pool_id, agent.id()).await.map(Some),
        }
    })
    .await;
    match result {
        Ok(None) => {
            report.agent_removed = true;
            let why = if removed_by_script {
                "config.sh removed it"
            } else {
                "the agent is not in the pool"
            };
            record(
                report,
                "delete agent (REST)",
                started,
                StepResult::Skipped(why.to_owned()),
            );
        }
        Ok(Some(AgentDeletion::Deleted)) => {
            report.agent_removed = true;
            record(report, "delete agent (REST)", started, StepResult::Done);
        }
        Ok(Some(AgentDeletion::AlreadyGone)) => {
            report.agent_removed = true;
            record(
                report,
                "delete agent (REST)",
                started,
                StepResult::Skipped("already gone".to_owned()),
            );
        }
        Err(e) => record(report, "delete agent (REST)", started, StepResult::Failed(e)),
    }
    job_result
}
