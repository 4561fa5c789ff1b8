//! Models of the `Microsoft.Network` resources the VNet preflight reads: a virtual network and
//! its subnets, network security groups and their rules, route tables and their routes, and the
//! service tag list. After the `Microsoft.Network` stable specs in Azure/azure-rest-api-specs
//! (`specification/network/resource-manager/Microsoft.Network/stable/2024-05-01/`:
//! `virtualNetwork.json`, `networkSecurityGroup.json`, `routeTable.json`, `serviceTags.json`);
//! the examples of `fixtures/api-examples/network/` round-trip through them.
//!
//! As in [`crate::model`]: optional fields are `Option`s left out when `None`; string enums
//! ([`arm_core::string_enum!`]) keep values this crate does not know in `Other(String)`; a
//! reference to another resource is a [`SubResource`] (its `id`), so the read-only lists Azure
//! fills in (a subnet's `ipConfigurations`, a security group's `networkInterfaces`) keep the
//! ids only.

mod route_table;
mod security_group;
mod service_tags;
mod sub_resource;
mod subnet;
mod virtual_network;

pub use route_table::{NextHopType, Route, RouteProperties, RouteTable, RouteTableProperties};
pub use security_group::{
    NetworkSecurityGroup, NetworkSecurityGroupProperties, SecurityRule, SecurityRuleAccess, SecurityRuleDirection,
    SecurityRuleProperties, SecurityRuleProtocol,
};
pub use service_tags::{ServiceTagInformation, ServiceTagInformationProperties, ServiceTagsListResult};
pub use sub_resource::{ProvisioningState, SubResource};
pub use subnet::{Delegation, DelegationProperties, ServiceEndpoint, Subnet, SubnetProperties};
pub use virtual_network::{AddressSpace, VirtualNetwork, VirtualNetworkProperties};
