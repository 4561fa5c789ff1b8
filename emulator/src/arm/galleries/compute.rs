//! What the `Microsoft.Compute` providers (galleries, image definitions, image versions, managed
//! images, platform images) share: their api-versions, Compute's error shapes, the name rules,
//! the enumerations of their bodies, creation as a long-running operation, and the requests
//! that are the same for every type (GET, DELETE, the lists).

use std::time::Instant;

use hyper::StatusCode;
use serde_json::{Map, Value};

use crate::arm::body::{converting, join, string_at};
use crate::arm::error::ArmError;
use crate::arm::list::{self, ListRules};
use crate::arm::lro::{self, OperationHandle};
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::World;
use crate::model::compute::ComputeResource;
use crate::model::ids;
use crate::model::operations::{LocationStyle, NewOperation, Outcome};
use crate::model::resource_groups::Deletion;
use crate::model::store::Stored;
use crate::random;

/// The namespace of the operations the providers start.
const NAMESPACE: &str = "Microsoft.Compute";

/// The statuses the specification documents for the DELETE of an existing gallery, image
/// definition, image version or managed image.
const DELETE_STATUSES: [u16; 3] = [200, 202, 204];

/// Pages of 100 resources; the lists take neither `$top` nor `$filter`.
const LIST_RULES: ListRules = ListRules {
    page: 100,
    top: false,
    filter: &[],
};

/// Every api-version of the Compute Gallery resources (the stable and preview folders of
/// Azure/azure-rest-api-specs `specification/compute/resource-manager/Microsoft.Compute/GalleryRP`,
/// and the `gallery.json` of the earlier `Microsoft.Compute` folders).
pub(in crate::arm) const GALLERY_API_VERSIONS: &[&str] = &[
    "2018-06-01",
    "2019-03-01",
    "2019-07-01",
    "2019-12-01",
    "2020-09-30",
    "2021-07-01",
    "2021-10-01",
    "2022-01-03",
    "2022-03-03",
    "2022-08-03",
    "2023-07-03",
    "2024-03-03",
    "2025-03-03",
];

/// Every api-version of the Compute resources (managed images, platform images): the stable and
/// preview folders of `Microsoft.Compute/ComputeRP` and of the earlier `Microsoft.Compute`
/// folders.
pub(in crate::arm) const COMPUTE_API_VERSIONS: &[&str] = &[
    "2015-06-15",
    "2016-03-30",
    "2016-04-30-preview",
    "2017-03-30",
    "2017-12-01",
    "2018-04-01",
    "2018-06-01",
    "2018-10-01",
    "2019-03-01",
    "2019-07-01",
    "2019-12-01",
    "2020-06-01",
    "2020-12-01",
    "2021-03-01",
    "2021-04-01",
    "2021-07-01",
    "2021-11-01",
    "2022-03-01",
    "2022-08-01",
    "2022-11-01",
    "2023-03-01",
    "2023-07-01",
    "2023-09-01",
    "2024-03-01",
    "2024-07-01",
    "2024-11-01",
    "2025-04-01",
];

/// Compute's 400 `InvalidParameter` (the property is named in the message).
pub(in crate::arm) fn invalid(message: impl Into<String>) -> ArmError {
    ArmError::bad_request("InvalidParameter", message)
}

/// Compute's 400 for a required property left out: `Required parameter '{name}' is missing
/// (null).`
pub(in crate::arm) fn missing(name: &str) -> ArmError {
    invalid(format!("Required parameter '{name}' is missing (null)."))
}

/// Compute's 409 `PropertyChangeNotAllowed` for a PUT that would change an immutable property.
pub(in crate::arm) fn change_not_allowed(name: &str) -> ArmError {
    ArmError::new(
        StatusCode::CONFLICT,
        "PropertyChangeNotAllowed",
        format!("Changing property '{name}' is not allowed."),
    )
}

/// Compute's 409 for the deletion of a gallery or image definition that still holds children.
fn nested_resources_exist() -> ArmError {
    ArmError::new(
        StatusCode::CONFLICT,
        "CannotDeleteResource",
        "Can not delete resource before nested resources are deleted.",
    )
}

/// ARM's 404 for a child resource whose parent `parent_id` does not exist.
pub(in crate::arm) fn parent_not_found(child_type: &str, parent_id: &str) -> ArmError {
    ArmError::new(
        StatusCode::NOT_FOUND,
        "ParentResourceNotFound",
        format!(
            "Failed to perform 'write' on resource(s) of type '{child_type}', because the parent resource '{parent_id}' could not be found."
        ),
    )
}

/// The naming rule of a Compute resource kind (learn.microsoft.com "Naming rules and
/// restrictions for Azure resources", Microsoft.Compute).
pub(in crate::arm) struct NameRule {
    /// What the error calls it, e.g. `gallery`.
    pub kind: &'static str,
    /// The punctuation allowed besides letters and digits.
    pub punctuation: &'static [char],
    /// Whether the name may end with an underscore (managed images).
    pub may_end_with_underscore: bool,
    /// The rule in words, for the error.
    pub words: &'static str,
}

impl NameRule {
    /// 400 `InvalidParameter` unless `name` is 1 to 80 letters, digits and the rule's
    /// punctuation, starting (and ending) with a letter or digit.
    pub fn check(&self, name: &str) -> Result<(), ArmError> {
        let alnum = |c: char| c.is_ascii_alphanumeric();
        let valid = (1..=80).contains(&name.len())
            && name.chars().all(|c| alnum(c) || self.punctuation.contains(&c))
            && name.starts_with(alnum)
            && name.ends_with(|c: char| alnum(c) || (self.may_end_with_underscore && c == '_'));
        if valid {
            return Ok(());
        }
        Err(invalid(format!(
            "The {} name '{name}' is invalid. {} The maximum length is 80 characters.",
            self.kind, self.words
        )))
    }
}

