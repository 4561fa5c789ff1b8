//! `Microsoft.ContainerInstance/containerGroups`: the groups of every subscription, ordered by
//! `subscription/resource group/name` in lowercase (the paging order), and the transitions the
//! emulator's clock and the container processes drive.

mod group;
mod log;
mod run;
mod spec;

use std::collections::BTreeMap;
use std::ops::Bound;
use std::time::Instant;

use time::OffsetDateTime;

pub(crate) use group::{ContainerGroup, GROUP_TYPE, Launch};
pub(crate) use spec::{ContainerSpec, EnvVar, GroupSpec, RestartPolicy, SecureValue};

/// All container groups.
#[derive(Clone, Debug, Default)]
pub(crate) struct ContainerGroups {
    by_key: BTreeMap<String, ContainerGroup>,
    /// The id of the next process run.
    next_run_id: u64,
}

/// The store key of a group.
fn key(subscription_id: &str, resource_group: &str, name: &str) -> String {
    format!("{subscription_id}/{resource_group}/{name}").to_lowercase()
}

/// The key prefix of a subscription's groups, or of one resource group's.
pub(crate) fn prefix(subscription_id: &str, resource_group: Option<&str>) -> String {
    match resource_group {
        Some(rg) => format!("{subscription_id}/{rg}/").to_lowercase(),
        None => format!("{subscription_id}/").to_lowercase(),
    }
}

impl ContainerGroups {
    /// The group, unless it does not exist or its deletion has completed.
    pub fn get(
        &self,
        subscription_id: &str,
        resource_group: &str,
        name: &str,
        now: Instant,
    ) -> Option<&ContainerGroup> {
        self.by_key
            .get(&key(subscription_id, resource_group, name))
            .filter(|group| !group.is_gone(now))
    }

    /// Mutable access; a group whose deletion has completed is removed first.
    pub fn get_mut(
        &mut self,
        subscription_id: &str,
        resource_group: &str,
        name: &str,
        now: Instant,
    ) -> Option<&mut ContainerGroup> {
        let key = key(subscription_id, resource_group, name);
        if self.by_key.get(&key).is_some_and(|group| group.is_gone(now)) {
            self.by_key.remove(&key);
        }
        self.by_key.get_mut(&key)
    }

    /// Adds or replaces a group.
    pub fn insert(&mut self, group: ContainerGroup) {
        self.by_key
            .insert(key(&group.subscription_id, &group.resource_group, &group.name), group);
    }

    /// The live groups whose key starts with `prefix` and sorts after `after`, with their keys.
    pub fn list_after<'a>(
        &'a self,
        prefix: &'a str,
        after: Option<&str>,
        now: Instant,
    ) -> impl Iterator<Item = (&'a String, &'a ContainerGroup)> + 'a {
        let lower = match after {
            Some(after) if after > prefix => Bound::Excluded(after.to_owned()),
            _ => Bound::Included(prefix.to_owned()),
        };
        self.by_key
            .range((lower, Bound::Unbounded))
            .take_while(move |(key, _)| key.starts_with(prefix))
            .filter(move |(_, group)| !group.is_gone(now))
    }

    /// Removes a group at once (a deletion answered 200 or 204); returns the killed runs.
    pub fn remove(&mut self, subscription_id: &str, resource_group: &str, name: &str, now: OffsetDateTime) -> Vec<u64> {
        self.by_key
            .remove(&key(subscription_id, resource_group, name))
            .map(|mut group| group.kill_all(now))
            .unwrap_or_default()
    }

    /// Removes every group of a resource group (its deletion); returns the killed runs.
    pub fn remove_resource_group(
        &mut self,
        subscription_id: &str,
        resource_group: &str,
        now: OffsetDateTime,
    ) -> Vec<u64> {
        let prefix = prefix(subscription_id, Some(resource_group));
        let keys: Vec<String> = self
            .by_key
            .keys()
            .filter(|key| key.starts_with(&prefix))
            .cloned()
            .collect();
        keys.iter()
            .filter_map(|key| self.by_key.remove(key))
            .flat_map(|mut group| group.kill_all(now))
            .collect()
    }

    /// Starts every container whose time has come at `at` (`now` on the wall clock), and
    /// forgets groups whose deletion completed. Returns what to run.
    pub fn start_due(&mut self, at: Instant, now: OffsetDateTime) -> Vec<Launch> {
        self.by_key.retain(|_, group| !group.is_gone(at));
        let mut launches = Vec::new();
        for group in self.by_key.values_mut().filter(|g| g.is_active()) {
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
        self.by_key
            .values()
            .filter(|g| g.is_active())
            .flat_map(|g| g.runs.iter().filter_map(|run| run.due()))
            .min()
    }

    /// The group and container index of a process run in progress.
    fn find_run(&mut self, run_id: u64) -> Option<(&mut ContainerGroup, usize)> {
        self.by_key.values_mut().find_map(|group| {
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

    use super::{ContainerGroup, ContainerGroups, ContainerSpec, GroupSpec, RestartPolicy, prefix};

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
    fn lists_are_ordered_and_scoped() {
        let now = Instant::now();
        let mut groups = ContainerGroups::default();
        for (rg, name) in [("rg-b", "x"), ("rg-a", "b"), ("rg-a", "a"), ("rg-ab", "z")] {
            groups.insert(group(rg, name, now));
        }
        let names = |p: &str, after: Option<&str>| -> Vec<String> {
            groups.list_after(p, after, now).map(|(_, g)| g.name.clone()).collect()
        };
        assert_eq!(names(&prefix("sub", Some("RG-A")), None), ["a", "b"]);
        assert_eq!(names(&prefix("sub", None), None), ["a", "b", "z", "x"]);
        assert_eq!(names(&prefix("sub", None), Some("sub/rg-a/b")), ["z", "x"]);
        assert!(groups.get("sub", "RG-A", "A", now).is_some());
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
        let body = groups
            .get("sub", "rg", "g", now + Duration::from_secs(5))
            .unwrap()
            .to_json(now + Duration::from_secs(5));
        assert_eq!(body["properties"]["instanceView"]["state"], "Failed");
        let view = &body["properties"]["containers"][0]["properties"]["instanceView"];
        assert_eq!(view["currentState"]["exitCode"], 3);
        assert!(!groups.exit(run_id, 0, now, wall), "a run exits once");
        assert_eq!(groups.remove_resource_group("Sub", "rg", wall), Vec::<u64>::new());
        assert!(groups.get("sub", "rg", "g", now).is_none());
    }
}
