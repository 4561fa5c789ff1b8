//! Waiters on container groups, on arm-core's [`Waiter`]: read the group with a growing delay
//! between `min_delay` and `max_delay`, until an acceptor says success or failure, or `max_wait`
//! passes.

use crate::client::ContainerGroupsClient;
use crate::error::Error;
use crate::models::{ContainerGroup, ContainerGroupState, ContainerRunState, Event, ProvisioningState};
use arm_core::SubscriptionClient;
pub use arm_core::{Acceptance, WaiterOptions};
use arm_core::{WaitError, Waiter};

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

/// The provisioning and instance states of a group, for a wait that timed out.
fn last_state(group: &ContainerGroup) -> String {
    let state = group.properties.instance_view.as_ref().and_then(|v| v.state.as_ref());
    let provisioning = group.properties.provisioning_state.as_ref();
    format!(
        "provisioning {}, state {}",
        provisioning.map_or_else(|| "unknown".to_owned(), ToString::to_string),
        state.map_or_else(|| "unknown".to_owned(), ToString::to_string)
    )
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
    /// Reads the group until `acceptor` says success or failure, or `max_wait` passes. An error
    /// reading the group (a 404 included) ends the wait with that error.
    pub async fn wait_for<T>(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<WaiterOptions>,
        acceptor: impl Fn(&ContainerGroup) -> Acceptance<T>,
    ) -> Result<T, Error> {
        self.wait_on_reads(resource_group, name, options, |read| match read {
            Ok(group) => acceptor(group),
            Err(_) => Acceptance::Failure(String::new()),
        })
        .await
    }

    /// Waits until the group is gone: a read that answers 404 (not found) ends the wait
    /// successfully; any other error ends it with that error.
    pub async fn wait_until_deleted(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<WaiterOptions>,
    ) -> Result<(), Error> {
        self.wait_on_reads(resource_group, name, options, |read| match read {
            Err(error) if error.as_arm().is_some_and(arm_core::Error::is_not_found) => Acceptance::Success(()),
            Err(_) => Acceptance::Failure(String::new()),
            Ok(_) => Acceptance::Retry,
        })
        .await
    }

    /// Reads the group with arm-core's [`Waiter`] on this client's clock until `acceptor`
    /// decides; a read error the acceptor fails on is returned as it is.
    async fn wait_on_reads<T>(
        &self,
        resource_group: &str,
        name: &str,
        options: Option<WaiterOptions>,
        acceptor: impl FnMut(Result<&ContainerGroup, &Error>) -> Acceptance<T>,
    ) -> Result<T, Error> {
        let waiter = Waiter::new(options.unwrap_or_default(), self.arm().clock().clone());
        let outcome = waiter.wait(|| self.get(resource_group, name, None), acceptor).await;
        outcome.map_err(|end| match end {
            WaitError::Failed { last: Err(error), .. } | WaitError::TimedOut { last: Err(error), .. } => error,
            WaitError::Failed {
                reason,
                last: Ok(group),
            } => Error::WaitFailed {
                group: name.to_owned(),
                reason,
                events: events(&group),
            },
            WaitError::TimedOut { after, last: Ok(group) } => Error::WaitTimedOut {
                group: name.to_owned(),
                after,
                last_state: last_state(&group),
            },
        })
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
