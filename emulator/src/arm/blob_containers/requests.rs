//! The requests on Blob containers: GET, PUT, PATCH, DELETE of one, and the list of an account.

use std::collections::BTreeMap;

use hyper::StatusCode;
use serde_json::{Map, Value};

use crate::arm::body::{self, converting, join, string_at};
use crate::arm::error::ArmError;
use crate::arm::list::{self, ListRules};
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::storage::{
    ACCOUNT_TYPE, BlobContainer, PublicAccess, StorageAccount, accounts, container, container_name_error, containers,
    insert_container, remove_container,
};
use crate::model::store::Stored;
use crate::model::{World, ids};

/// Pages of 100 containers (emulator choice); `$top` sets the page size as the spec's
/// `maxpagesize` does not; `$filter` is ignored.
const RULES: ListRules = ListRules {
    page: 100,
    top: false,
    filter: &[],
};

/// Routes a request on one container by method.
pub(super) fn item(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "GET" => get(call),
        "PUT" | "PATCH" => write(call),
        _ => delete(call),
    }
}

/// The account of the request's path, or ARM's 404 for it.
fn account<'w>(call: &ArmCall<'_>, world: &'w World) -> Result<&'w StorageAccount, ArmError> {
    call.resource_group(world)?;
    let id = ids::resource(call.params[0], call.params[1], ACCOUNT_TYPE, call.params[2]);
    accounts(world)
        .and_then(|store| store.get(&id, call.shared.clock.instant()))
        .ok_or_else(|| ArmError::resource_not_found(ACCOUNT_TYPE, call.params[2], call.params[1]))
}

/// The Storage service's 404 for a container that does not exist.
fn container_not_found() -> ArmError {
    ArmError::new(
        StatusCode::NOT_FOUND,
        "ContainerNotFound",
        "The specified container does not exist.",
    )
}

/// GET: the container, or 404 `ContainerNotFound`.
fn get(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    let account = account(call, &world)?;
    let found = container(&world, &account.name, call.params[3], now).ok_or_else(container_not_found)?;
    Ok(Reply::json(StatusCode::OK, &found.to_json(now)))
}

/// PUT creates the container (201) or updates it (200); PATCH updates an existing one (200).
/// Both set `properties.publicAccess` and `properties.metadata` when given; a public access
/// level other than `None` on an account with `allowBlobPublicAccess` false is 409
/// `PublicAccessNotPermitted`.
fn write(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let name = call.params[3];
    if let Some(message) = container_name_error(name) {
        return Err(ArmError::bad_request("InvalidResourceName", message));
    }
    let body = body::object(call)?;
    let (public_access, metadata) = requested(&body)?;
    let clock = &call.shared.clock;
    let (now, wall) = (clock.instant(), clock.now());
    let mut world = call.shared.write();
    let account = account(call, &world)?.clone();
    if public_access.is_some_and(|level| level != PublicAccess::None) && !account.allow_blob_public_access {
        return Err(ArmError::new(
            StatusCode::CONFLICT,
            "PublicAccessNotPermitted",
            "Public access is not permitted on this storage account.",
        ));
    }
    let existing = container(&world, &account.name, name, now).cloned();
    let (mut updated, status) = match existing {
        Some(existing) => (existing, StatusCode::OK),
        None if call.request.method == "PATCH" => return Err(container_not_found()),
        None => (
            BlobContainer::new(&account, name, PublicAccess::None, wall),
            StatusCode::CREATED,
        ),
    };
    if let Some(level) = public_access {
        updated.public_access = level;
    }
    if let Some(metadata) = metadata {
        updated.metadata = metadata;
    }
    updated.touch(wall);
    let reply = Reply::json(status, &updated.to_json(now));
    insert_container(&mut world, updated);
    Ok(reply)
}

/// DELETE: 200 when the container existed (it and its blob files are gone), 204 when not.
fn delete(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let removed = {
        let mut world = call.shared.write();
        let account = account(call, &world)?.name.clone();
        remove_container(&mut world, &account, call.params[3])
    };
    match removed {
        Some(container) => {
            call.shared.blob.drop_container(&container.data_id);
            Ok(Reply::empty(StatusCode::OK))
        }
        None => Ok(Reply::empty(StatusCode::NO_CONTENT)),
    }
}

/// GET of an account's containers, a page at a time.
pub(super) fn list(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    let account = account(call, &world)?;
    let items = containers(&world, &account.name, now)
        .into_iter()
        .map(|container| container.to_json(now));
    list::respond(call, &world, &RULES, items)
}

/// `properties.publicAccess` and `properties.metadata` of a body, where given.
type Requested = (Option<PublicAccess>, Option<BTreeMap<String, String>>);

/// Reads `properties.publicAccess` (`None`, `Blob` or `Container`, any case) and
/// `properties.metadata` (an object of strings).
fn requested(body: &Map<String, Value>) -> Result<Requested, ArmError> {
    let properties = match body.get("properties") {
        None | Some(Value::Null) => return Ok((None, None)),
        Some(Value::Object(properties)) => properties,
        Some(other) => return Err(converting(other, "ContainerProperties", "properties")),
    };
    let public_access = string_at(properties, "publicAccess", "properties")?
        .map(|level| {
            PublicAccess::parse(level)
                .ok_or_else(|| converting(&Value::from(level), "PublicAccess", "properties.publicAccess"))
        })
        .transpose()?;
    let metadata = match properties.get("metadata") {
        None | Some(Value::Null) => None,
        Some(Value::Object(metadata)) => Some(
            metadata
                .iter()
                .map(|(key, value)| match value {
                    Value::String(value) => Ok((key.clone(), value.clone())),
                    other => Err(converting(other, "System.String", &join("properties.metadata", key))),
                })
                .collect::<Result<_, _>>()?,
        ),
        Some(other) => {
            return Err(converting(
                other,
                "System.Collections.Generic.Dictionary",
                "properties.metadata",
            ));
        }
    };
    Ok((public_access, metadata))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::requested;
    use crate::model::storage::PublicAccess;

    #[test]
    fn public_access_and_metadata_are_read() {
        let read = |body: serde_json::Value| requested(body.as_object().unwrap());
        assert_eq!(read(json!({})).unwrap(), (None, None));
        let (level, metadata) =
            read(json!({ "properties": { "publicAccess": "blob", "metadata": { "a": "1" } } })).unwrap();
        assert_eq!(level, Some(PublicAccess::Blob));
        assert_eq!(metadata.unwrap()["a"], "1");
        assert_eq!(
            read(json!({ "properties": { "publicAccess": "Everyone" } }))
                .unwrap_err()
                .code,
            "InvalidRequestContent"
        );
        assert!(read(json!({ "properties": { "metadata": { "a": 1 } } })).is_err());
    }
}
