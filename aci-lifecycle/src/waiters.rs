//! Waiters in the smithy-rs style: poll a container group with a growing delay between
//! `min_delay` and `max_delay`, until an acceptor says success or failure, or `max_wait` passes.

use crate::client::ContainerGroupsClient;
use crate::error::Error;
use crate::models::{ContainerGroup, ContainerGroupState, ContainerRunState, Event, ProvisioningState};
use std::time::Duration;

/// How a waiter polls.
#[derive(Clone, Debug)]
pub struct WaiterOptions {
    /// The first delay between two reads of the group.
    pub min_delay: Duration,
    /// The longest delay between two reads.
    pub max_delay: Duration,
    /// The longest the whole wait may take.
    pub max_wait: Duration,
}

impl Default for WaiterOptions {
    fn default() -> Self {
        Self {
            min_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(30),
            max_wait: Duration::from_secs(600),
        }
    }
}

/// What an acceptor decides about the group it was shown.
#[derive(Clone, Debug, PartialEq)]
pub enum Acceptance<T> {
    /// The wait is over, successfully, with this result.
    Success(T),
    /// The wait is over: the group will not reach the state waited for, for this reason.
    Failure(String),
    /// Not yet: read the group again later.
    Retry,
}

/// How one container ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContainerExit {
    /// The container's name.
    pub name: String,
    /// Its exit code, when Azure reported one.
    pub exit_code: Option<i32>,
    /// Azure's detail, e.g. `Completed` or `Error`.
    pub detail_status: Option<String>,
}

/// Every event of the group and of its containers, oldest first as Azure lists them.
pub fn events(group: &ContainerGroup) -> Vec<Event> {
    let properties = &group.properties;
    let group_events = properties.instance_view.iter().flat_map(|v| v.events.iter().flatten());
    let container_events = properties.containers.iter().flat_map(|c| {
        c.properties
            .instance_view
            .iter()
            .flat_map(|v| v.events.iter().flatten())
    });
    group_events.chain(container_events).cloned().collect()
}

fn provisioning_failure(group: &ContainerGroup) -> Option<String> {
    match group.properties.provisioning_state.as_ref()? {
        state @ (ProvisioningState::Failed | ProvisioningState::Canceled | ProvisioningState::Unhealthy) => {
            Some(format!("provisioning ended {state}"))
        }
        _ => None,
    }
}

/// Accepts a group whose provisioning succeeded.
pub fn provisioned(group: &ContainerGroup) -> Acceptance<ContainerGroup> {
    if let Some(failure) = provisioning_failure(group) {
        return Acceptance::Failure(failure);
    }
    match group.properties.provisioning_state {
        Some(ProvisioningState::Succeeded) => Acceptance::Success(group.clone()),
        _ => Acceptance::Retry,
    }
}

/// Accepts a group in the `Running` state; a group that failed to provision, or that stopped,
/// failed or finished before it was seen running, is a failure.
pub fn running(group: &ContainerGroup) -> Acceptance<ContainerGroup> {
    if let Some(failure) = provisioning_failure(group) {
        return Acceptance::Failure(failure);
    }
    match group.properties.instance_view.as_ref().and_then(|v| v.state.as_ref()) {
        Some(ContainerGroupState::Running) => Acceptance::Success(group.clone()),
        Some(state @ (ContainerGroupState::Failed | ContainerGroupState::Stopped | ContainerGroupState::Succeeded)) => {
            Acceptance::Failure(format!("the group is {state}, not Running"))
        }
        _ => Acceptance::Retry,
    }
}

/// Accepts a group whose every container has terminated, with their exit codes.
pub fn terminated(group: &ContainerGroup) -> Acceptance<Vec<ContainerExit>> {
    if let Some(failure) = provisioning_failure(group) {
        return Acceptance::Failure(failure);
    }
    let containers = &group.properties.containers;
    let states: Vec<_> = containers
        .iter()
        .map(|c| {
            c.properties
                .instance_view
                .as_ref()
                .and_then(|v| v.current_state.as_ref())
        })
        .collect();
    let all_done = !containers.is_empty()
        && states
            .iter()
            .all(|s| s.is_some_and(|s| s.state.as_ref() == Some(&ContainerRunState::Terminated)));
    if !all_done {
        return Acceptance::Retry;
    }
    Acceptance::Success(
        containers
            .iter()
            .zip(states)
            .map(|(c, state)| ContainerExit {
                name: c.name.clone(),
                exit_code: state.and_then(|s| s.exit_code),
                detail_status: state.and_then(|s| s.detail_status.clone()),
            })
            .collect(),
    )
}

impl ContainerGroupsClient {
    /// Reads the group until `acceptor` says success or failure, or `max_wait` passes.
    pub async fn wait_for<T>(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<WaiterOptions>,
        acceptor: impl Fn(&ContainerGroup) -> Acceptance<T>,
    ) -> Result<T, Error> {
        let options = options.unwrap_or_default();
        let clock = self.arm().clock().clone();
        let started = clock.now();
        let mut delay = options.min_delay;
        loop {
            let group = self.get(resource_group, name).await?;
            match acceptor(&group) {
                Acceptance::Success(result) => return Ok(result),
                Acceptance::Failure(reason) => {
                    return Err(Error::WaitFailed {
                        group: name.to_owned(),
                        reason,
                        events: events(&group),
                    });
                }
                Acceptance::Retry => {}
            }
            let left = options
                .max_wait
                .saturating_sub(clock.now().saturating_duration_since(started));
            if left.is_zero() {
                let state = group
                    .properties
                    .instance_view
                    .and_then(|v| v.state)
                    .map(|s| s.to_string());
                let provisioning = group.properties.provisioning_state.map(|s| s.to_string());
                return Err(Error::WaitTimedOut {
                    group: name.to_owned(),
                    after: options.max_wait,
                    last_state: format!(
                        "provisioning {}, state {}",
                        provisioning.as_deref().unwrap_or("unknown"),
                        state.as_deref().unwrap_or("unknown")
                    ),
                });
            }
            clock.sleep(delay.min(left)).await;
            delay = delay.saturating_mul(2).min(options.max_delay.max(options.min_delay));
        }
    }

    /// Waits until the group's provisioning succeeded.
    pub async fn wait_until_provisioned(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<WaiterOptions>,
    ) -> Result<ContainerGroup, Error> {
        self.wait_for(resource_group, name, options, provisioned).await
    }

    /// Waits until the group is `Running`.
    pub async fn wait_until_running(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<WaiterOptions>,
    ) -> Result<ContainerGroup, Error> {
        self.wait_for(resource_group, name, options, running).await
    }

    /// Waits until every container of the group has terminated, and returns their exit codes.
    pub async fn wait_until_terminated(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<WaiterOptions>,
    ) -> Result<Vec<ContainerExit>, Error> {
        self.wait_for(resource_group, name, options, terminated).await
    }
}
