//! Subnets (`Microsoft.Network/virtualNetworks/subnets`), inline in a virtual network's PUT or
//! written on their own: their ranges, references and delegations, validated as Network does
//! (learn.microsoft.com "Subnets - Create Or Update"; the error codes Network answers:
//! `NetcfgSubnetRangeOutsideVnet`, `NetcfgSubnetRangesOverlap`, `InvalidResourceReference`).
//!
//! Subnets are never in use in the emulator (nothing it serves puts a network interface or a
//! service association link in one), so a DELETE of a subnet or of its virtual network never
//! answers Network's `InUseSubnetCannotBeDeleted`; a delegation alone does not hold a subnet.

use std::time::Instant;

use serde_json::{Map, Value, json};

use super::network::{self, invalid_format, missing};
use super::prefixes;
use crate::arm::body::{self, join};
use crate::arm::error::ArmError;
use crate::model::World;
use crate::model::ids;
use crate::model::network::{self as model, Cidr, Kind, Nsg, RouteTableKind, VirtualNetwork};
use crate::model::store::Stored;

/// The actions Network fills in for a delegation to a service that names none: those it
/// answers for the services our clients delegate subnets to (Container Instances, App Service,
/// Container Apps; learn.microsoft.com "Subnet delegation"). Any other service gets the actions
/// the request gave, or none (as the specification's SubnetCreateWithDelegation example shows
/// for `Microsoft.Provider/resourceType`).
const DELEGATION_ACTIONS: &[(&str, &str)] = &[
    (
        "Microsoft.ContainerInstance/containerGroups",
        "Microsoft.Network/virtualNetworks/subnets/action",
    ),
    (
        "Microsoft.Web/serverFarms",
        "Microsoft.Network/virtualNetworks/subnets/action",
    ),
    (
        "Microsoft.App/environments",
        "Microsoft.Network/virtualNetworks/subnets/join/action",
    ),
];

/// The virtual network a subnet is validated against.
pub(super) struct Vnet<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub subscription_id: &'a str,
    pub location: &'a str,
    pub address_space: &'a [Cidr],
}

/// Validates the subnet `name` with `properties` in `vnet`, next to `siblings` (the other
/// subnets, with their ranges), and returns its properties as Network answers them (delegations
/// with their ids and actions, service endpoints with their locations).
pub(super) fn parse(
    world: &World,
    vnet: &Vnet<'_>,
    name: &str,
    properties: &Map<String, Value>,
    siblings: &[(String, Vec<Cidr>)],
    now: Instant,
) -> Result<(Map<String, Value>, Vec<Cidr>), ArmError> {
    let id = format!("{}/subnets/{name}", vnet.id);
    let mut out = network::writable(properties, "");
    let ranges = ranges(vnet, name, &id, properties, siblings)?;
    for (key, kind) in [
        ("networkSecurityGroup", Nsg::TYPE),
        ("routeTable", RouteTableKind::TYPE),
    ] {
        if let Some(reference) = reference(world, vnet, &id, properties, key, kind, now)? {
            out.insert(key.into(), json!({ "id": reference }));
        }
    }
    let delegations = delegations(&id, properties)?;
    if !delegations.is_empty() {
        out.insert("purpose".into(), "".into());
    }
    out.insert("delegations".into(), delegations.into());
    out.insert("serviceEndpoints".into(), service_endpoints(vnet, properties)?.into());
    for key in ["delegations", "serviceEndpoints"] {
        if out[key].as_array().is_some_and(Vec::is_empty) && !properties.contains_key(key) {
            out.remove(key);
        }
    }
    Ok((out, ranges))
}

