//! Waiting until the spawned agent is online in its pool, while watching its container: a
//! container that ends or a group that disappears fails the wait at once, with the reason.

use super::config::Config;
use super::definition::CONTAINER_NAME;
use aci_lifecycle::waiters::{self, Acceptance};
use aci_lifecycle::{ContainerGroupsClient, ListLogsOptions};
use azp_agent::DevOpsClient;
use azp_agent::models::{TaskAgent, TaskAgentStatus};
use std::time::Duration;
use tokio::time::Instant;

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

/// Waits until the agent named like the group is online in `pool_id`, at most until
/// `deadline`.
pub async fn wait(
    containers: &ContainerGroupsClient,
    devops: &DevOpsClient,
    config: &Config,
    pool_id: i32,
    deadline: Instant,
) -> Result<TaskAgent, Failure> {
    let (rg, name) = (&config.resource_group, &config.agent_name);
    let mut delay = MIN_DELAY;
    let mut registered = false;
    loop {
        let agent = devops
            .find_agent(pool_id, name)
            .await
            .map_err(|e| Failure::Azure(format!("cannot list the pool's agents: {e}")))?;
        let last_seen = match agent {
            Some(agent) if agent.reference.status == Some(TaskAgentStatus::Online) => return Ok(agent),
            Some(agent) => {
                if !registered {
                    registered = true;
                    tracing::info!(agent = %name, "the agent registered; waiting for its listener");
                }
                format!(
                    "agent registered, {}",
                    agent
                        .reference
                        .status
                        .map_or_else(|| "status unknown".to_owned(), |s| s.to_string())
                )
            }
            None => "agent not registered yet".to_owned(),
        };
        let group = match containers.get(rg, name).await {
            Ok(group) => group,
            Err(error) if error.as_arm().is_some_and(|e| e.is_not_found()) => return Err(Failure::Gone),
            Err(error) => return Err(Failure::Azure(format!("cannot read the container group: {error}"))),
        };
        if let Acceptance::Failure(reason) = waiters::running(&group) {
            return Err(Failure::Ended {
                reason,
                log: log_tail(containers, rg, name).await,
            });
        }
        let now = Instant::now();
        if now >= deadline {
            return Err(Failure::TimedOut {
                timeout: config.timeout.as_secs(),
                last_seen,
            });
        }
        tokio::time::sleep(delay.min(deadline - now)).await;
        delay = (delay * 2).min(MAX_DELAY);
    }
}

/// The last lines of the agent container's log, as a suffix of a failure ("" when none).
async fn log_tail(containers: &ContainerGroupsClient, rg: &str, name: &str) -> String {
    let options = ListLogsOptions {
        tail: Some(LOG_LINES),
        timestamps: None,
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
