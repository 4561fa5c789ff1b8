//! `Microsoft.Network/networkSecurityGroups` and their security rules: create or update
//! (201/200 with an `Azure-AsyncOperation`), get (with Network's six `defaultSecurityRules` and
//! the `subnets` that use the group), list by resource group and by subscription, delete (200,
//! 202 or 204, drawn; refused while a subnet uses the group, Network's
//! `InUseNetworkSecurityGroupCannotBeDeleted`); security rules inline in the group's PUT and as
//! child resources `networkSecurityGroups/{nsg}/securityRules/{rule}`; the default rules at
//! `defaultSecurityRules` (GET, list). learn.microsoft.com "Network Security Groups - Create Or
//! Update", "Security Rules - Create Or Update", "Default Security Rules - Get".

mod rules;

use std::time::Instant;

use hyper::StatusCode;
use serde_json::{Map, Value, json};

use super::api_version::ApiVersions;
use super::error::ArmError;
use super::provider::ResourceProvider;
use super::route::{Access, ArmCall, Route};
use super::virtual_networks::network::{self, Parsed, Placement, invalid_format, missing};
use crate::arm::body;
use crate::http::Reply;
use crate::model::World;
use crate::model::network::{self as model, Nsg, default_security_rules};

/// The network security groups provider (its resource group cascade is the virtual networks
/// provider's, which removes the three `Microsoft.Network` types together).
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(network::API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/providers/Microsoft.Network/networkSecurityGroups",
                methods: &["GET"],
                access: Access::Filtered,
                handler: network::list_subscription::<Nsg>,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/networkSecurityGroups",
                methods: &["GET"],
                access: Access::Rbac,
                handler: network::list_resource_group::<Nsg>,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}",
                methods: &["GET", "PUT", "PATCH", "DELETE"],
                access: Access::Rbac,
                handler: item,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}/securityRules",
                methods: &["GET"],
                access: Access::Rbac,
                handler: network::list_children::<Nsg>,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}/securityRules/{securityRuleName}",
                methods: &["GET", "PUT", "DELETE"],
                access: Access::Rbac,
                handler: rule,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}/defaultSecurityRules",
                methods: &["GET"],
                access: Access::Rbac,
                handler: default_rules,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/networkSecurityGroups/{networkSecurityGroupName}/defaultSecurityRules/{defaultSecurityRuleName}",
                methods: &["GET"],
                access: Access::Rbac,
                handler: default_rules,
            },
        ]
    }

    fn resources_under(&self, world: &World, prefix: &str, now: Instant) -> Vec<Value> {
        network::json_under::<Nsg>(world, prefix, now)
    }
}

/// Routes a request on one security group by method.
fn item(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "GET" => network::get::<Nsg>(call),
        "PATCH" => network::update_tags::<Nsg>(call),
        "PUT" => network::put::<Nsg>(call, 1, 80, parse),
        _ => network::delete::<Nsg>(call, in_use),
    }
}

/// Routes a request on one security rule by method.
fn rule(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "GET" => network::get_child::<Nsg>(call),
        "PUT" => network::put_child::<Nsg>(call, rules::put),
        _ => network::delete_child::<Nsg>(call),
    }
}

/// Validates a security group's `properties`: its `securityRules`, each named and valid, no two
/// with the same priority and direction.
fn parse(
    _world: &World,
    _placement: &Placement<'_>,
    properties: &Map<String, Value>,
    _now: Instant,
) -> Result<Parsed, ArmError> {
    let mut children: Vec<(String, Map<String, Value>)> = Vec::new();
    for (i, item) in body::array_at(properties, "securityRules", "properties")?
        .iter()
        .enumerate()
    {
        let path = format!("properties.securityRules[{i}]");
        let Value::Object(item) = item else {
            return Err(invalid_format(format_args!("'{path}' must be an object, not {item}.")));
        };
        let name = body::string_at(item, "name", &path)?.ok_or_else(|| missing("name", &path))?;
        network::check_name(name, 1, 80)?;
        if children.iter().any(|(other, _)| other.eq_ignore_ascii_case(name)) {
            return Err(invalid_format(format_args!(
                "'{path}.name': the rule name '{name}' appears twice; rule names are unique in a security group."
            )));
        }
        let rule_properties = network::properties_of(item)?;
        children.push((
            name.to_owned(),
            rules::parse(&rule_properties, &format!("{path}.properties"))?,
        ));
    }
    rules::check_conflicts(children.iter().map(|(name, properties)| (name.as_str(), properties)))?;
    Ok(Parsed {
        properties: network::writable(properties, "securityRules"),
        children,
    })
}

/// Network's refusal to delete a security group that subnets use.
fn in_use(world: &World, id: &str, now: Instant) -> Result<(), ArmError> {
    let users = model::subnets_using(world, "networkSecurityGroup", id, now);
    if users.is_empty() {
        return Ok(());
    }
    Err(ArmError::bad_request(
        "InUseNetworkSecurityGroupCannotBeDeleted",
        format!(
            "Network security group {id} cannot be deleted because it is in use by the following resources: {}. In order to delete the Network security group, remove the association with the resource(s). To learn how to do this, see aka.ms/deletensg.",
            users.join(", ")
        ),
    ))
}

/// GET of the default rules of the path's security group, or of one of them.
fn default_rules(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    call.resource_group(&world)?;
    let id = network::resource_id::<Nsg>(call);
    if model::get::<Nsg>(&world, &id, now).is_none() {
        return Err(ArmError::resource_not_found(
            <Nsg as model::Kind>::TYPE,
            call.params[2],
            call.params[1],
        ));
    }
    let rules = default_security_rules(&id);
    let Some(name) = call.params.get(3) else {
        return Ok(Reply::json(StatusCode::OK, &json!({ "value": rules })));
    };
    rules
        .into_iter()
        .find(|rule| rule["name"].as_str().is_some_and(|n| n.eq_ignore_ascii_case(name)))
        .map(|rule| Reply::json(StatusCode::OK, &rule))
        .ok_or_else(|| {
            ArmError::new(
                StatusCode::NOT_FOUND,
                "NotFound",
                format!("Resource {id}/defaultSecurityRules/{name} not found."),
            )
        })
}
