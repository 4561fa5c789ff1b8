//! Routes (`Microsoft.Network/routeTables/routes`), inline in a route table's PUT or written on
//! their own (learn.microsoft.com "Routes - Create Or Update", "Virtual network traffic routing:
//! custom routes").

use std::net::IpAddr;
use std::time::Instant;

use serde_json::{Map, Value};

use crate::arm::body;
use crate::arm::error::ArmError;
use crate::arm::virtual_networks::network::{self, is_service_tag, missing, one_of};
use crate::arm::virtual_networks::parse_prefix;
use crate::model::World;
use crate::model::network::RouteTable;

/// The values of `RouteNextHopType`.
const NEXT_HOP_TYPES: &[&str] = &[
    "VirtualNetworkGateway",
    "VnetLocal",
    "Internet",
    "VirtualAppliance",
    "None",
];

/// Validates the `properties` (at `path`) of the route of id `id`: `addressPrefix` a CIDR prefix
/// or a service tag, `nextHopType` one of [`NEXT_HOP_TYPES`], and `nextHopIpAddress` an IP
/// address exactly when the next hop is a `VirtualAppliance`. Network's code for a missing or
/// misplaced next hop address is not documented: the emulator answers `InvalidNextHopIpAddress`
/// with the message Azure gives for the missing one ("NextHopIpAddress cannot be Null or Empty
/// in route when NextHopType is VirtualAppliance", Azure/terraform-azurerm-hubnetworking#48).
pub(super) fn parse(id: &str, properties: &Map<String, Value>, path: &str) -> Result<Map<String, Value>, ArmError> {
    let mut out = network::writable(properties, "");
    let prefix = body::string_at(properties, "addressPrefix", path)?.ok_or_else(|| missing("addressPrefix", path))?;
    if !is_service_tag(prefix) {
        parse_prefix(prefix, id)?;
    }
    let next_hop = one_of(properties, "nextHopType", path, "RouteNextHopType", NEXT_HOP_TYPES)?
        .ok_or_else(|| missing("nextHopType", path))?;
    out.insert("nextHopType".into(), next_hop.into());
    let address = body::string_at(properties, "nextHopIpAddress", path)?.filter(|a| !a.is_empty());
    let invalid = |message: String| ArmError::bad_request("InvalidNextHopIpAddress", message);
    match (next_hop, address) {
        ("VirtualAppliance", None) => Err(invalid(format!(
            "NextHopIpAddress cannot be Null or Empty in route {id} when NextHopType is VirtualAppliance."
        ))),
        ("VirtualAppliance", Some(address)) if address.parse::<IpAddr>().is_err() => Err(invalid(format!(
            "NextHopIpAddress '{address}' of route {id} is not an IP address."
        ))),
        ("VirtualAppliance", _) | (_, None) => Ok(out),
        (other, Some(address)) => Err(invalid(format!(
            "NextHopIpAddress '{address}' of route {id} is only allowed when NextHopType is VirtualAppliance, not {other}."
        ))),
    }
}

/// A route PUT's validation.
pub(super) fn put(
    _world: &World,
    table: &RouteTable,
    name: &str,
    properties: &Map<String, Value>,
    _now: Instant,
) -> Result<Map<String, Value>, ArmError> {
    let id = format!("{}/routes/{name}", crate::model::store::Stored::id(table));
    parse(&id, properties, "properties")
}
