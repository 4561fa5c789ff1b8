//! Resource groups: storage, lifecycle (deletion in progress) and ARM representation.

use std::collections::{BTreeMap, HashMap};
use std::time::Instant;

use serde_json::{Value, json};

/// A resource group.
#[derive(Clone, Debug)]
pub(crate) struct ResourceGroup {
    pub subscription_id: String,
    pub name: String,
    pub location: String,
    pub tags: BTreeMap<String, String>,
    /// The deletion in progress, if any.
    pub deletion: Option<Deletion>,
}

/// A running resource group deletion.
#[derive(Clone, Debug)]
pub(crate) struct Deletion {
    /// The long-running operation that reports it.
    pub operation_id: String,
    /// When the group is gone.
    pub until: Instant,
}

impl ResourceGroup {
    /// `/subscriptions/{sub}/resourceGroups/{name}`.
    pub fn id(&self) -> String {
        format!("/subscriptions/{}/resourceGroups/{}", self.subscription_id, self.name)
    }

    /// Whether a deletion has completed at `now`.
    pub fn is_gone(&self, now: Instant) -> bool {
        self.deletion.as_ref().is_some_and(|d| d.until <= now)
    }

    /// The `Microsoft.Resources/resourceGroups` JSON.
    pub fn to_json(&self) -> Value {
        let state = if self.deletion.is_some() {
            "Deleting"
        } else {
            "Succeeded"
        };
        let mut body = json!({
            "id": self.id(),
            "name": self.name,
            "type": "Microsoft.Resources/resourceGroups",
            "location": self.location,
            "properties": { "provisioningState": state }
        });
        if !self.tags.is_empty() {
            body["tags"] = json!(self.tags);
        }
        body
    }
}

/// All resource groups, per subscription, ordered by lowercase name (the paging order).
#[derive(Clone, Debug, Default)]
pub(crate) struct ResourceGroups {
    by_subscription: HashMap<String, BTreeMap<String, ResourceGroup>>,
}

impl ResourceGroups {
    /// The group, unless it does not exist or its deletion has completed.
    pub fn get(&self, subscription_id: &str, name: &str, now: Instant) -> Option<&ResourceGroup> {
        self.by_subscription
            .get(&subscription_id.to_ascii_lowercase())?
            .get(&name.to_lowercase())
            .filter(|group| !group.is_gone(now))
    }

    /// Mutable access; a group whose deletion has completed is removed first.
    pub fn get_mut(&mut self, subscription_id: &str, name: &str, now: Instant) -> Option<&mut ResourceGroup> {
        let groups = self.by_subscription.get_mut(&subscription_id.to_ascii_lowercase())?;
        let key = name.to_lowercase();
        if groups.get(&key).is_some_and(|group| group.is_gone(now)) {
            groups.remove(&key);
        }
        groups.get_mut(&key)
    }

    /// Adds or replaces a group.
    pub fn insert(&mut self, group: ResourceGroup) {
        self.by_subscription
            .entry(group.subscription_id.to_ascii_lowercase())
            .or_default()
            .insert(group.name.to_lowercase(), group);
    }

    /// The live groups of a subscription whose lowercase name sorts after `after`, in order.
    pub fn list_after<'a>(
        &'a self,
        subscription_id: &str,
        after: Option<&'a str>,
        now: Instant,
    ) -> impl Iterator<Item = &'a ResourceGroup> + 'a {
        self.by_subscription
            .get(&subscription_id.to_ascii_lowercase())
            .into_iter()
            .flat_map(move |groups| {
                let lower = match after {
                    Some(after) => std::ops::Bound::Excluded(after.to_owned()),
                    None => std::ops::Bound::Unbounded,
                };
                groups.range((lower, std::ops::Bound::Unbounded))
            })
            .map(|(_, group)| group)
            .filter(move |group| !group.is_gone(now))
    }
}

#[cfg(test)]
mod tests {
    use std::time::{Duration, Instant};

    use super::{Deletion, ResourceGroup, ResourceGroups};

    fn group(name: &str) -> ResourceGroup {
        ResourceGroup {
            subscription_id: "SUB".into(),
            name: name.into(),
            location: "eastus".into(),
            tags: Default::default(),
            deletion: None,
        }
    }

    #[test]
    fn lookups_ignore_case_and_lists_are_ordered() {
        let mut groups = ResourceGroups::default();
        groups.insert(group("b-Group"));
        groups.insert(group("A-group"));
        let now = Instant::now();
        assert_eq!(groups.get("sub", "B-GROUP", now).unwrap().name, "b-Group");
        let names: Vec<_> = groups.list_after("Sub", None, now).map(|g| g.name.as_str()).collect();
        assert_eq!(names, ["A-group", "b-Group"]);
        let after: Vec<_> = groups
            .list_after("sub", Some("a-group"), now)
            .map(|g| g.name.as_str())
            .collect();
        assert_eq!(after, ["b-Group"]);
    }

    #[test]
    fn a_completed_deletion_hides_the_group() {
        let mut groups = ResourceGroups::default();
        let now = Instant::now();
        let mut deleting = group("gone");
        deleting.deletion = Some(Deletion {
            operation_id: "op".into(),
            until: now,
        });
        groups.insert(deleting);
        assert!(groups.get("sub", "gone", now).is_none());
        assert!(groups.get("sub", "gone", now - Duration::from_millis(1)).is_some());
        assert!(groups.get_mut("sub", "gone", now).is_none());
    }
}
