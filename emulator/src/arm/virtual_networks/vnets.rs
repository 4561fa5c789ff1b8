//! The body of a virtual network's PUT: its address space and its inline subnets
//! (learn.microsoft.com "Virtual Networks - Create Or Update").

use std::time::Instant;

use serde_json::{Map, Value};

use super::network::{self, Parsed, Placement, invalid_format, missing};
use super::{prefixes, subnets};
use crate::arm::body;
use crate::arm::error::ArmError;
use crate::model::World;

/// Validates a virtual network's `properties`: `addressSpace.addressPrefixes` (CIDR prefixes)
/// and the `subnets`, each named and valid in that space, without overlaps or repeated names.
/// Network allows an empty address space (an address space from an IPAM pool, which the
/// emulator does not serve), but then no subnet fits in it.
pub(super) fn parse(
    world: &World,
    placement: &Placement<'_>,
    properties: &Map<String, Value>,
    now: Instant,
) -> Result<Parsed, ArmError> {
    let space_texts = match properties.get("addressSpace") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Object(space)) => prefixes::strings(space, "addressPrefixes", "properties.addressSpace")?,
        Some(other) => {
            return Err(invalid_format(format_args!(
                "'properties.addressSpace' must be an object with 'addressPrefixes', not {other}."
            )));
        }
    };
    let address_space = space_texts
        .iter()
        .map(|text| prefixes::parse(text, placement.id))
        .collect::<Result<Vec<_>, _>>()?;
    let vnet = subnets::Vnet {
        id: placement.id,
        name: placement.name,
        subscription_id: placement.subscription_id,
        location: placement.location,
        address_space: &address_space,
    };
    let mut siblings = Vec::new();
    let mut children = Vec::new();
    for (i, item) in body::array_at(properties, "subnets", "properties")?.iter().enumerate() {
        let path = format!("properties.subnets[{i}]");
        let Value::Object(item) = item else {
            return Err(invalid_format(format_args!("'{path}' must be an object, not {item}.")));
        };
        let name = body::string_at(item, "name", &path)?.ok_or_else(|| missing("name", &path))?;
        network::check_name(name, 1, 80)?;
        if siblings
            .iter()
            .any(|(other, _): &(String, _)| other.eq_ignore_ascii_case(name))
        {
            return Err(invalid_format(format_args!(
                "'{path}.name': the subnet name '{name}' appears twice; subnet names are unique in a virtual network."
            )));
        }
        let subnet_properties = network::properties_of(item)?;
        let (answered, ranges) = subnets::parse(world, &vnet, name, &subnet_properties, &siblings, now)?;
        siblings.push((name.to_owned(), ranges));
        children.push((name.to_owned(), answered));
    }
    Ok(Parsed {
        properties: network::writable(properties, "subnets"),
        children,
    })
}
