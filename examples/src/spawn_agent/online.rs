//! Waiting until the spawned agent is online in its pool, while watching its container: a
//! container that ends or a group that disappears fails the wait at once, with the reason.

use super::config::Config;
use super::definition::CONTAINER_NAME;
use aci_lifecycle::SubscriptionClient;
use aci_lifecycle::models::ContainerGroup;
use aci_lifecycle::waiters;
use aci_lifecycle::{ContainerGroupsClient, ListLogsOptions};
use arm_core::{Acceptance, WaitError, Waiter, WaiterOptions};
use azp_agent::DevOpsClient;
use azp_agent::models::{TaskAgent, TaskAgentStatus};
use std::time::Duration;

/// The first delay between two looks; it doubles up to [`MAX_DELAY`].
const MIN_DELAY: Duration = Duration::from_millis(500);
/// The longest delay between two looks.
const MAX_DELAY: Duration = Duration::from_secs(5);
/// How many lines of the container's log a failure quotes.
const LOG_LINES: u32 = 20;

/// How far spawning got, which decides what the cleanup deletes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stage {
    /// Nothing was created yet.
    Nothing,
    /// The group's creation was requested: the group and the agent may exist.
    Created {
        /// The pool the agent registers in.
        pool_id: i32,
    },
}

/// Why the agent is not online.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    /// A check before anything was created failed.
    #[error("{0}")]
    Before(String),
    /// The container group did not start.
    #[error("the container group did not start: {0}")]
    Start(String),
    /// The container ended before the agent came online.
    #[error("the agent's container ended before the agent came online: {reason}{log}")]
    Ended {
        /// The group's state.
        reason: String,
        /// The end of the container's log, if any.
        log: String,
    },
    /// The group was deleted by someone else.
    #[error("the container group was deleted before the agent came online")]
    Gone,
    /// Time ran out.
    #[error("the agent did not come online within {timeout} s (last seen: {last_seen})")]
    TimedOut {
        /// The configured time.
        timeout: u64,
        /// What the last look saw.
        last_seen: String,
    },
    /// Azure or Azure DevOps answered with an error.
    #[error("{0}")]
    Azure(String),
    /// A signal asked spawn-agent to stop.
    #[error("{signal} received: stopping")]
    Interrupted {
        /// The signal's name.
        signal: &'static str,
        /// The exit code it maps to.
        code: u8,
    },
}

impl Failure {
    pub fn before(message: impl Into<String>) -> Failure {
        Failure::Before(message.into())
    }
}

/// What one look at the agent and its container group saw.
enum Look {
    /// The agent is online.
    Online(Box<TaskAgent>),
    /// Not yet.
    Waiting {
        /// Whether the agent has registered.
        registered: bool,
        /// What was seen, for a timeout's message.
        last_seen: String,
        /// The container group.
        group: Box<ContainerGroup>,
    },
}

/// Looks at the agent in the pool and, while it is not online, at its container group; a group
/// that is gone or cannot be read is a failure.
async fn look(
    containers: &ContainerGroupsClient,
    devops: &DevOpsClient,
    config: &Config,
    pool_id: i32,
) -> Result<Look, Failure> {
    let (rg, name) = (&config.resource_group, &config.agent_name);
    let agent = devops
        .find_agent(pool_id, name, None)
        .await
        .map_err(|e| Failure::Azure(format!("cannot list the pool's agents: {e}")))?;
    let last_seen = match &agent {
        Some(agent) if agent.reference.status == Some(TaskAgentStatus::Online) => {
            return Ok(Look::Online(Box::new(agent.clone())));
        }
        Some(agent) => format!(
            "agent registered, {}",
            agent
                .reference
                .status
                .as_ref()
                .map_or_else(|| "status unknown".to_owned(), |s| s.to_string())
        ),
        None => "agent not registered yet".to_owned(),
    };
    let group = match containers.get(rg, name, None).await {
        Ok(group) => group,
        Err(error) if error.as_arm().is_some_and(|e| e.is_not_found()) => return Err(Failure::Gone),
        Err(error) => return Err(Failure::Azure(format!("cannot read the container group: {error}"))),
    };
    Ok(Look::Waiting {
        registered: agent.is_some(),
        last_seen,
        group: Box::new(group),
    })
}

/// Waits until the agent named like the group is online in `pool_id`, at most `max_wait`,
/// looking with a delay from [`MIN_DELAY`] doubling up to [`MAX_DELAY`] (jittered).
pub async fn wait(
    containers: &ContainerGroupsClient,
    devops: &DevOpsClient,
    config: &Config,
    pool_id: i32,
    max_wait: Duration,
) -> Result<TaskAgent, Failure> {
    let options = WaiterOptions {
        min_delay: MIN_DELAY,
        max_delay: MAX_DELAY,
        max_wait,
        jitter: true,
    };
    let mut registered = false;
    let outcome = Waiter::new(options, containers.arm().clock().clone())
        .wait(
            || look(containers, devops, config, pool_id),
            |look| match look {
                Err(_) => Acceptance::Failure(String::new()),
                Ok(Look::Online(agent)) => Acceptance::Success(TaskAgent::clone(agent)),
                Ok(Look::Waiting {
                    registered: now_registered,
                    group,
                    ..
                }) => {
                    if *now_registered && !registered {
                        registered = true;
                        tracing::info!(agent = %config.agent_name, "the agent registered; waiting for its listener");
                    }
                    match waiters::running(group) {
                        Acceptance::Failure(reason) => Acceptance::Failure(reason),
                        _ => Acceptance::Retry,
                    }
                }
            },
        )
        .await;
    match outcome {
        Ok(agent) => Ok(agent),
        Err(WaitError::Failed { last: Err(failure), .. }) => Err(failure),
        Err(WaitError::Failed { reason, .. }) => Err(Failure::Ended {
            reason,
            log: log_tail(containers, &config.resource_group, &config.agent_name).await,
        }),
        Err(WaitError::TimedOut { last, .. }) => Err(Failure::TimedOut {
            timeout: config.timeout.as_secs(),
            last_seen: match last {
                Ok(Look::Waiting { last_seen, .. }) => last_seen,
                Ok(Look::Online(_)) => "agent online".to_owned(),
                Err(failure) => failure.to_string(),
            },
        }),
    }
}

/// The last lines of the agent container's log, as a suffix of a failure ("" when none).
async fn log_tail(containers: &ContainerGroupsClient, rg: &str, name: &str) -> String {
    let options = ListLogsOptions {
        tail: Some(LOG_LINES),
        ..ListLogsOptions::default()
    };
    match containers.list_logs(rg, name, CONTAINER_NAME, Some(options)).await {
        Ok(logs) => {
            let content = logs.content.unwrap_or_default();
            let lines: Vec<&str> = content.lines().filter(|l| !l.trim().is_empty()).collect();
            if lines.is_empty() {
                String::new()
            } else {
                format!("; its log ends with:\n  {}", lines.join("\n  "))
            }
        }
        Err(error) => format!("; its log cannot be read: {error}"),
    }
}
