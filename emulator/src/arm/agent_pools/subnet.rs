//! The subnet a pool is placed in: it must exist in the emulator's virtual networks (400
//! `InvalidParameter`, the emulator's choice: ACR documents no code), and the caller must be
//! allowed `Microsoft.Network/virtualNetworks/subnets/join/action` on it, which ARM checks as a
//! linked access check for every resource placed in a subnet (403 `LinkedAuthorizationFailed`, as
//! for container groups).

use std::time::Instant;

use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::model::World;
use crate::model::network::{self, Vnet};
use crate::rbac::{self, Scope};

/// The action ARM checks on the subnet of a resource placed in one.
const SUBNET_JOIN: &str = "Microsoft.Network/virtualNetworks/subnets/join/action";

/// The action of an agent pool write, named in the denial.
const POOL_WRITE: &str = "Microsoft.ContainerRegistry/registries/agentPools/write";

/// Checks that `subnet_id` (already of the right shape) names a live subnet the caller may join.
pub(super) fn check(call: &ArmCall<'_>, world: &World, subnet_id: &str, now: Instant) -> Result<(), ArmError> {
    let (vnet_id, subnet_name) = subnet_id.rsplit_once("/subnets/").ok_or_else(|| missing(subnet_id))?;
    network::get::<Vnet>(world, vnet_id, now)
        .and_then(|vnet| vnet.child(subnet_name, now))
        .ok_or_else(|| missing(subnet_id))?;
    if world
        .authorizer()
        .is_action_allowed(&call.caller.oid, SUBNET_JOIN, &Scope::parse(subnet_id))
    {
        return Ok(());
    }
    Err(crate::arm::rbac_error(rbac::denial::linked_authorization_failed(
        &call.caller.appid,
        &call.caller.oid,
        POOL_WRITE,
        &call.request.path,
        &[(SUBNET_JOIN, subnet_id)],
    )))
}

/// 400 `InvalidParameter`: no such subnet.
fn missing(subnet_id: &str) -> ArmError {
    ArmError::bad_request(
        "InvalidParameter",
        format!(
            "The virtualNetworkSubnetResourceId '{subnet_id}' names no existing subnet: create the subnet first or correct the id."
        ),
    )
}
