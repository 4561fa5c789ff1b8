//! The rules of `properties.vmProfile`.

use super::checks::resource_id;
use crate::error::Error;
use crate::model::{ImageTemplateVmProfile, VirtualNetworkConfig};

const FIELD: &str = "properties.vmProfile";
const SUBNET_TYPE: &str = "Microsoft.Network/virtualNetworks/subnets";
const IDENTITY_TYPE: &str = "Microsoft.ManagedIdentity/userAssignedIdentities";

/// Checks the build VM's identities and network.
pub(super) fn check(profile: &ImageTemplateVmProfile) -> Result<(), Error> {
    for (i, identity) in profile.user_assigned_identities.iter().flatten().enumerate() {
        resource_id(&format!("{FIELD}.userAssignedIdentities[{i}]"), identity, IDENTITY_TYPE)?;
    }
    match &profile.vnet_config {
        Some(vnet) => vnet_config(vnet),
        None => Ok(()),
    }
}

/// The isolated-build rules of the spec's `VirtualNetworkConfig`: `containerInstanceSubnetId`
/// "may be specified only if `subnetId` is also specified and must be on the same Virtual
/// Network"; `proxyVmSize` "must not be specified if `containerInstanceSubnetId` is specified".
fn vnet_config(vnet: &VirtualNetworkConfig) -> Result<(), Error> {
    let field = format!("{FIELD}.vnetConfig");
    let subnet = match vnet.subnet_id.as_deref().filter(|s| !s.is_empty()) {
        Some(subnet) => Some(resource_id(&format!("{field}.subnetId"), subnet, SUBNET_TYPE)?),
        None => None,
    };
    let Some(aci_subnet) = vnet.container_instance_subnet_id.as_deref().filter(|s| !s.is_empty()) else {
        return Ok(());
    };
    let aci_field = format!("{field}.containerInstanceSubnetId");
    let Some(subnet) = subnet else {
        return Err(Error::invalid(aci_field, "can only be set together with subnetId"));
    };
    if vnet.proxy_vm_size.as_deref().is_some_and(|size| !size.is_empty()) {
        return Err(Error::invalid(
            format!("{field}.proxyVmSize"),
            "must not be set with containerInstanceSubnetId (an isolated build deploys no proxy VM)",
        ));
    }
    let aci_subnet = resource_id(&aci_field, aci_subnet, SUBNET_TYPE)?;
    if aci_subnet.parent() != subnet.parent() {
        return Err(Error::invalid(
            aci_field,
            "must be a subnet of the same virtual network as subnetId",
        ));
    }
    if aci_subnet == subnet {
        return Err(Error::invalid(
            aci_field,
            "must be a different subnet from subnetId (one delegated to Microsoft.ContainerInstance/containerGroups)",
        ));
    }
    Ok(())
}
