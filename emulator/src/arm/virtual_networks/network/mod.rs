//! What the `Microsoft.Network` providers (virtual networks with subnets, network security groups
//! with security rules, route tables with routes) share: their api-versions, Network's error
//! shapes and name rule, writes as long-running operations, and the requests that are the same
//! for every type and every child type (GET, DELETE, the lists, the PUT frame).
//!
//! Writes: a PUT answers 201 (new) or 200 (existing) with the resource `Updating` and an
//! `Azure-AsyncOperation` to poll (the specification's `x-ms-long-running-operation-options`
//! `final-state-via: azure-async-operation`); the resource reads `Succeeded` once the emulator's
//! operation duration has passed. A PUT is the whole desired state: the children a parent's PUT
//! leaves out are deleted, as Network does (redeploying a virtual network without its subnets
//! removes them). Read-only properties in a body (`provisioningState`, `resourceGuid`,
//! `defaultSecurityRules`, `subnets` of a security group or route table, `etag`) are ignored.

use std::collections::BTreeMap;
use std::marker::PhantomData;
use std::time::Instant;

use hyper::StatusCode;
use serde_json::{Map, Value};

use crate::arm::body::{self, join};
use crate::arm::error::ArmError;
use crate::arm::list::{self, ListRules};
use crate::arm::lro::{self, OperationHandle};
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::World;
use crate::model::ids;
use crate::model::network::{self as model, Child, Kind, Lifecycle, Resource};
use crate::model::operations::{LocationStyle, NewOperation, Outcome};
use crate::model::resource_groups::Deletion;
use crate::model::store::Stored;
use crate::random;

mod api_versions;
mod children;
mod tags;

pub(in crate::arm) use api_versions::API_VERSIONS;
pub(in crate::arm) use children::{delete_child, get_child, list_children, put_child};
pub(in crate::arm) use tags::update_tags;

/// The namespace of the operations the providers start.
const NAMESPACE: &str = "Microsoft.Network";

/// The statuses the specification documents for the DELETE of an existing virtual network,
/// subnet, security group, security rule, route table or route (`VirtualNetworks_Delete`,
/// `Subnets_Delete`, ...: 200, 202, 204).
const DELETE_STATUSES: [u16; 3] = [200, 202, 204];

/// Pages of 100 resources; the lists take neither `$top` nor `$filter`.
const LIST_RULES: ListRules = ListRules {
    page: 100,
    top: false,
    filter: &[],
};

/// Properties Network computes, ignored in request bodies.
const READ_ONLY: &[&str] = &[
    "provisioningState",
    "resourceGuid",
    "defaultSecurityRules",
    "subnets",
    "etag",
];

/// Network's 400 `InvalidRequestFormat` for a body it cannot read, the detail naming the
/// property, the value and what is expected.
pub(in crate::arm) fn invalid_format(detail: impl std::fmt::Display) -> ArmError {
    ArmError::bad_request("InvalidRequestFormat", format!("Cannot parse the request. {detail}"))
}

/// The value at `key` of `parent` (at `path`), which must be one of `values` (any case), in its
/// canonical spelling; `None` when absent. `what` names the enumeration.
pub(in crate::arm) fn one_of(
    parent: &Map<String, Value>,
    key: &str,
    path: &str,
    what: &str,
    values: &[&'static str],
) -> Result<Option<&'static str>, ArmError> {
    let Some(given) = body::string_at(parent, key, path)? else {
        return Ok(None);
    };
    values
        .iter()
        .find(|value| value.eq_ignore_ascii_case(given))
        .map(|value| Some(*value))
        .ok_or_else(|| {
            invalid_format(format_args!(
                "The value '{given}' of '{}' is not a valid {what}: expected one of {}.",
                join(path, key),
                values.join(", ")
            ))
        })
}

/// A required property missing at `path`.
pub(in crate::arm) fn missing(key: &str, path: &str) -> ArmError {
    invalid_format(format_args!("The required property '{}' is missing.", join(path, key)))
}