/// The string at `key` of `parent` (at `path`), one of `values` in any case, in its canonical
/// spelling; `None` when absent. `dotnet_type` names the enumeration in the error.
pub(in crate::arm) fn one_of(
    parent: &Map<String, Value>,
    key: &str,
    path: &str,
    values: &[&'static str],
    dotnet_type: &str,
) -> Result<Option<String>, ArmError> {
    let Some(given) = string_at(parent, key, path)? else {
        return Ok(None);
    };
    values
        .iter()
        .find(|value| value.eq_ignore_ascii_case(given))
        .map(|value| Some((*value).to_owned()))
        .ok_or_else(|| converting(&Value::from(given), dotnet_type, &join(path, key)))
}

/// The `properties` object of a PUT body (Compute's missing-parameter error without one).
pub(in crate::arm) fn properties(body: &Map<String, Value>) -> Result<&Map<String, Value>, ArmError> {
    match body.get("properties") {
        None | Some(Value::Null) => Err(missing("properties")),
        Some(Value::Object(properties)) => Ok(properties),
        Some(other) => Err(converting(other, "properties", "properties")),
    }
}

/// Starts a `Microsoft.Compute` operation in `location` that succeeds once the emulator's
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

/// 201 Created with `body` (provisioningState `Creating`) and an `Azure-AsyncOperation` to
/// poll: a `Microsoft.Compute` operation in `location` that succeeds once the emulator's
/// operation duration has passed (the resource is `Succeeded` from then on).
pub(in crate::arm) fn created(call: &ArmCall<'_>, world: &mut World, location: &str, body: &Value) -> Reply {
    start_operation(call, world, location, 200).with_async_operation(Reply::json(StatusCode::CREATED, body))
}

/// DELETE of the `T` with id `id`: 404 without its resource group, 409 `CannotDeleteResource`
/// while `holds_children` (at the time of the request); 204 when there is none; else an answer
/// drawn for each request (seeded: `[responses] seed`) among those the specification documents
/// for `Galleries_Delete`, `GalleryImages_Delete`, `GalleryImageVersions_Delete` and
/// `Images_Delete` (their examples' `responses`): 200 or 204, the resource gone at once, or 202
/// with `Azure-AsyncOperation`, `Location` and `Retry-After`, the resource `Deleting` until the
/// operation completes, then gone. A DELETE during that operation repeats its 202.
pub(in crate::arm) fn delete<T: ComputeResource>(
    call: &ArmCall<'_>,
    id: &str,
    holds_children: impl FnOnce(&World, Instant) -> bool,
) -> Result<Reply, ArmError> {
    let settings = &call.shared.settings;
    let now = call.shared.clock.instant();
    let mut world = call.shared.write();
    call.resource_group(&world)?;
    if holds_children(&world, now) {
        return Err(nested_resources_exist());
    }
    let Some(existing) = world.resources.get::<T>().and_then(|store| store.get(id, now)) else {
        return Ok(Reply::empty(StatusCode::NO_CONTENT));
    };
    if let Some(operation) = existing
        .lifecycle()
        .deletion
        .as_ref()
        .and_then(|deletion| world.operations.get(&deletion.operation_id))
    {
        return Ok(OperationHandle::of(operation, call.arm(), settings.retry_after_secs).accepted_with_async_operation());
    }
    Ok(match settings.draws.pick(&DELETE_STATUSES) {
        Some(202) => {
            let location = existing.location().to_owned();
            let handle = start_operation(call, &mut world, &location, 204);
            if let Some(resource) = world.resources.get_mut::<T>().get_mut(id, now) {
                resource.lifecycle_mut().deletion = Some(Deletion {
                    operation_id: handle.id.clone(),
                    until: now + settings.operation_duration,
                });
            }
            handle.accepted_with_async_operation()
        }
        drawn => {
            world.resources.get_mut::<T>().remove(id);
            Reply::empty(if drawn == Some(200) { StatusCode::OK } else { StatusCode::NO_CONTENT })
        }
    })
}

/// GET of the `T` with id `id`: 200 with it; 404 without its resource group, or `not_found`.
pub(in crate::arm) fn get<T: Stored>(
    call: &ArmCall<'_>,
    id: &str,
    not_found: impl FnOnce() -> ArmError,
) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    call.resource_group(&world)?;
    let found = world
        .resources
        .get::<T>()
        .and_then(|store| store.get(id, now))
        .ok_or_else(not_found)?;
    Ok(Reply::json(StatusCode::OK, &found.to_json(now)))
}

/// A page of the live `T`s whose ids start with `prefix` (any case).
pub(in crate::arm) fn list_under<T: Stored>(call: &ArmCall<'_>, world: &World, prefix: &str) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let items = json_under::<T>(world, prefix, now);
    list::respond(call, world, &LIST_RULES, items.into_iter())
}

/// GET of the `T`s of the path's resource group.
pub(in crate::arm) fn list_resource_group<T: Stored>(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let prefix = call.resource_group(&world)?.scope();
    list_under::<T>(call, &world, &prefix)
}

/// GET of the `T`s of the path's subscription (those the caller may read).
pub(in crate::arm) fn list_subscription<T: Stored>(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    list_under::<T>(call, &world, &ids::resource_groups_of(call.params[0]))
}

/// The JSON of the live `T`s whose ids start with `prefix` at `now`, in key order (a provider's
/// `resources_under`).
pub(in crate::arm) fn json_under<T: Stored>(world: &World, prefix: &str, now: Instant) -> Vec<Value> {
    world
        .resources
        .get::<T>()
        .map(|store| store.under(prefix, now).map(|resource| resource.to_json(now)).collect())
        .unwrap_or_default()
}
