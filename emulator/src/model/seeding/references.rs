//! Resolving ids and references of seeds: random ids, "the first one", uniqueness.

use crate::error::Error;
use crate::model::World;
use crate::model::names::is_guid;
use crate::random;

pub(super) fn id_or_random(value: Option<&str>, field: &str) -> Result<String, Error> {
    match value {
        Some(id) if is_guid(id) => Ok(id.to_owned()),
        Some(id) => Err(Error::invalid(field, format!("'{id}' is not a GUID"))),
        None => Ok(random::uuid()),
    }
}

/// The tenant `reference` names, or the first tenant.
pub(super) fn tenant_ref(world: &World, reference: Option<&str>, field: &str) -> Result<String, Error> {
    match reference {
        Some(id) => world
            .tenant(id)
            .map(|t| t.id.clone())
            .ok_or_else(|| Error::invalid(field, format!("tenant '{id}' is not defined"))),
        None => world
            .tenants
            .first()
            .map(|t| t.id.clone())
            .ok_or_else(|| Error::invalid(field, "no tenant is defined")),
    }
}

/// The subscription `reference` names, or the first subscription.
pub(super) fn subscription_ref(world: &World, reference: Option<&str>, field: &str) -> Result<String, Error> {
    match reference {
        Some(id) => world
            .subscription(id)
            .map(|s| s.id.clone())
            .ok_or_else(|| Error::invalid(field, format!("subscription '{id}' is not defined"))),
        None => world
            .subscriptions
            .first()
            .map(|s| s.id.clone())
            .ok_or_else(|| Error::invalid(field, "no subscription is defined")),
    }
}

fn object_id_is_taken(world: &World, id: &str) -> bool {
    world
        .service_principals
        .iter()
        .any(|sp| sp.object_id.eq_ignore_ascii_case(id))
        || world
            .identities
            .iter()
            .any(|mi| mi.principal_id.eq_ignore_ascii_case(id))
}

fn client_id_is_taken(world: &World, id: &str) -> bool {
    world
        .service_principals
        .iter()
        .any(|sp| sp.client_id.eq_ignore_ascii_case(id))
        || world.identities.iter().any(|mi| mi.client_id.eq_ignore_ascii_case(id))
}

pub(super) fn unique_ids(
    world: &World,
    client_id: Option<&str>,
    object_id: Option<&str>,
    field: &str,
    object_field: &str,
) -> Result<(String, String), Error> {
    let client_field = format!("{field}.client_id");
    let object_field = format!("{field}.{object_field}");
    let client_id = id_or_random(client_id, &client_field)?;
    let object_id = id_or_random(object_id, &object_field)?;
    if client_id_is_taken(world, &client_id) {
        return Err(Error::invalid(
            client_field,
            format!("client id '{client_id}' is already used"),
        ));
    }
    if object_id_is_taken(world, &object_id) {
        return Err(Error::invalid(
            object_field,
            format!("object id '{object_id}' is already used"),
        ));
    }
    Ok((client_id, object_id))
}

/// The object id of the principal whose object id or client id is `id`.
pub(super) fn resolve_principal<'a>(world: &'a World, id: &str) -> Option<&'a str> {
    world
        .service_principals
        .iter()
        .find(|sp| sp.object_id.eq_ignore_ascii_case(id) || sp.client_id.eq_ignore_ascii_case(id))
        .map(|sp| sp.object_id.as_str())
        .or_else(|| {
            world
                .identities
                .iter()
                .find(|mi| mi.principal_id.eq_ignore_ascii_case(id) || mi.client_id.eq_ignore_ascii_case(id))
                .map(|mi| mi.principal_id.as_str())
        })
}
