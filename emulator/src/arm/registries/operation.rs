//! The long-running operations of `Microsoft.ContainerRegistry` writes: polled through the
//! platform's status resource `/subscriptions/{s}/providers/Microsoft.ContainerRegistry/
//! locations/{l}/operations/{id}` (the path ACR itself uses is undocumented; emulator choice).

use crate::arm::lro::{self, OperationHandle};
use crate::arm::route::ArmCall;
use crate::model::World;
use crate::model::operations::{LocationStyle, NewOperation, Outcome};
use crate::random;

/// The namespace of the operations.
const NAMESPACE: &str = "Microsoft.ContainerRegistry";

/// Starts an operation in `location` that succeeds once the emulator's operation duration has
/// passed, its `Location` result then answering `success_status`.
pub(in crate::arm) fn start(
    call: &ArmCall<'_>,
    world: &mut World,
    location: &str,
    success_status: u16,
) -> OperationHandle {
    let settings = &call.shared.settings;
    let subscription_id = world
        .subscription(call.params[0])
        .map_or_else(|| call.params[0].to_owned(), |s| s.id.clone());
    let spec = NewOperation {
        id: random::uuid(),
        subscription_id,
        namespace: NAMESPACE.to_owned(),
        location: location.to_owned(),
        api_version: call.api_version.to_owned(),
        duration: settings.operation_duration,
        outcome: Outcome::Succeeded,
        success_status,
        style: LocationStyle::Provider,
    };
    lro::start(world, spec, &call.shared.clock, call.arm(), settings.retry_after_secs)
}