/// The subnet's ranges (`addressPrefix`, `addressPrefixes`): at least one, each a CIDR prefix
/// inside the virtual network's address space, none overlapping a sibling's.
fn ranges(
    vnet: &Vnet<'_>,
    name: &str,
    id: &str,
    properties: &Map<String, Value>,
    siblings: &[(String, Vec<Cidr>)],
) -> Result<Vec<Cidr>, ArmError> {
    let single = body::string_at(properties, "addressPrefix", "properties")?;
    let many = prefixes::strings(properties, "addressPrefixes", "properties")?;
    let texts: Vec<&str> = single.into_iter().chain(many).collect();
    if texts.is_empty() {
        return Err(ArmError::bad_request(
            "NoAddressPrefixOrPoolProvided",
            format!(
                "Subnet {id} has neither 'addressPrefix' nor 'addressPrefixes': give its range in CIDR notation, for example 10.0.0.0/24."
            ),
        ));
    }
    let ranges = texts
        .iter()
        .map(|text| prefixes::parse(text, id))
        .collect::<Result<Vec<_>, _>>()?;
    if !ranges
        .iter()
        .all(|range| vnet.address_space.iter().any(|space| space.contains(range)))
    {
        return Err(ArmError::bad_request(
            "NetcfgSubnetRangeOutsideVnet",
            format!(
                "Subnet '{name}' is not valid because its IP address range is outside the IP address range of virtual network '{}'.",
                vnet.name
            ),
        ));
    }
    let overlapping = siblings
        .iter()
        .filter(|(sibling, _)| !sibling.eq_ignore_ascii_case(name))
        .any(|(_, theirs)| theirs.iter().any(|t| ranges.iter().any(|r| r.overlaps(t))));
    if overlapping {
        return Err(ArmError::bad_request(
            "NetcfgSubnetRangesOverlap",
            format!(
                "Subnet '{name}' is not valid because its IP address range overlaps with that of an existing subnet in virtual network '{}'.",
                vnet.name
            ),
        ));
    }
    Ok(ranges)
}

/// The id at `properties.{key}.id`, which must name an existing resource of `kind` in the
/// virtual network's subscription and region (else Network's `InvalidResourceReference`).
fn reference(
    world: &World,
    vnet: &Vnet<'_>,
    subnet_id: &str,
    properties: &Map<String, Value>,
    key: &str,
    kind: &str,
    now: Instant,
) -> Result<Option<String>, ArmError> {
    let reference = match properties.get(key) {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::Object(object)) => body::string_at(object, "id", &join("properties", key))?
            .ok_or_else(|| missing("id", &join("properties", key)))?,
        Some(other) => {
            return Err(invalid_format(format_args!(
                "'properties.{key}' must be an object with an 'id', not {other}."
            )));
        }
    };
    let found = ids::parse_resource(reference, kind)
        .filter(|(subscription, _, _)| subscription.eq_ignore_ascii_case(vnet.subscription_id))
        .and_then(|_| {
            if kind == Nsg::TYPE {
                model::get::<Nsg>(world, reference, now).map(|r| (Stored::id(r), r.location.clone()))
            } else {
                model::get::<RouteTableKind>(world, reference, now).map(|r| (Stored::id(r), r.location.clone()))
            }
        });
    match found {
        Some((id, location)) if location == vnet.location => Ok(Some(id)),
        _ => Err(ArmError::bad_request(
            "InvalidResourceReference",
            format!(
                "Resource {reference} referenced by resource {subnet_id} was not found. Please make sure that the referenced resource exists, and that both resources are in the same region."
            ),
        )),
    }
}

