//! The requests on user-assigned identities: GET, PUT, PATCH, DELETE of one, and the lists.

use hyper::StatusCode;
use serde_json::{Map, Value};

use super::RESOURCE_TYPE;
use super::identity::{UserAssignedIdentity, forget_principals, identities, identities_mut};
use crate::arm::body::{self, converting, object_at, string_at};
use crate::arm::error::ArmError;
use crate::arm::list::{self, ListRules};
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::store::Stored;
use crate::model::{World, ids};
use crate::random;

/// Pages of 100 identities; the lists take neither `$top` nor `$filter`.
const RULES: ListRules = ListRules {
    page: 100,
    top: false,
    filter: &[],
};

/// The values `properties.isolationScope` takes.
const ISOLATION_SCOPES: &[&str] = &["None", "Regional"];

/// Routes a request on one identity by method.
pub(super) fn item(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "GET" => get(call),
        "PUT" => put(call),
        "PATCH" => patch(call),
        _ => delete(call),
    }
}

/// The id of the identity of the request's path.
fn identity_id(call: &ArmCall<'_>) -> String {
    ids::resource(call.params[0], call.params[1], RESOURCE_TYPE, call.params[2])
}

/// ARM's 404 for the identity of the request's path.
fn not_found(call: &ArmCall<'_>) -> ArmError {
    ArmError::resource_not_found(RESOURCE_TYPE, call.params[2], call.params[1])
}

/// GET: the identity, or 404 `ResourceNotFound`.
fn get(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    call.resource_group(&world)?;
    let identity = identities(&world)
        .and_then(|store| store.get(&identity_id(call), now))
        .ok_or_else(|| not_found(call))?;
    Ok(Reply::json(StatusCode::OK, &identity.to_json(now)))
}

/// PUT: creates an identity (201) with a new client id and principal, or updates the tags and
/// isolation scope of one (200); its region cannot change.
fn put(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let name = call.params[2];
    check_name(name)?;
    let body = body::object(call)?;
    let location = body::location(&body, Some(RESOURCE_TYPE))?;
    let tags = body::tags(&body)?.unwrap_or_default();
    let isolation_scope = isolation_scope(&body)?;
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    let group = call.resource_group(&world)?;
    let (subscription_id, resource_group) = (group.subscription_id.clone(), group.name.clone());
    let id = identity_id(call);
    if let Some(existing) = identities_mut(&mut world).get_mut(&id, now) {
        if existing.location != location {
            return Err(ArmError::location_conflict(
                name,
                &resource_group,
                &existing.location,
                &location,
            ));
        }
        existing.tags = tags;
        if let Some(scope) = isolation_scope {
            existing.isolation_scope = scope;
        }
        return Ok(Reply::json(StatusCode::OK, &existing.to_json(now)));
    }
    let tenant_id = world
        .subscription(&subscription_id)
        .map(|subscription| subscription.tenant_id.clone())
        .unwrap_or_default();
    let identity = UserAssignedIdentity {
        subscription_id,
        resource_group,
        name: name.to_owned(),
        location,
        tags,
        tenant_id,
        client_id: random::uuid(),
        principal_id: random::uuid(),
        isolation_scope: isolation_scope.unwrap_or_else(|| ISOLATION_SCOPES[0].to_owned()),
    };
    let reply = Reply::json(StatusCode::CREATED, &identity.to_json(now));
    world.identities.push(identity.principal());
    identities_mut(&mut world).insert(identity);
    Ok(reply)
}

/// PATCH: replaces the tags of an existing identity (200 with it).
fn patch(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let body = body::object(call)?;
    let tags = body::tags(&body)?;
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    call.resource_group(&world)?;
    let identity = identities_mut(&mut world)
        .get_mut(&identity_id(call), now)
        .ok_or_else(|| not_found(call))?;
    if let Some(tags) = tags {
        identity.tags = tags;
    }
    Ok(Reply::json(StatusCode::OK, &identity.to_json(now)))
}

/// DELETE: 200 when the identity existed (it and its service principal are gone), 204 when not.
fn delete(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let mut world = call.shared.write();
    call.resource_group(&world)?;
    let Some(removed) = identities_mut(&mut world).remove(&identity_id(call)) else {
        return Ok(Reply::empty(StatusCode::NO_CONTENT));
    };
    forget_principals(&mut world, &[removed]);
    Ok(Reply::empty(StatusCode::OK))
}

/// GET of a resource group's identities.
pub(super) fn list_resource_group(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let prefix = call.resource_group(&world)?.scope();
    list(call, &world, &prefix)
}

/// GET of a subscription's identities (those the caller may read).
pub(super) fn list_subscription(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    list(call, &world, &ids::resource_groups_of(call.params[0]))
}

/// A page of the identities under `prefix`.
fn list(call: &ArmCall<'_>, world: &World, prefix: &str) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let items = identities(world)
        .into_iter()
        .flat_map(|store| store.under(prefix, now))
        .map(|identity| identity.to_json(now));
    list::respond(call, world, &RULES, items)
}

/// 400 `InvalidResourceName` unless `name` is 3 to 128 letters, digits, hyphens and
/// underscores starting with a letter or digit (the naming rule Azure documents).
fn check_name(name: &str) -> Result<(), ArmError> {
    let valid = (3..=128).contains(&name.chars().count())
        && name.starts_with(|c: char| c.is_ascii_alphanumeric())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if valid {
        return Ok(());
    }
    Err(ArmError::bad_request(
        "InvalidResourceName",
        format!(
            "Resource name '{name}' is invalid. The name can contain only letters, numbers, hyphens and underscores, must start with a letter or number, and must be 3 to 128 characters long."
        ),
    ))
}

/// `properties.isolationScope` of a PUT body, if given: `None` or `Regional`.
fn isolation_scope(body: &Map<String, Value>) -> Result<Option<String>, ArmError> {
    if body.get("properties").is_none_or(Value::is_null) {
        return Ok(None);
    }
    let properties = object_at(body, "properties", "")?;
    let path = "properties.isolationScope";
    match string_at(properties, "isolationScope", "properties")? {
        None => Ok(None),
        Some(scope) => ISOLATION_SCOPES
            .iter()
            .find(|known| known.eq_ignore_ascii_case(scope))
            .map(|known| Some((*known).to_owned()))
            .ok_or_else(|| converting(&Value::from(scope), "IsolationScope", path)),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::{check_name, isolation_scope};

    #[test]
    fn names_follow_the_documented_rule() {
        for good in ["abc", "id-emulator", "A_1", &"a".repeat(128)] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in ["ab", "-abc", "_abc", "a.bc", "a bc", "é-name", &"a".repeat(129)] {
            assert_eq!(check_name(bad).unwrap_err().code, "InvalidResourceName", "{bad}");
        }
    }

    #[test]
    fn isolation_scope_is_none_or_regional() {
        let scope = |body: serde_json::Value| isolation_scope(body.as_object().unwrap());
        assert_eq!(scope(json!({})).unwrap(), None);
        assert_eq!(scope(json!({ "properties": {} })).unwrap(), None);
        let regional = json!({ "properties": { "isolationScope": "regional" } });
        assert_eq!(scope(regional).unwrap().as_deref(), Some("Regional"));
        let wrong = scope(json!({ "properties": { "isolationScope": "Global" } })).unwrap_err();
        assert_eq!(wrong.code, "InvalidRequestContent");
        assert!(scope(json!({ "properties": 1 })).is_err());
    }
}