/// Network's 404 for a child resource of id `id` that does not exist.
pub(super) fn child_not_found(id: &str) -> ArmError {
    ArmError::new(StatusCode::NOT_FOUND, "NotFound", format!("Resource {id} not found."))
}

/// 400 `InvalidResourceName` unless `name` is 1 to `max` (2 to 64 for virtual networks) word
/// characters (`[A-Za-z0-9_]`), periods and hyphens, starting with a word character and ending
/// with one (learn.microsoft.com "Naming rules and restrictions for Azure resources",
/// Microsoft.Network; Network's message).
pub(in crate::arm) fn check_name(name: &str, min: usize, max: usize) -> Result<(), ArmError> {
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    let valid = (min..=max).contains(&name.len())
        && name.chars().all(|c| word(c) || c == '.' || c == '-')
        && name.starts_with(word)
        && name.ends_with(word);
    if valid {
        return Ok(());
    }
    Err(ArmError::bad_request(
        "InvalidResourceName",
        format!(
            "Resource name {name} is invalid. The name can be up to {max} characters long. It must begin with a word character, and it must end with a word character or with '_'. The name may contain word characters or '.', '-', '_'."
        ),
    ))
}

/// The properties of `body` Network keeps: all but the read-only ones and `children`.
pub(in crate::arm) fn writable(properties: &Map<String, Value>, children: &str) -> Map<String, Value> {
    properties
        .iter()
        .filter(|(key, _)| key.as_str() != children && !READ_ONLY.contains(&key.as_str()))
        .map(|(key, value)| (key.clone(), value.clone()))
        .collect()
}

/// The `properties` object of a body (an empty one when absent).
pub(in crate::arm) fn properties_of(body: &Map<String, Value>) -> Result<Map<String, Value>, ArmError> {
    match body.get("properties") {
        None | Some(Value::Null) => Ok(Map::new()),
        Some(Value::Object(properties)) => Ok(properties.clone()),
        Some(other) => Err(invalid_format(format_args!(
            "'properties' must be an object, not {other}."
        ))),
    }
}

