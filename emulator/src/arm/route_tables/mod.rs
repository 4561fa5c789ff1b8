//! `Microsoft.Network/routeTables` and their routes: create or update (201/200 with an
//! `Azure-AsyncOperation`), get (with the `subnets` that use the table), list by resource group
//! and by subscription, delete (200, 202 or 204, drawn; refused while a subnet uses the table,
//! Network's `InUseRouteTableCannotBeDeleted`); routes inline in the table's PUT and as child
//! resources `routeTables/{table}/routes/{route}`. learn.microsoft.com "Route Tables - Create Or
//! Update", "Routes - Create Or Update".

mod routes;

use std::time::Instant;

use serde_json::{Map, Value};

use super::api_version::ApiVersions;
use super::error::ArmError;
use super::provider::ResourceProvider;
use super::route::{Access, ArmCall, Route};
use super::virtual_networks::network::{self, Parsed, Placement, invalid_format, missing};
use crate::arm::body;
use crate::http::Reply;
use crate::model::World;
use crate::model::network::{self as model, RouteTableKind};

/// The route tables provider (its resource group cascade is the virtual networks provider's,
/// which removes the three `Microsoft.Network` types together).
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(network::API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/providers/Microsoft.Network/routeTables",
                methods: &["GET"],
                access: Access::Filtered,
                handler: network::list_subscription::<RouteTableKind>,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/routeTables",
                methods: &["GET"],
                access: Access::Rbac,
                handler: network::list_resource_group::<RouteTableKind>,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/routeTables/{routeTableName}",
                methods: &["GET", "PUT", "PATCH", "DELETE"],
                access: Access::Rbac,
                handler: item,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/routeTables/{routeTableName}/routes",
                methods: &["GET"],
                access: Access::Rbac,
                handler: network::list_children::<RouteTableKind>,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/routeTables/{routeTableName}/routes/{routeName}",
                methods: &["GET", "PUT", "DELETE"],
                access: Access::Rbac,
                handler: route,
            },
        ]
    }

    fn resources_under(&self, world: &World, prefix: &str, now: Instant) -> Vec<Value> {
        network::json_under::<RouteTableKind>(world, prefix, now)
    }
}

/// Routes a request on one route table by method.
fn item(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "GET" => network::get::<RouteTableKind>(call),
        "PATCH" => network::update_tags::<RouteTableKind>(call),
        "PUT" => network::put::<RouteTableKind>(call, 1, 80, parse),
        _ => network::delete::<RouteTableKind>(call, in_use),
    }
}

/// Routes a request on one route by method.
fn route(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "GET" => network::get_child::<RouteTableKind>(call),
        "PUT" => network::put_child::<RouteTableKind>(call, routes::put),
        _ => network::delete_child::<RouteTableKind>(call),
    }
}

/// Validates a route table's `properties`: `disableBgpRoutePropagation` (a boolean, `false` when
/// left out, as the RouteTableGet example answers it) and its `routes`, each named and valid.
fn parse(
    _world: &World,
    placement: &Placement<'_>,
    properties: &Map<String, Value>,
    _now: Instant,
) -> Result<Parsed, ArmError> {
    let mut out = network::writable(properties, "routes");
    match properties.get("disableBgpRoutePropagation") {
        None | Some(Value::Null) => {
            out.insert("disableBgpRoutePropagation".into(), false.into());
        }
        Some(Value::Bool(_)) => {}
        Some(other) => {
            return Err(invalid_format(format_args!(
                "'properties.disableBgpRoutePropagation' must be true or false, not {other}."
            )));
        }
    }
    let mut children: Vec<(String, Map<String, Value>)> = Vec::new();
    for (i, item) in body::array_at(properties, "routes", "properties")?.iter().enumerate() {
        let path = format!("properties.routes[{i}]");
        let Value::Object(item) = item else {
            return Err(invalid_format(format_args!("'{path}' must be an object, not {item}.")));
        };
        let name = body::string_at(item, "name", &path)?.ok_or_else(|| missing("name", &path))?;
        network::check_name(name, 1, 80)?;
        if children.iter().any(|(other, _)| other.eq_ignore_ascii_case(name)) {
            return Err(invalid_format(format_args!(
                "'{path}.name': the route name '{name}' appears twice; route names are unique in a route table."
            )));
        }
        let id = format!("{}/routes/{name}", placement.id);
        let route_properties = network::properties_of(item)?;
        children.push((
            name.to_owned(),
            routes::parse(&id, &route_properties, &format!("{path}.properties"))?,
        ));
    }
    Ok(Parsed {
        properties: out,
        children,
    })
}

/// Network's refusal to delete a route table that subnets use.
fn in_use(world: &World, id: &str, now: Instant) -> Result<(), ArmError> {
    let users = model::subnets_using(world, "routeTable", id, now);
    if users.is_empty() {
        return Ok(());
    }
    Err(ArmError::bad_request(
        "InUseRouteTableCannotBeDeleted",
        format!(
            "Route table {id} is in use and cannot be deleted. In order to delete the route table, remove the association with the resource(s): {}.",
            users.join(", ")
        ),
    ))
}
