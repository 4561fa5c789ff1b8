//! `Microsoft.Network` as far as a virtual network's subnets, their network security groups and
//! their route tables go: virtual networks with their subnets (and the subnets' delegations and
//! service endpoints), network security groups with their security rules (and Network's default
//! rules), route tables with their routes. The ARM providers `virtual_networks`,
//! `network_security_groups` and `route_tables` write this state; the back-references
//! (`subnets` of a security group or route table) are computed here from the subnets.

mod cidr;
mod default_rules;
mod lifecycle;
mod resource;

use std::time::Instant;

use serde_json::{Map, Value};

use crate::model::World;
use crate::model::store::Store;

pub(crate) use cidr::{Cidr, CidrError};
pub(crate) use default_rules::default_security_rules;
pub(crate) use lifecycle::Lifecycle;
pub(crate) use resource::{Child, Kind, Resource};

/// Virtual networks (`Microsoft.Network/virtualNetworks`), whose children are subnets.
#[derive(Clone, Debug)]
pub(crate) struct Vnet;

impl Kind for Vnet {
    const TYPE: &'static str = "Microsoft.Network/virtualNetworks";
    const CHILDREN: &'static str = "subnets";
}

/// Network security groups (`Microsoft.Network/networkSecurityGroups`), whose children are
/// security rules.
#[derive(Clone, Debug)]
pub(crate) struct Nsg;

impl Kind for Nsg {
    const TYPE: &'static str = "Microsoft.Network/networkSecurityGroups";
    const CHILDREN: &'static str = "securityRules";
    const REFERENCED_AS: Option<&'static str> = Some("networkSecurityGroup");

    /// Network's six `defaultSecurityRules`.
    fn computed(id: &str, properties: &mut Map<String, Value>) {
        properties.insert("defaultSecurityRules".into(), default_security_rules(id).into());
    }
}

/// Route tables (`Microsoft.Network/routeTables`), whose children are routes.
#[derive(Clone, Debug)]
pub(crate) struct RouteTableKind;

impl Kind for RouteTableKind {
    const TYPE: &'static str = "Microsoft.Network/routeTables";
    const CHILDREN: &'static str = "routes";
    const REFERENCED_AS: Option<&'static str> = Some("routeTable");
}

/// A virtual network.
pub(crate) type VirtualNetwork = Resource<Vnet>;
/// A network security group.
pub(crate) type NetworkSecurityGroup = Resource<Nsg>;
/// A route table.
pub(crate) type RouteTable = Resource<RouteTableKind>;

/// The resource of kind `K` with ARM id `id` (any case), unless gone at `now`.
pub(crate) fn get<'w, K: Kind>(world: &'w World, id: &str, now: Instant) -> Option<&'w Resource<K>> {
    world.resources.get::<Resource<K>>()?.get(id, now)
}

/// The store of kind `K`, created empty when there is none yet.
pub(crate) fn store_mut<K: Kind>(world: &mut World) -> &mut Store<Resource<K>> {
    world.resources.get_mut::<Resource<K>>()
}

/// The ids of the live subnets (of any virtual network of `world`) whose property `key`
/// (`networkSecurityGroup` or `routeTable`) refers to `id` (any case), in key order.
pub(crate) fn subnets_using(world: &World, key: &str, id: &str, now: Instant) -> Vec<String> {
    let Some(vnets) = world.resources.get::<VirtualNetwork>() else {
        return Vec::new();
    };
    vnets
        .under("/", now)
        .flat_map(|vnet| {
            let vnet_id = crate::model::store::Stored::id(vnet);
            vnet.live_children(now)
                .filter(|subnet| subnet.reference(key).is_some_and(|r| r.eq_ignore_ascii_case(id)))
                .map(move |subnet| format!("{vnet_id}/subnets/{}", subnet.name))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Removes every virtual network, security group and route table whose id starts with `prefix`
/// (a resource group's scope, ending in `/`), and clears the references other groups' subnets
/// held to the removed security groups and route tables (emulator choice: Azure orders a group's
/// deletion; a reference left behind would point at nothing).
pub(crate) fn remove_under(world: &mut World, prefix: &str) {
    store_mut::<Vnet>(world).remove_under(prefix);
    let removed: Vec<(&str, String)> = store_mut::<Nsg>(world)
        .remove_under(prefix)
        .iter()
        .map(|nsg| ("networkSecurityGroup", crate::model::store::Stored::id(nsg)))
        .chain(
            store_mut::<RouteTableKind>(world)
                .remove_under(prefix)
                .iter()
                .map(|table| ("routeTable", crate::model::store::Stored::id(table))),
        )
        .collect();
    for vnet in store_mut::<Vnet>(world).values_mut() {
        for subnet in &mut vnet.children {
            for (key, id) in &removed {
                if subnet.reference(key).is_some_and(|r| r.eq_ignore_ascii_case(id)) {
                    subnet.properties.remove(*key);
                }
            }
        }
    }
}
