//! The requests on managed images: GET, PUT, DELETE of one, and the lists.

use hyper::StatusCode;
use serde_json::{Map, Value};

use crate::arm::body::{self, array_at, converting, object_at, string_at};
use crate::arm::error::ArmError;
use crate::arm::galleries::compute::{self, NameRule, change_not_allowed, missing, one_of};
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::compute::{
    IMAGE_TYPE, ImageSource, Lifecycle, ManagedImage, insert_managed_image, managed_image,
};
use crate::model::store::Stored;
use crate::model::ids;

/// Managed image names: letters, digits, underscores, periods and hyphens, ending with a letter,
/// a digit or an underscore.
const NAME: NameRule = NameRule {
    kind: "image",
    punctuation: &['-', '_', '.'],
    may_end_with_underscore: true,
    words: "The name can contain only letters, numbers, underscores, periods and hyphens, must start with a letter or number, and must end with a letter, number or underscore.",
};

/// Routes a request on one image by method.
pub(super) fn item(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "GET" => get(call),
        "PUT" => put(call),
        _ => delete(call),
    }
}

/// The id of the image of the request's path.
fn image_id(call: &ArmCall<'_>) -> String {
    ids::resource(call.params[0], call.params[1], IMAGE_TYPE, call.params[2])
}

/// GET: the image, or 404 `ResourceNotFound`.
fn get(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    compute::get::<ManagedImage>(call, &image_id(call), || {
        ArmError::resource_not_found(IMAGE_TYPE, call.params[2], call.params[1])
    })
}

/// What a PUT asks for.
struct Requested {
    os_type: String,
    os_state: String,
    hyper_v_generation: String,
    source: ImageSource,
    data_disks: Vec<Value>,
    zone_resilient: bool,
}

/// The id at `key.id` of `parent`, if given.
fn id_at<'a>(parent: &'a Map<String, Value>, key: &str, path: &str) -> Result<Option<&'a str>, ArmError> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(_) => string_at(object_at(parent, key, path)?, "id", &body::join(path, key)),
    }
}

impl Requested {
    /// Reads `properties`: a `sourceVirtualMachine` (which the emulator never has: 404), or a
    /// `storageProfile.osDisk` with `osType`, `osState` and one of `blobUri`, `managedDisk.id`,
    /// `snapshot.id`; `hyperVGeneration` `V1` (default) or `V2`.
    fn parse(call: &ArmCall<'_>, body: &Map<String, Value>) -> Result<Requested, ArmError> {
        let properties = compute::properties(body)?;
        if let Some(vm) = id_at(properties, "sourceVirtualMachine", "properties")? {
            let (_, group, name) = ids::parse_resource(vm, "Microsoft.Compute/virtualMachines")
                .unwrap_or((call.params[0], call.params[1], vm));
            return Err(ArmError::resource_not_found("Microsoft.Compute/virtualMachines", name, group));
        }
        let hyper_v_generation = one_of(properties, "hyperVGeneration", "properties", &["V1", "V2"], "HyperVGenerationTypes")?
            .unwrap_or_else(|| "V1".to_owned());
        if properties.get("storageProfile").is_none_or(Value::is_null) {
            return Err(missing("storageProfile"));
        }
        let storage = object_at(properties, "storageProfile", "properties")?;
        let path = "properties.storageProfile";
        if storage.get("osDisk").is_none_or(Value::is_null) {
            return Err(missing("osDisk"));
        }
        let os_disk = object_at(storage, "osDisk", path)?;
        let disk_path = "properties.storageProfile.osDisk";
        let os_type = one_of(os_disk, "osType", disk_path, &["Windows", "Linux"], "OperatingSystemTypes")?
            .ok_or_else(|| missing("osDisk.osType"))?;
        let os_state = one_of(os_disk, "osState", disk_path, &["Generalized", "Specialized"], "OperatingSystemStateTypes")?
            .ok_or_else(|| missing("osDisk.osState"))?;
        let source = if let Some(uri) = string_at(os_disk, "blobUri", disk_path)? {
            ImageSource::Blob(uri.to_owned())
        } else if let Some(id) = id_at(os_disk, "managedDisk", disk_path)? {
            ImageSource::ManagedDisk(id.to_owned())
        } else if let Some(id) = id_at(os_disk, "snapshot", disk_path)? {
            ImageSource::Snapshot(id.to_owned())
        } else {
            return Err(missing("osDisk.blobUri"));
        };
        let zone_resilient = match storage.get("zoneResilient") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(resilient)) => *resilient,
            Some(other) => return Err(converting(other, "System.Boolean", "properties.storageProfile.zoneResilient")),
        };
        Ok(Requested {
            os_type,
            os_state,
            hyper_v_generation,
            source,
            data_disks: array_at(storage, "dataDisks", path)?.to_vec(),
            zone_resilient,
        })
    }
}

/// PUT: creates an image (201, `Creating` until its operation completes) or updates the tags
/// of one (200; its OS disk and source cannot change).
fn put(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let name = call.params[2];
    NAME.check(name)?;
    let body = body::object(call)?;
    let location = body::location(&body, Some(IMAGE_TYPE))?;
    let tags = body::tags(&body)?.unwrap_or_default();
    let requested = Requested::parse(call, &body)?;
    let clock = &call.shared.clock;
    let (now, wall) = (clock.instant(), clock.now());
    let mut world = call.shared.write();
    let group = call.resource_group(&world)?;
    let (subscription_id, resource_group) = (group.subscription_id.clone(), group.name.clone());
    if let Some(existing) = managed_image(&world, &image_id(call), now) {
        if existing.location != location {
            return Err(ArmError::location_conflict(name, &resource_group, &existing.location, &location));
        }
        if existing.source != requested.source {
            return Err(change_not_allowed("storageProfile.osDisk"));
        }
        if existing.os_type != requested.os_type {
            return Err(change_not_allowed("osDisk.osType"));
        }
        let updated = ManagedImage {
            tags,
            ..existing.clone()
        };
        let reply = Reply::json(StatusCode::OK, &updated.to_json(now));
        insert_managed_image(&mut world, updated);
        return Ok(reply);
    }
    let image = ManagedImage {
        subscription_id,
        resource_group,
        name: name.to_owned(),
        location,
        tags,
        os_type: requested.os_type,
        os_state: requested.os_state,
        hyper_v_generation: requested.hyper_v_generation,
        source: requested.source,
        data_disks: requested.data_disks,
        zone_resilient: requested.zone_resilient,
        created: wall,
        lifecycle: Lifecycle::ready_at(now + call.shared.settings.operation_duration),
    };
    let reply = compute::created(call, &mut world, &image.location, &image.to_json(now));
    insert_managed_image(&mut world, image);
    Ok(reply)
}

/// DELETE: [`compute::delete`]'s answers.
fn delete(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    compute::delete::<ManagedImage>(call, &image_id(call), |_, _| false)
}
