//! `Microsoft.ContainerInstance/containerGroups`: the groups of every subscription in the generic
//! store, and the transitions the emulator's clock and the container processes drive.

mod group;
mod log;
mod run;
mod spec;

use std::ops::{Deref, DerefMut};
use std::time::Instant;

use time::OffsetDateTime;

pub(crate) use group::{ContainerGroup, GROUP_TYPE, Launch};
pub(crate) use spec::{ContainerSpec, EnvVar, GroupSpec, RestartPolicy, SecureValue};

use crate::model::store::Store;

/// All container groups: the generic store (through `Deref`) plus what the container runtime
/// needs to run their processes.
#[derive(Clone, Debug, Default)]
pub(crate) struct ContainerGroups {
    groups: Store<ContainerGroup>,
    /// The id of the next process run.
    next_run_id: u64,
}

impl Deref for ContainerGroups {
    type Target = Store<ContainerGroup>;

    fn deref(&self) -> &Store<ContainerGroup> {
        &self.groups
    }
}

impl DerefMut for ContainerGroups {
    fn deref_mut(&mut self) -> &mut Store<ContainerGroup> {
        &mut self.groups
    }
}

impl ContainerGroups {
    /// Starts every container whose time has come at `at` (`now` on the wall clock), and
    /// forgets groups whose deletion completed. Returns what to run.
    pub fn start_due(&mut self, at: Instant, now: OffsetDateTime) -> Vec<Launch> {
        self.groups.forget_gone(at);
        let mut launches = Vec::new();
        for group in self.groups.values_mut().filter(|g| g.is_active()) {
            for index in 0..group.runs.len() {
                if group.runs[index].due().is_some_and(|due| due <= at) {
                    self.next_run_id += 1;
                    let run_id = self.next_run_id;
                    let image = group.spec.containers[index].image.clone();
                    group.runs[index].start(run_id, now, &image);
                    launches.push(group.launch(index, run_id));
                }
            }
        }
        launches
    }

    /// The earliest time a container is due to start.
    pub fn next_due(&self) -> Option<Instant> {
        self.groups
            .values()
            .filter(|g| g.is_active())
            .flat_map(|g| g.runs.iter().filter_map(|run| run.due()))
            .min()
    }

    /// The group and container index of a process run in progress.
    fn find_run(&mut self, run_id: u64) -> Option<(&mut ContainerGroup, usize)> {
        self.groups.values_mut().find_map(|group| {
            let index = group.runs.iter().position(|run| run.run_id == Some(run_id))?;
            Some((group, index))
        })
    }

    /// Appends a line written by run `run_id` to its container's log.
    pub fn append_log(&mut self, run_id: u64, at: OffsetDateTime, line: String) {
        if let Some((group, index)) = self.find_run(run_id) {
            group.runs[index].log.push(at, line);
        }
    }

    /// Records that run `run_id` exited; returns whether a restart was scheduled. A run that was
    /// stopped, replaced or deleted meanwhile is ignored.
    pub fn exit(&mut self, run_id: u64, exit_code: i32, at: Instant, now: OffsetDateTime) -> bool {
        match self.find_run(run_id) {
            Some((group, index)) => {
                let policy = group.policy();
                group.runs[index].exit(exit_code, now, at, policy)
            }
            None => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use serde_json::json;
    use time::OffsetDateTime;

    use super::{ContainerGroup, ContainerGroups, ContainerSpec, GROUP_TYPE, GroupSpec, RestartPolicy};
    use crate::model::ids;
    use crate::model::store::Stored;

    fn group(rg: &str, name: &str, due: Instant) -> ContainerGroup {
        let spec = GroupSpec {
            containers: vec![ContainerSpec {
                name: "c".into(),
                image: "img".into(),
                command: Vec::new(),
                env: Vec::new(),
            }],
            restart_policy: RestartPolicy::Never,
            has_identity: false,
            identity: None,
            properties: json!({ "containers": [{ "name": "c", "properties": {} }] }),
            zones: None,
        };
        let ids = ("SUB".into(), rg.into(), name.into());
        ContainerGroup::new(
            ids,
            "eastus".into(),
            Default::default(),
            spec,
            due,
            OffsetDateTime::UNIX_EPOCH,
        )
    }

    #[test]
    fn containers_start_when_due_and_exits_are_recorded() {
        let now = Instant::now();
        let wall = OffsetDateTime::UNIX_EPOCH;
        let mut groups = ContainerGroups::default();
        groups.insert(group("rg", "g", now + Duration::from_secs(5)));
        assert!(groups.start_due(now, wall).is_empty());
        assert_eq!(groups.next_due(), Some(now + Duration::from_secs(5)));
        let launches = groups.start_due(now + Duration::from_secs(5), wall);
        assert_eq!(launches.len(), 1);
        assert_eq!(groups.next_due(), None);
        let run_id = launches[0].run_id;
        groups.append_log(run_id, wall, "hello".into());
        assert!(!groups.exit(run_id, 3, now, wall));
        let id = ids::resource("sub", "RG", GROUP_TYPE, "G");
        let body = groups
            .get(&id, now + Duration::from_secs(5))
            .unwrap()
            .to_json(now + Duration::from_secs(5));
        assert_eq!(body["properties"]["instanceView"]["state"], "Failed");
        let view = &body["properties"]["containers"][0]["properties"]["instanceView"];
        assert_eq!(view["currentState"]["exitCode"], 3);
        assert!(!groups.exit(run_id, 0, now, wall), "a run exits once");
        let mut removed = groups.remove_under(&format!("{}/", ids::resource_group("Sub", "rg")));
        assert_eq!(removed.len(), 1);
        assert_eq!(removed[0].kill_all(wall), Vec::<u64>::new());
        assert!(groups.get(&id, now).is_none());
    }
}
