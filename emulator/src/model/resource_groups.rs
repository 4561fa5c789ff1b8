//! Resource groups: lifecycle (deletion in progress) and ARM representation; they live in the
//! generic [`Store`](crate::model::store::Store).

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{Value, json};

use super::ids;
use super::store::Stored;

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
    /// The prefix of the ids of the resources in the group.
    pub fn scope(&self) -> String {
        format!("{}/", self.id())
    }
}

impl Stored for ResourceGroup {
    /// `/subscriptions/{sub}/resourceGroups/{name}`.
    fn id(&self) -> String {
        ids::resource_group(&self.subscription_id, &self.name)
    }

    /// The `Microsoft.Resources/resourceGroups` JSON.
    fn to_json(&self, _now: Instant) -> Value {
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

    /// Whether a deletion has completed at `now`.
    fn is_gone(&self, now: Instant) -> bool {
        self.deletion.as_ref().is_some_and(|d| d.until <= now)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::ResourceGroup;
    use crate::model::ids;
    use crate::model::store::{Store, Stored};

    #[test]
    fn groups_are_keyed_by_id_and_listed_by_subscription() {
        let mut groups = Store::default();
        for (subscription, name) in [("SUB", "b-Group"), ("SUB", "A-group"), ("other", "c")] {
            groups.insert(ResourceGroup {
                subscription_id: subscription.into(),
                name: name.into(),
                location: "eastus".into(),
                tags: Default::default(),
                deletion: None,
            });
        }
        let now = Instant::now();
        let found = groups.get(&ids::resource_group("sub", "B-GROUP"), now).unwrap();
        assert_eq!(found.id(), "/subscriptions/SUB/resourceGroups/b-Group");
        assert_eq!(found.scope(), "/subscriptions/SUB/resourceGroups/b-Group/");
        let names: Vec<_> = groups
            .under(&ids::resource_groups_of("Sub"), now)
            .map(|g| g.name.as_str())
            .collect();
        assert_eq!(names, ["A-group", "b-Group"]);
        assert_eq!(found.to_json(now)["properties"]["provisioningState"], "Succeeded");
    }
}
