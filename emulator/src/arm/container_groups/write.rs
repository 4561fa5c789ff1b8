//! PUT (create or update) and PATCH (tags) of a container group.

use hyper::StatusCode;
use serde_json::{Map, Value};

use super::validate::{self, check_group_name};
use super::{group_id, not_found, start_operation, transitioning};
use crate::arm::body;
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::World;
use crate::model::container_groups::ContainerGroup;
use crate::model::store::Stored;
use crate::rbac::{self, Scope};

/// PUT: 201 with the group (`Pending`) for a new group, 200 for an update (its containers are
/// recreated), both with `Azure-AsyncOperation`; the containers start when the operation ends.
pub(super) fn put(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (subscription, name) = (call.params[0], call.params[2]);
    check_group_name(name)?;
    let body = body::object(call)?;
    let (now, wall) = (call.shared.clock.instant(), call.shared.clock.now());
    let due = now + call.shared.settings.operation_duration;
    let id = group_id(call);
    let mut world = call.shared.write();
    let rg_name = call.resource_group(&world)?.name.clone();
    let definition = validate::definition(&body, name, subscription, &world)?;
    check_linked(call, &world, &body)?;
    if let Some(existing) = world.container_groups.get(&id, now) {
        if existing.deletion.is_some() {
            return Err(transitioning(&existing.name));
        }
        if existing.location != definition.location {
            return Err(ArmError::location_conflict(
                name,
                &rg_name,
                &existing.location,
                &definition.location,
            ));
        }
    }
    let handle = start_operation(call, &mut world, &definition.location, 200);
    let (status, reply_body, killed) = match world.container_groups.get_mut(&id, now) {
        Some(existing) => {
            let killed = existing.replace(definition.spec, due, wall);
            existing.tags = definition.tags;
            (StatusCode::OK, existing.to_json(now), killed)
        }
        None => {
            let subscription_id = world
                .subscription(subscription)
                .map_or_else(|| subscription.to_owned(), |s| s.id.clone());
            let group = ContainerGroup::new(
                (subscription_id, rg_name, name.to_owned()),
                definition.location,
                definition.tags,
                definition.spec,
                due,
                wall,
            );
            let reply_body = group.to_json(now);
            world.container_groups.insert(group);
            (StatusCode::CREATED, reply_body, Vec::new())
        }
    };
    drop(world);
    call.shared.runtime.kill(&killed);
    call.shared.runtime.wake();
    Ok(handle.with_async_operation(Reply::json(status, &reply_body)))
}

/// The action ARM checks on each user-assigned identity a group is given.
const IDENTITY_ASSIGN: &str = "Microsoft.ManagedIdentity/userAssignedIdentities/assign/action";
/// The action ARM checks on each subnet a group is placed in.
const SUBNET_JOIN: &str = "Microsoft.Network/virtualNetworks/subnets/join/action";

/// The linked checks of a PUT: `assign/action` on each user-assigned identity and
/// `subnets/join/action` on each subnet, else 403 `LinkedAuthorizationFailed` naming every
/// action and scope that fails (in body order: identities, then subnets).
fn check_linked(call: &ArmCall<'_>, world: &World, body: &Map<String, Value>) -> Result<(), ArmError> {
    let identities = body
        .get("identity")
        .and_then(|identity| identity.get("userAssignedIdentities"))
        .and_then(Value::as_object)
        .into_iter()
        .flat_map(|ids| ids.keys().map(|id| (IDENTITY_ASSIGN, id.as_str())));
    let subnets = body
        .get("properties")
        .and_then(|properties| properties.get("subnetIds"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|subnet| subnet.get("id").and_then(Value::as_str))
        .map(|id| (SUBNET_JOIN, id));
    let authorizer = world.authorizer();
    let failing: Vec<(&str, &str)> = identities
        .chain(subnets)
        .filter(|(action, scope)| !authorizer.is_action_allowed(&call.caller.oid, action, &Scope::parse(scope)))
        .collect();
    if failing.is_empty() {
        return Ok(());
    }
    Err(crate::arm::rbac_error(rbac::denial::linked_authorization_failed(
        &call.caller.appid,
        &call.caller.oid,
        "Microsoft.ContainerInstance/containerGroups/write",
        &call.request.path,
        &failing,
    )))
}

/// PATCH: replaces the tags of an existing group (200 with the group).
pub(super) fn patch(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let body = body::object(call)?;
    let tags = body::tags(&body)?;
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    call.resource_group(&world)?;
    let group = world
        .container_groups
        .get_mut(&group_id(call), now)
        .ok_or_else(|| not_found(call.params[1], call.params[2]))?;
    if group.deletion.is_some() {
        return Err(transitioning(&group.name));
    }
    if let Some(tags) = tags {
        group.tags = tags;
    }
    Ok(Reply::json(StatusCode::OK, &group.to_json(now)))
}
