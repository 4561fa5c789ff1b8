//! Finding the registry a request's path names: its id, ARM's 404 for it, and the registry
//! itself for the child resources (agent pools, tasks, runs).

use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::model::World;
use crate::model::acr::registry::{REGISTRY_TYPE, Registry, registry};
use crate::model::ids;

/// The id of the registry of a path `subscriptions/{s}/resourceGroups/{g}/providers/
/// Microsoft.ContainerRegistry/registries/{name}/...` (its first three parameters).
pub(in crate::arm) fn path_id(call: &ArmCall<'_>) -> String {
    ids::resource(call.params[0], call.params[1], REGISTRY_TYPE, call.params[2])
}

/// ARM's 404 `ResourceNotFound` for the registry of the path.
pub(super) fn not_found(call: &ArmCall<'_>) -> ArmError {
    ArmError::resource_not_found(REGISTRY_TYPE, call.params[2], call.params[1])
}

/// The registry of the path at the emulator's time: 404 without its resource group (409 for a
/// write while the group is being deleted), 404 `ResourceNotFound` without the registry.
pub(in crate::arm) fn of_path<'w>(call: &ArmCall<'_>, world: &'w World) -> Result<&'w Registry, ArmError> {
    call.resource_group(world)?;
    registry(world, &path_id(call), call.shared.clock.instant()).ok_or_else(|| not_found(call))
}
