//! Spawning a run-once container group: create it with the ephemeral tags, wait until it runs,
//! and delete it again if it does not.

use crate::client::{BeginOptions, ContainerGroupsClient};
use crate::error::Error;
use crate::models::{ContainerGroup, ContainerGroupState, RestartPolicy};
use crate::waiters::{self, Acceptance, WaiterOptions};
use arm_core::azure_core::time::{OffsetDateTime, to_rfc3339};

/// Tag marking a container group as ephemeral, with the value `true`: the reaper only ever
/// deletes groups that carry it.
pub const EPHEMERAL_TAG: &str = "azure-ephemeral";
/// Tag holding the time (RFC 3339, UTC) a group was spawned, used for the reaper's minimum age
/// when Azure reports no container finish time.
pub const CREATED_AT_TAG: &str = "azure-ephemeral-created-at";

/// Options of [`ContainerGroupsClient::spawn`].
#[derive(Clone, Debug, Default)]
pub struct SpawnOptions {
    /// How to follow the creation.
    pub create: BeginOptions,
    /// How to wait until the group runs.
    pub wait: WaiterOptions,
}

/// Accepts a group that runs, or that already ran to success (a short run-once job).
fn started(group: &ContainerGroup) -> Acceptance<ContainerGroup> {
    match group.properties.instance_view.as_ref().and_then(|v| v.state.as_ref()) {
        Some(ContainerGroupState::Succeeded) => Acceptance::Success(group.clone()),
        _ => waiters::running(group),
    }
}

/// Makes `group` a run-once ephemeral group as [`ContainerGroupsClient::spawn`] creates it:
/// restart policy `Never` and the [`EPHEMERAL_TAG`] and [`CREATED_AT_TAG`] tags (now). For
/// callers that follow the creation themselves; a restart policy other than `Never` is an error.
///
/// ```
/// use aci_lifecycle::models::ContainerGroup;
/// let mut group = ContainerGroup::new("westeurope");
/// aci_lifecycle::mark_run_once(&mut group).unwrap();
/// assert_eq!(group.tags.unwrap()[aci_lifecycle::EPHEMERAL_TAG], "true");
/// ```
pub fn mark_run_once(group: &mut ContainerGroup) -> Result<(), Error> {
    match group.properties.restart_policy {
        None | Some(RestartPolicy::Never) => group.properties.restart_policy = Some(RestartPolicy::Never),
        Some(ref other) => {
            return Err(Error::invalid(
                "restart_policy",
                format!("is {other}; a run-once group must use Never"),
            ));
        }
    }
    let tags = group.tags.get_or_insert_with(Default::default);
    tags.insert(EPHEMERAL_TAG.to_owned(), "true".to_owned());
    tags.insert(CREATED_AT_TAG.to_owned(), to_rfc3339(&OffsetDateTime::now_utc()));
    Ok(())
}

impl ContainerGroupsClient {
    /// Creates a run-once container group (restart policy `Never`, the [`EPHEMERAL_TAG`] and
    /// [`CREATED_AT_TAG`] tags) and waits until it runs or has already succeeded.
    ///
    /// When the creation or the wait fails, or the wait times out, the group that was created is
    /// deleted before the error is returned, so nothing is left behind. A group whose PUT Azure
    /// refused (e.g. a name already in use) is not touched.
    pub async fn spawn(
        &self,
        resource_group: &str,
        name: &str,
        mut group: ContainerGroup,
        options: Option<SpawnOptions>,
    ) -> Result<ContainerGroup, Error> {
        let options = options.unwrap_or_default();
        mark_run_once(&mut group)?;
        let poller = self
            .begin_create_or_update(resource_group, name, &group, Some(options.create.clone()))
            .await?;
        let outcome = async {
            poller.await?;
            self.wait_for(resource_group, name, Some(options.wait.clone()), started)
                .await
        }
        .await;
        let Err(error) = outcome else { return outcome };
        let cleanup = async {
            self.begin_delete(resource_group, name, Some(options.create))
                .await?
                .await
                .map_err(Error::from)
        };
        let cleanup_error = cleanup.await.err().map(|e| e.to_string());
        Err(Error::SpawnFailed {
            group: name.to_owned(),
            source: Box::new(error),
            cleanup_error,
        })
    }
}
