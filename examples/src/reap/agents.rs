//! The agent side of reaping: which offline ephemeral agents to delete, given what their
//! container groups look like.

use aci_lifecycle::ContainerGroupsClient;
use aci_lifecycle::waiters::{self, Acceptance};
use arm_core::azure_core::time::{OffsetDateTime, parse_rfc3339};
use azp_agent::models::{TaskAgent, TaskAgentStatus};
use std::time::Duration;

/// What an agent's container group looks like (its name is the agent's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GroupLook {
    /// No group of that name in any of the resource groups.
    Missing,
    /// The group exists and still runs or starts, in this state.
    Alive(String),
    /// The group has ended: failed, stopped, succeeded or every container terminated.
    Ended(String),
}

/// What to do with an agent, and why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// Delete it.
    Delete(String),
    /// Leave it alone.
    Keep(String),
}

/// Whether an agent named like this is one of ours.
pub fn is_ephemeral(agent: &TaskAgent, prefix: &str) -> bool {
    agent.reference.name.as_deref().is_some_and(|n| n.starts_with(prefix))
}

/// Whether the agent's group must be looked at: only offline, idle agents can be deleted.
pub fn precheck(agent: &TaskAgent) -> Option<Verdict> {
    match agent.reference.status {
        Some(TaskAgentStatus::Offline) => {}
        Some(ref status) => return Some(Verdict::Keep(status.to_string())),
        None => return Some(Verdict::Keep("status unknown".to_owned())),
    }
    if let Some(request) = &agent.assigned_request {
        return Some(Verdict::Keep(format!(
            "offline but assigned job request {}",
            request.request_id.unwrap_or_default()
        )));
    }
    None
}

/// The verdict on an offline, idle ephemeral agent whose group looks like `group`. An agent
/// whose group is missing is deleted only once it registered at least `min_age` ago: a group
/// in a resource group not listed must not cost a young agent its life.
pub fn verdict(agent: &TaskAgent, group: &GroupLook, min_age: Duration, now: OffsetDateTime) -> Verdict {
    match group {
        GroupLook::Alive(state) => Verdict::Keep(format!("offline; its container group is {state}")),
        GroupLook::Ended(state) => Verdict::Delete(format!("offline; its container group ended ({state})")),
        GroupLook::Missing => {
            let created = agent.created_on.as_deref().and_then(|t| parse_rfc3339(t).ok());
            let Some(created) = created else {
                return Verdict::Keep("offline, no container group, registration time unknown".to_owned());
            };
            let age = Duration::try_from(now - created).unwrap_or(Duration::ZERO);
            if age < min_age {
                Verdict::Keep(format!(
                    "offline, no container group, registered {}s ago (younger than {}s)",
                    age.as_secs(),
                    min_age.as_secs()
                ))
            } else {
                Verdict::Delete("offline; no container group".to_owned())
            }
        }
    }
}

/// Looks for the group `name` in `resource_groups`.
pub async fn look_up(
    containers: &ContainerGroupsClient,
    resource_groups: &[String],
    name: &str,
) -> Result<GroupLook, aci_lifecycle::Error> {
    for rg in resource_groups {
        match containers.get(rg, name, None).await {
            Ok(group) => {
                return Ok(match waiters::running(&group) {
                    Acceptance::Success(_) => GroupLook::Alive("Running".to_owned()),
                    Acceptance::Retry => GroupLook::Alive("starting".to_owned()),
                    Acceptance::Failure(reason) => GroupLook::Ended(
                        group
                            .properties
                            .instance_view
                            .and_then(|v| v.state)
                            .map_or(reason, |state| state.to_string()),
                    ),
                });
            }
            Err(error) if error.as_arm().is_some_and(|e| e.is_not_found()) => {}
            Err(error) => return Err(error),
        }
    }
    Ok(GroupLook::Missing)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agent(status: TaskAgentStatus, created: &str) -> TaskAgent {
        let mut agent = TaskAgent::default();
        agent.reference.name = Some("ephemeral-1".to_owned());
        agent.reference.status = Some(status);
        agent.created_on = Some(created.to_owned());
        agent
    }

    #[test]
    fn only_offline_idle_agents_are_considered() {
        assert!(matches!(
            precheck(&agent(TaskAgentStatus::Online, "2026-01-01T00:00:00Z")),
            Some(Verdict::Keep(_))
        ));
        assert_eq!(precheck(&agent(TaskAgentStatus::Offline, "2026-01-01T00:00:00Z")), None);
    }

    #[test]
    fn a_missing_group_needs_an_old_agent() {
        let now = parse_rfc3339("2026-01-01T01:00:00Z").unwrap();
        let min_age = Duration::from_secs(15 * 60);
        let old = agent(TaskAgentStatus::Offline, "2026-01-01T00:00:00Z");
        let young = agent(TaskAgentStatus::Offline, "2026-01-01T00:55:00.1234567Z");
        assert!(matches!(
            verdict(&old, &GroupLook::Missing, min_age, now),
            Verdict::Delete(_)
        ));
        assert!(matches!(
            verdict(&young, &GroupLook::Missing, min_age, now),
            Verdict::Keep(_)
        ));
        assert!(matches!(
            verdict(&young, &GroupLook::Ended("Stopped".into()), min_age, now),
            Verdict::Delete(_)
        ));
        assert!(matches!(
            verdict(&old, &GroupLook::Alive("Running".into()), min_age, now),
            Verdict::Keep(_)
        ));
    }
}