/// The `delegations`: each a `name` and `properties.serviceName` (`Namespace/type`), answered
/// with its id, its actions and `provisioningState`.
fn delegations(subnet_id: &str, properties: &Map<String, Value>) -> Result<Vec<Value>, ArmError> {
    let items = body::array_at(properties, "delegations", "properties")?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("properties.delegations[{i}]");
        let Value::Object(item) = item else {
            return Err(invalid_format(format_args!("'{path}' must be an object, not {item}.")));
        };
        let name = body::string_at(item, "name", &path)?.ok_or_else(|| missing("name", &path))?;
        let inner_path = join(&path, "properties");
        let inner = body::object_at(item, "properties", &path)?;
        let service =
            body::string_at(inner, "serviceName", &inner_path)?.ok_or_else(|| missing("serviceName", &inner_path))?;
        if service.split('/').count() < 2 || service.split('/').any(str::is_empty) {
            return Err(ArmError::bad_request(
                "InvalidServiceNameOnDelegation",
                format!(
                    "Delegation {name} of subnet {subnet_id} names the service '{service}': expected a resource type such as Microsoft.ContainerInstance/containerGroups."
                ),
            ));
        }
        let given = prefixes::strings(inner, "actions", &inner_path)?;
        let actions: Vec<&str> = if given.is_empty() {
            DELEGATION_ACTIONS
                .iter()
                .filter(|(known, _)| known.eq_ignore_ascii_case(service))
                .map(|(_, action)| *action)
                .collect()
        } else {
            given
        };
        out.push(json!({
            "name": name,
            "id": format!("{subnet_id}/delegations/{name}"),
            "properties": {
                "serviceName": service,
                "actions": actions,
                "provisioningState": "Succeeded",
            },
        }));
    }
    Ok(out)
}

/// The `serviceEndpoints`: each a `service`, with the `locations` given, else the virtual
/// network's region (emulator choice: Network answers the region and its pair for Storage, `*`
/// for some services), and `provisioningState`.
fn service_endpoints(vnet: &Vnet<'_>, properties: &Map<String, Value>) -> Result<Vec<Value>, ArmError> {
    let items = body::array_at(properties, "serviceEndpoints", "properties")?;
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let path = format!("properties.serviceEndpoints[{i}]");
        let Value::Object(item) = item else {
            return Err(invalid_format(format_args!("'{path}' must be an object, not {item}.")));
        };
        let service = body::string_at(item, "service", &path)?.ok_or_else(|| missing("service", &path))?;
        let given = prefixes::strings(item, "locations", &path)?;
        let locations: Vec<&str> = if given.is_empty() { vec![vnet.location] } else { given };
        out.push(json!({
            "service": service,
            "locations": locations,
            "provisioningState": "Succeeded",
        }));
    }
    Ok(out)
}

/// The ranges of the live subnets of `vnet` (as stored, so already valid).
pub(super) fn ranges_of(vnet: &VirtualNetwork, now: Instant) -> Vec<(String, Vec<Cidr>)> {
    vnet.live_children(now)
        .map(|subnet| {
            let ranges = subnet
                .address_prefixes()
                .into_iter()
                .filter_map(|text| Cidr::parse(text).ok())
                .collect();
            (subnet.name.clone(), ranges)
        })
        .collect()
}

/// The address space of `vnet` (as stored, so already valid).
pub(super) fn address_space_of(vnet: &VirtualNetwork) -> Vec<Cidr> {
    vnet.properties
        .get("addressSpace")
        .and_then(|space| space.get("addressPrefixes"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .filter_map(|text| Cidr::parse(text).ok())
        .collect()
}

/// Routes a request on one subnet by method.
pub(super) fn item(call: &crate::arm::route::ArmCall<'_>) -> Result<crate::http::Reply, ArmError> {
    match call.request.method.as_str() {
        "GET" => network::get_child::<model::Vnet>(call),
        "PUT" => network::put_child::<model::Vnet>(call, put),
        _ => network::delete_child::<model::Vnet>(call),
    }
}

/// A subnet PUT's validation against its virtual network.
fn put(
    world: &World,
    vnet: &VirtualNetwork,
    name: &str,
    properties: &Map<String, Value>,
    now: Instant,
) -> Result<Map<String, Value>, ArmError> {
    let id = Stored::id(vnet);
    let address_space = address_space_of(vnet);
    let context = Vnet {
        id: &id,
        name: &vnet.name,
        subscription_id: &vnet.subscription_id,
        location: &vnet.location,
        address_space: &address_space,
    };
    let siblings = ranges_of(vnet, now);
    parse(world, &context, name, properties, &siblings, now).map(|(properties, _)| properties)
}