/// Starts a `Microsoft.Network` operation in `location` that succeeds once the emulator's
/// operation duration has passed, its `Location` then answering `success_status`.
fn start_operation(call: &ArmCall<'_>, world: &mut World, location: &str, success_status: u16) -> OperationHandle {
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

/// 201 (`created`) or 200 with `body` and an `Azure-AsyncOperation` to poll, for a write in
/// `location`.
pub(super) fn written(call: &ArmCall<'_>, world: &mut World, location: &str, created: bool, body: &Value) -> Reply {
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    start_operation(call, world, location, 200).with_async_operation(Reply::json(status, body))
}

/// How a DELETE of an existing resource or child is answered.
pub(super) enum Drawn {
    /// 200 or 204: gone at once.
    Now(StatusCode),
    /// 202: `Deleting` until the operation completes.
    Later(OperationHandle, Deletion),
}

/// The answer drawn for a DELETE (seeded: `[responses] seed`) among [`DELETE_STATUSES`]; for
/// 202, the operation in `location` that completes the deletion.
pub(super) fn draw_delete(call: &ArmCall<'_>, world: &mut World, location: &str, now: Instant) -> Drawn {
    match call.shared.settings.draws.pick(&DELETE_STATUSES) {
        Some(202) => {
            let handle = start_operation(call, world, location, 204);
            let deletion = Deletion {
                operation_id: handle.id.clone(),
                until: now + call.shared.settings.operation_duration,
            };
            Drawn::Later(handle, deletion)
        }
        Some(200) => Drawn::Now(StatusCode::OK),
        _ => Drawn::Now(StatusCode::NO_CONTENT),
    }
}

/// The 202 of a deletion already in progress, repeated to a DELETE that meets it.
pub(super) fn deletion_in_progress(call: &ArmCall<'_>, world: &World, lifecycle: &Lifecycle) -> Option<Reply> {
    let operation = world.operations.get(&lifecycle.deletion.as_ref()?.operation_id)?;
    Some(
        OperationHandle::of(operation, call.arm(), call.shared.settings.retry_after_secs)
            .accepted_with_async_operation(),
    )
}

/// The id of the `K` of the path (`subscriptions/{s}/resourceGroups/{g}/.../{name}`).
pub(in crate::arm) fn resource_id<K: Kind>(call: &ArmCall<'_>) -> String {
    ids::resource(call.params[0], call.params[1], K::TYPE, call.params[2])
}

/// 404 `ResourceNotFound` for the `K` of the path.
pub(super) fn resource_not_found<K: Kind>(call: &ArmCall<'_>) -> ArmError {
    ArmError::resource_not_found(K::TYPE, call.params[2], call.params[1])
}

/// The JSON of `resource` with, for a security group or route table, the `subnets` that use it.
pub(in crate::arm) fn to_json<K: Kind>(world: &World, resource: &Resource<K>, now: Instant) -> Value {
    let mut json = resource.to_json(now);
    if let Some(key) = K::REFERENCED_AS {
        let users = model::subnets_using(world, key, &Stored::id(resource), now);
        if !users.is_empty() {
            let users: Vec<Value> = users.into_iter().map(|id| serde_json::json!({ "id": id })).collect();
            json["properties"]["subnets"] = users.into();
        }
    }
    json
}

/// GET of the `K` of the path.
pub(in crate::arm) fn get<K: Kind>(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    call.resource_group(&world)?;
    let found = model::get::<K>(&world, &resource_id::<K>(call), now).ok_or_else(|| resource_not_found::<K>(call))?;
    Ok(Reply::json(StatusCode::OK, &to_json(&world, found, now)))
}

/// A page of the live `K`s whose ids start with `prefix`.
fn list_under<K: Kind>(call: &ArmCall<'_>, world: &World, prefix: &str) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let items: Vec<Value> = json_under::<K>(world, prefix, now);
    list::respond(call, world, &LIST_RULES, items.into_iter())
}

/// The JSON of the live `K`s whose ids start with `prefix` (any case), in key order.
pub(in crate::arm) fn json_under<K: Kind>(world: &World, prefix: &str, now: Instant) -> Vec<Value> {
    world
        .resources
        .get::<Resource<K>>()
        .map(|store| store.under(prefix, now).map(|r| to_json(world, r, now)).collect())
        .unwrap_or_default()
}

/// GET of the `K`s of the path's resource group.
pub(in crate::arm) fn list_resource_group<K: Kind>(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let prefix = call.resource_group(&world)?.scope();
    list_under::<K>(call, &world, &prefix)
}

/// GET of the `K`s of the path's subscription (those the caller may read).
pub(in crate::arm) fn list_subscription<K: Kind>(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    list_under::<K>(call, &world, &ids::resource_groups_of(call.params[0]))
}

/// What a kind's PUT reads from a body: its properties but the children, and its children.
pub(in crate::arm) struct Parsed {
    pub properties: Map<String, Value>,
    pub children: Vec<(String, Map<String, Value>)>,
}

/// Reads and validates a `K`'s `properties` (the resource `id`, in `location`, of subscription
/// `subscription_id`) against `world`.
pub(in crate::arm) type ParseResource =
    fn(&World, &Placement<'_>, &Map<String, Value>, Instant) -> Result<Parsed, ArmError>;

/// Where a resource being written is.
pub(in crate::arm) struct Placement<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub subscription_id: &'a str,
    pub location: &'a str,
}

/// PUT of the `K` of the path: the name (`min` to `max` characters), `location`, `tags`, the
/// kind's `parse`; 201 for a new one, 200 for an existing one (whose region cannot change).
pub(in crate::arm) fn put<K: Kind>(
    call: &ArmCall<'_>,
    min: usize,
    max: usize,
    parse: ParseResource,
) -> Result<Reply, ArmError> {
    let name = call.params[2];
    check_name(name, min, max)?;
    let body = body::object(call)?;
    let location = body::location(&body, Some(K::TYPE))?;
    let tags: BTreeMap<String, String> = body::tags(&body)?.unwrap_or_default();
    let properties = properties_of(&body)?;
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    let group = call.resource_group(&world)?;
    let (subscription_id, resource_group) = (group.subscription_id.clone(), group.name.clone());
    let id = resource_id::<K>(call);
    let existing = model::get::<K>(&world, &id, now);
    if let Some(existing) = existing
        && existing.location != location
    {
        return Err(ArmError::location_conflict(
            name,
            &resource_group,
            &existing.location,
            &location,
        ));
    }
    let created = existing.is_none();
    let placement = Placement {
        id: &id,
        name,
        subscription_id: &subscription_id,
        location: &location,
    };
    let parsed = parse(&world, &placement, &properties, now)?;
    let ready_at = now + call.shared.settings.operation_duration;
    let resource = Resource::<K> {
        subscription_id,
        resource_group,
        name: existing.map_or_else(|| name.to_owned(), |e| e.name.clone()),
        location,
        tags,
        properties: parsed.properties,
        children: parsed
            .children
            .into_iter()
            .map(|(name, properties)| Child {
                name,
                properties,
                lifecycle: Lifecycle::ready_at(ready_at),
            })
            .collect(),
        lifecycle: Lifecycle::ready_at(ready_at),
        kind: PhantomData,
    };
    let json = to_json(&world, &resource, now);
    let reply = written(call, &mut world, &resource.location, created, &json);
    model::store_mut::<K>(&mut world).insert(resource);
    Ok(reply)
}

/// DELETE of the `K` of the path: 404 without its resource group; 204 when there is none;
/// `in_use` refuses it (at the time of the request); else an answer drawn among 200, 202 and
/// 204. A DELETE during a 202's operation repeats its 202.
pub(in crate::arm) fn delete<K: Kind>(
    call: &ArmCall<'_>,
    in_use: impl FnOnce(&World, &str, Instant) -> Result<(), ArmError>,
) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    call.resource_group(&world)?;
    let id = resource_id::<K>(call);
    let Some(existing) = model::get::<K>(&world, &id, now) else {
        return Ok(Reply::empty(StatusCode::NO_CONTENT));
    };
    if let Some(repeat) = deletion_in_progress(call, &world, &existing.lifecycle) {
        return Ok(repeat);
    }
    in_use(&world, &id, now)?;
    let location = existing.location.clone();
    Ok(match draw_delete(call, &mut world, &location, now) {
        Drawn::Later(handle, deletion) => {
            if let Some(resource) = model::store_mut::<K>(&mut world).get_mut(&id, now) {
                resource.lifecycle.deletion = Some(deletion);
            }
            handle.accepted_with_async_operation()
        }
        Drawn::Now(status) => {
            model::store_mut::<K>(&mut world).remove(&id);
            Reply::empty(status)
        }
    })
}

/// Whether `text` has the form of a service tag (`Internet`, `VirtualNetwork`, `AzureMonitor`,
/// `Storage.WestEurope`, ...: a letter, then letters and digits, optionally `.` and a region),
/// as security rules and routes accept them in place of a prefix (learn.microsoft.com "Virtual
/// network service tags"). The emulator does not hold Network's list of tags, which changes
/// weekly; it accepts any name of that form.
pub(in crate::arm) fn is_service_tag(text: &str) -> bool {
    let mut parts = text.splitn(2, '.');
    let tag = parts.next().unwrap_or_default();
    let tag_ok = tag.starts_with(|c: char| c.is_ascii_alphabetic()) && tag.chars().all(|c| c.is_ascii_alphanumeric());
    tag_ok
        && parts
            .next()
            .is_none_or(|region| !region.is_empty() && region.chars().all(|c| c.is_ascii_alphanumeric()))
}
