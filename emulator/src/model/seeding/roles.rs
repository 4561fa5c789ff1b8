//! Role assignments from seeds: scopes and inline grants.

use super::references::subscription_ref;
use crate::config::RoleGrantSeed;
use crate::error::Error;
use crate::model::World;
use crate::model::roles::{SeededAssignment, assign};

pub(super) fn grant_role(
    world: &mut World,
    principal_id: &str,
    grant: &RoleGrantSeed,
    field: &str,
    index: usize,
) -> Result<SeededAssignment, Error> {
    let scope = scope(
        world,
        grant.scope.as_deref(),
        grant.subscription_id.as_deref(),
        grant.resource_group.as_deref(),
        &format!("{field}.roles[{index}]"),
    )?;
    Ok(assign(world, principal_id, grant.role, scope))
}

pub(super) fn scope(
    world: &World,
    scope: Option<&str>,
    subscription_id: Option<&str>,
    resource_group: Option<&str>,
    field: &str,
) -> Result<String, Error> {
    if let Some(scope) = scope {
        if !scope.starts_with('/') {
            return Err(Error::invalid(
                format!("{field}.scope"),
                format!("'{scope}' does not start with '/'"),
            ));
        }
        return Ok(scope.to_owned());
    }
    let subscription_id = subscription_ref(world, subscription_id, &format!("{field}.subscription_id"))?;
    Ok(match resource_group {
        Some(group) => format!("/subscriptions/{subscription_id}/resourceGroups/{group}"),
        None => format!("/subscriptions/{subscription_id}"),
    })
}
