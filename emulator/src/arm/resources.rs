//! The generic resource list (`Resources_List`, `Resources_ListByResourceGroup`): every resource
//! of every registered provider in a subscription or resource group, as ARM lists them (without
//! `properties`), filtered by `$filter` (`resourceType`, `resourceGroup`, `name`, `location`,
//! `tagName`, `tagValue`, with `eq`, joined by `and`), a page at a time.
//!
//! Real ARM allows only some combinations of these clauses; the emulator takes any conjunction
//! of distinct fields.

use serde_json::{Map, Value};

use super::api_version::{ApiVersions, MICROSOFT_RESOURCES};
use super::error::ArmError;
use super::filter::ALL_FIELDS;
use super::list::{self, ListRules};
use super::provider::ResourceProvider;
use super::registry;
use super::route::{Access, ArmCall, Route};
use crate::http::Reply;
use crate::model::ids;

/// The keys of `GenericResource` that ARM's list answers carry (everything but `properties`).
const GENERIC_KEYS: &[&str] = &[
    "id",
    "name",
    "type",
    "location",
    "extendedLocation",
    "kind",
    "managedBy",
    "sku",
    "plan",
    "identity",
    "tags",
];

/// Pages of at most 1,000 resources, `$top` for fewer, every filter field.
const RULES: ListRules = ListRules {
    page: 1000,
    top: true,
    filter: ALL_FIELDS,
};

/// The generic resource list.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(MICROSOFT_RESOURCES)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/resources",
                methods: &["GET"],
                access: Access::Related { scope_len: 2 },
                handler: list_subscription,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/resources",
                methods: &["GET"],
                access: Access::Rbac,
                handler: list_resource_group,
            },
        ]
    }
}

/// GET of a subscription's resources (those the caller may read).
fn list_subscription(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    list(call, &ids::resource_groups_of(call.params[0]))
}

/// GET of a resource group's resources; 404 `ResourceGroupNotFound` without the group.
fn list_resource_group(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let prefix = call.resource_group(&call.shared.read())?.scope();
    list(call, &prefix)
}

/// A page of the resources under `prefix`.
fn list(call: &ArmCall<'_>, prefix: &str) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    let resources = registry::resources_under(&world, prefix, now).into_iter().map(generic);
    list::respond(call, &world, &RULES, resources)
}

/// A resource as the generic list shows it: its ARM JSON without `properties`.
fn generic(resource: Value) -> Value {
    let Value::Object(mut fields) = resource else {
        return resource;
    };
    let kept: Map<String, Value> = GENERIC_KEYS
        .iter()
        .filter_map(|key| fields.remove_entry(*key))
        .collect();
    Value::Object(kept)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::generic;

    #[test]
    fn the_generic_shape_has_no_properties() {
        let resource = json!({
            "id": "/x", "name": "n", "type": "T/t", "location": "eastus", "tags": { "a": "b" },
            "identity": { "type": "SystemAssigned" }, "properties": { "secret": 1 }, "zones": ["1"],
        });
        assert_eq!(
            generic(resource),
            json!({
                "id": "/x", "name": "n", "type": "T/t", "location": "eastus", "tags": { "a": "b" },
                "identity": { "type": "SystemAssigned" },
            })
        );
    }
}
