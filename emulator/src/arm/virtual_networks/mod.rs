//! `Microsoft.Network/virtualNetworks` and their subnets: create or update (201/200 with an
//! `Azure-AsyncOperation`, `Updating` until it completes), get, list by resource group and by
//! subscription, delete (200, 202 or 204, drawn); subnets inline in the virtual network's PUT and
//! as child resources `virtualNetworks/{vnet}/subnets/{subnet}` (PUT, GET, list, DELETE).
//! learn.microsoft.com "Virtual Networks - Create Or Update", "Subnets - Create Or Update". Also
//! holds what the other `Microsoft.Network` providers share ([`network`]).

pub(in crate::arm) mod network;
mod prefixes;
mod subnets;
mod vnets;

use std::time::Instant;

use serde_json::Value;
use time::OffsetDateTime;

use super::api_version::ApiVersions;
use super::error::ArmError;
use super::provider::ResourceProvider;
use super::route::{Access, ArmCall, Route};
use crate::http::Reply;
use crate::model::World;
use crate::model::network::{self as model, Vnet};
use crate::model::resource_groups::ResourceGroup;

pub(in crate::arm) use prefixes::parse as parse_prefix;

/// The virtual networks provider.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Only(network::API_VERSIONS)
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/providers/Microsoft.Network/virtualNetworks",
                methods: &["GET"],
                access: Access::Filtered,
                handler: network::list_subscription::<Vnet>,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/virtualNetworks",
                methods: &["GET"],
                access: Access::Rbac,
                handler: network::list_resource_group::<Vnet>,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}",
                methods: &["GET", "PUT", "PATCH", "DELETE"],
                access: Access::Rbac,
                handler: item,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}/subnets",
                methods: &["GET"],
                access: Access::Rbac,
                handler: network::list_children::<Vnet>,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Network/virtualNetworks/{virtualNetworkName}/subnets/{subnetName}",
                methods: &["GET", "PUT", "DELETE"],
                access: Access::Rbac,
                handler: subnets::item,
            },
        ]
    }

    /// Deletes the group's virtual networks, security groups and route tables (one cascade for
    /// the three providers, so that references between them are cleared together).
    fn delete_in_group(&self, world: &mut World, group: &ResourceGroup, _now: OffsetDateTime) -> Vec<u64> {
        model::remove_under(world, &group.scope());
        Vec::new()
    }

    fn resources_under(&self, world: &World, prefix: &str, now: Instant) -> Vec<Value> {
        network::json_under::<Vnet>(world, prefix, now)
    }
}

/// Routes a request on one virtual network by method. Virtual network names are 2 to 64
/// characters.
fn item(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "GET" => network::get::<Vnet>(call),
        "PATCH" => network::update_tags::<Vnet>(call),
        "PUT" => network::put::<Vnet>(call, 2, 64, vnets::parse),
        _ => network::delete::<Vnet>(call, |_, _, _| Ok(())),
    }
}
