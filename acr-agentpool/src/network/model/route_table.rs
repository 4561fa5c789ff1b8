//! Route tables and their routes (`RouteTable` and `Route` of `routeTable.json`).

use super::sub_resource::{ProvisioningState, SubResource};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// A route table: `GET .../routeTables/{name}`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteTable {
    /// The resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The table's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The resource type, `Microsoft.Network/routeTables`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// The region.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// The resource tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<HashMap<String, String>>,
    /// Changes whenever the table changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The table's properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<RouteTableProperties>,
}

/// The properties of a [`RouteTable`] (`RouteTablePropertiesFormat`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteTableProperties {
    /// The routes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub routes: Option<Vec<Route>>,
    /// The subnets the table applies to (read-only, ids only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subnets: Option<Vec<SubResource>>,
    /// Whether routes learned by BGP are kept out of the table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disable_bgp_route_propagation: Option<bool>,
    /// The table's resource GUID (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_guid: Option<String>,
    /// The provisioning state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<ProvisioningState>,
}

impl RouteTable {
    /// The routes (none when absent).
    pub fn routes(&self) -> &[Route] {
        self.properties
            .as_ref()
            .and_then(|properties| properties.routes.as_deref())
            .unwrap_or_default()
    }
}

/// A route of a route table.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Route {
    /// The resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The route's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The resource type.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// Changes whenever the route changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    /// The route's properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<RouteProperties>,
}

/// The properties of a [`Route`] (`RoutePropertiesFormat`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteProperties {
    /// The destination: a CIDR (`0.0.0.0/0`) or a service tag (`Storage`, `Storage.WestUS2`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_prefix: Option<String>,
    /// Where matching packets go.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_hop_type: Option<NextHopType>,
    /// The appliance's address, when `nextHopType` is `VirtualAppliance`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_hop_ip_address: Option<String>,
    /// Whether a BGP route with the same prefix overrides this one (read-only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_bgp_override: Option<bool>,
    /// The provisioning state.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<ProvisioningState>,
}

arm_core::string_enum! {
    /// Where a route sends packets (`RouteNextHopType`).
    pub enum NextHopType {
        /// A virtual network gateway (VPN or ExpressRoute: forced tunnelling on premises).
        VirtualNetworkGateway = "VirtualNetworkGateway",
        /// The virtual network itself.
        VnetLocal = "VnetLocal",
        /// The internet, Azure's public services included.
        Internet = "Internet",
        /// An appliance (a firewall) at `nextHopIpAddress`.
        VirtualAppliance = "VirtualAppliance",
        /// Nowhere: packets are dropped.
        None = "None",
    }
}
