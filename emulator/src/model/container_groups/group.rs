//! A container group: its definition, provisioning, power state, deletion and ARM
//! representation.

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::run::ContainerRun;
use super::spec::{ContainerSpec, GroupSpec, RestartPolicy};
use crate::model::ids;
use crate::model::resource_groups::Deletion;
use crate::model::store::Stored;

/// The ARM type of container groups.
pub(crate) const GROUP_TYPE: &str = "Microsoft.ContainerInstance/containerGroups";

/// A container to start: what the runtime needs to run its process.
#[derive(Clone, Debug)]
pub(crate) struct Launch {
    /// Unique id of this run (process exits and kills name it).
    pub run_id: u64,
    pub subscription_id: String,
    pub resource_group: String,
    pub group_name: String,
    pub has_identity: bool,
    pub container: ContainerSpec,
}

/// A container group.
#[derive(Clone, Debug)]
pub(crate) struct ContainerGroup {
    pub subscription_id: String,
    pub resource_group: String,
    pub name: String,
    pub location: String,
    pub tags: BTreeMap<String, String>,
    pub spec: GroupSpec,
    /// When provisioning (creation, update or start) completes and the containers start.
    pub provisioned_at: Instant,
    /// Stopped by `POST .../stop`.
    pub stopped: bool,
    /// One per container of the spec, in order.
    pub runs: Vec<ContainerRun>,
    pub deletion: Option<Deletion>,
}

impl ContainerGroup {
    /// A new group provisioned at `due`; `now` is the emulator's wall time.
    pub fn new(
        ids: (String, String, String),
        location: String,
        tags: BTreeMap<String, String>,
        spec: GroupSpec,
        due: Instant,
        now: OffsetDateTime,
    ) -> Self {
        let runs = spec
            .containers
            .iter()
            .map(|c| ContainerRun::new(due, now, &c.image))
            .collect();
        let (subscription_id, resource_group, name) = ids;
        ContainerGroup {
            subscription_id,
            resource_group,
            name,
            location,
            tags,
            spec,
            provisioned_at: due,
            stopped: false,
            runs,
            deletion: None,
        }
    }

    /// Whether the group takes part in running containers (not stopped, not being deleted).
    pub fn is_active(&self) -> bool {
        !self.stopped && self.deletion.is_none()
    }

    /// Kills every running process (deletion, replacement); returns the killed runs.
    pub fn kill_all(&mut self, now: OffsetDateTime) -> Vec<u64> {
        self.runs.iter_mut().filter_map(|run| run.stop(now)).collect()
    }

    /// Replaces the definition (PUT of an existing group): the containers are recreated once
    /// provisioning completes at `due`. Returns the killed runs.
    pub fn replace(&mut self, spec: GroupSpec, due: Instant, now: OffsetDateTime) -> Vec<u64> {
        let killed = self.kill_all(now);
        self.runs = spec
            .containers
            .iter()
            .map(|c| ContainerRun::new(due, now, &c.image))
            .collect();
        self.spec = spec;
        self.provisioned_at = due;
        self.stopped = false;
        killed
    }

    /// `POST .../stop`: kills the processes; the group is `Stopped`.
    pub fn stop(&mut self, now: OffsetDateTime) -> Vec<u64> {
        self.stopped = true;
        self.kill_all(now)
    }

    /// `POST .../start`: provisions again; the containers start at `due`.
    pub fn start(&mut self, due: Instant, now: OffsetDateTime) -> Vec<u64> {
        self.stopped = false;
        self.provisioned_at = due;
        self.runs
            .iter_mut()
            .filter_map(|run| run.reschedule(due, now, false))
            .collect()
    }

    /// `POST .../restart`: every container starts again at `due`, counting a restart.
    pub fn restart(&mut self, due: Instant, now: OffsetDateTime) -> Vec<u64> {
        self.stopped = false;
        self.runs
            .iter_mut()
            .filter_map(|run| run.reschedule(due, now, true))
            .collect()
    }

    /// What to start for container `index` as run `run_id`.
    pub fn launch(&self, index: usize, run_id: u64) -> Launch {
        Launch {
            run_id,
            subscription_id: self.subscription_id.clone(),
            resource_group: self.resource_group.clone(),
            group_name: self.name.clone(),
            has_identity: self.spec.has_identity,
            container: self.spec.containers[index].clone(),
        }
    }

    /// `provisioningState` at `now`.
    fn provisioning_state(&self, now: Instant) -> &'static str {
        if self.deletion.is_some() {
            "Deleting"
        } else if now < self.provisioned_at {
            "Pending"
        } else {
            "Succeeded"
        }
    }

    /// `instanceView.state` at `now`: `Pending`, `Running`, `Stopped`, or once every container
    /// has terminated `Succeeded` (all exited 0) or `Failed`.
    fn instance_state(&self, now: Instant) -> &'static str {
        if self.deletion.is_some() || now < self.provisioned_at {
            return "Pending";
        }
        if self.stopped {
            return "Stopped";
        }
        let exits: Option<Vec<Option<i32>>> = self.runs.iter().map(ContainerRun::terminated_with).collect();
        match exits {
            Some(codes) if codes.iter().all(|code| *code == Some(0)) => "Succeeded",
            Some(_) => "Failed",
            None => "Running",
        }
    }

    /// The restart policy.
    pub fn policy(&self) -> RestartPolicy {
        self.spec.restart_policy
    }
}

impl Stored for ContainerGroup {
    /// The resource id.
    fn id(&self) -> String {
        ids::resource(&self.subscription_id, &self.resource_group, GROUP_TYPE, &self.name)
    }

    /// The `Microsoft.ContainerInstance/containerGroups` JSON at `now` (no secrets).
    fn to_json(&self, now: Instant) -> Value {
        let mut properties = self.spec.properties.clone();
        if let Some(containers) = properties["containers"].as_array_mut() {
            for (container, run) in containers.iter_mut().zip(&self.runs) {
                container["properties"]["instanceView"] = run.to_json();
            }
        }
        properties["provisioningState"] = json!(self.provisioning_state(now));
        properties["instanceView"] = json!({ "events": [], "state": self.instance_state(now) });
        let mut body = json!({
            "id": self.id(),
            "name": self.name,
            "type": GROUP_TYPE,
            "location": self.location,
            "properties": properties,
        });
        if !self.tags.is_empty() {
            body["tags"] = json!(self.tags);
        }
        if let Some(identity) = &self.spec.identity {
            body["identity"] = identity.clone();
        }
        if let Some(zones) = &self.spec.zones {
            body["zones"] = zones.clone();
        }
        body
    }

    /// Whether a deletion has completed at `now`.
    fn is_gone(&self, now: Instant) -> bool {
        self.deletion.as_ref().is_some_and(|d| d.until <= now)
    }
}
