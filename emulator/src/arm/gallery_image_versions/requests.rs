//! The requests on image versions: GET, PUT, DELETE of one, and the list of a definition.

use hyper::StatusCode;

use super::publishing::{Publishing, source};
use crate::arm::body;
use crate::arm::error::ArmError;
use crate::arm::galleries::compute::{self, change_not_allowed, invalid};
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::World;
use crate::model::compute::{
    GALLERY_TYPE, GalleryImageVersion, IMAGE_DEFINITION_TYPE, IMAGE_TYPE, IMAGE_VERSION_TYPE, gallery_image,
    Lifecycle, gallery_image_version, insert_gallery_image_version, managed_image,
    version_name_error,
};
use crate::model::ids;
use crate::model::store::Stored;

/// The size of the OS disk image of a version, in GiB (emulator choice: the OS disk size of
/// Azure's Linux marketplace images).
const OS_DISK_SIZE_GB: u32 = 30;

/// Routes a request on one version by method.
pub(super) fn item(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    match call.request.method.as_str() {
        "GET" => get(call),
        "PUT" => put(call),
        _ => delete(call),
    }
}

/// The id of the definition of the request's path.
fn image_id(call: &ArmCall<'_>) -> String {
    let gallery = ids::resource(call.params[0], call.params[1], GALLERY_TYPE, call.params[2]);
    format!("{gallery}/images/{}", call.params[3])
}

/// The id of the version of the request's path.
fn version_id(call: &ArmCall<'_>) -> String {
    format!("{}/versions/{}", image_id(call), call.params[4])
}

/// ARM's 404 for the version of the path.
fn not_found(call: &ArmCall<'_>) -> ArmError {
    let name = format!("{}/{}/{}", call.params[2], call.params[3], call.params[4]);
    ArmError::resource_not_found(IMAGE_VERSION_TYPE, &name, call.params[1])
}

/// GET: the version, or 404 `ResourceNotFound`.
fn get(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    compute::get::<GalleryImageVersion>(call, &version_id(call), || not_found(call))
}

/// 400 `InvalidParameter` when `source` names a managed image or an image version that does
/// not exist (other sources, e.g. VMs and snapshots, are not modelled and are taken as given).
fn check_source(world: &World, source: &str, now: std::time::Instant) -> Result<(), ArmError> {
    let exists = if ids::parse_resource(source, IMAGE_TYPE).is_some() {
        managed_image(world, source, now).is_some()
    } else if source.to_lowercase().contains("/providers/microsoft.compute/galleries/") {
        gallery_image_version(world, source, now).is_some()
    } else {
        true
    };
    if exists {
        return Ok(());
    }
    Err(invalid(format!(
        "The source '{source}' of the gallery image version was not found (storageProfile.source.id)."
    )))
}

/// PUT: creates a version of an existing definition (201, `Creating` until its replication
/// completes) or updates one (200).
fn put(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let name = call.params[4];
    if let Some(message) = version_name_error(name) {
        return Err(invalid(message));
    }
    let body = body::object(call)?;
    let location = body::location(&body, Some(IMAGE_VERSION_TYPE))?;
    let tags = body::tags(&body)?.unwrap_or_default();
    let properties = compute::properties(&body)?;
    let publishing = Publishing::parse(properties, &location)?;
    let source = source(properties)?;
    let clock = &call.shared.clock;
    let (now, wall) = (clock.instant(), clock.now());
    let mut world = call.shared.write();
    call.resource_group(&world)?;
    let image_id = image_id(call);
    if gallery_image(&world, &image_id, now).is_none() {
        return Err(compute::parent_not_found(IMAGE_VERSION_TYPE, &image_id));
    }
    check_source(&world, &source, now)?;
    let version = GalleryImageVersion {
        image_id,
        name: name.to_owned(),
        location,
        tags,
        target_regions: publishing.target_regions,
        replica_count: publishing.replica_count,
        storage_account_type: publishing.storage_account_type,
        exclude_from_latest: publishing.exclude_from_latest,
        end_of_life_date: publishing.end_of_life_date,
        source,
        os_disk_size_gb: OS_DISK_SIZE_GB,
        published_date: wall,
        lifecycle: Lifecycle::ready_at(now + call.shared.settings.operation_duration),
    };
    if let Some(existing) = gallery_image_version(&world, &version_id(call), now) {
        if existing.location != version.location {
            let full = format!("{}/{}/{name}", call.params[2], call.params[3]);
            return Err(ArmError::location_conflict(&full, call.params[1], &existing.location, &version.location));
        }
        if !existing.source.eq_ignore_ascii_case(&version.source) {
            return Err(change_not_allowed("storageProfile.source.id"));
        }
        let updated = GalleryImageVersion {
            name: existing.name.clone(),
            published_date: existing.published_date,
            lifecycle: existing.lifecycle.clone(),
            ..version
        };
        let reply = Reply::json(StatusCode::OK, &updated.to_json(now));
        insert_gallery_image_version(&mut world, updated);
        return Ok(reply);
    }
    let reply = compute::created(call, &mut world, &version.location, &version.to_json(now));
    insert_gallery_image_version(&mut world, version);
    Ok(reply)
}

/// DELETE: [`compute::delete`]'s answers.
fn delete(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    compute::delete::<GalleryImageVersion>(call, &version_id(call), |_, _| false)
}

/// GET of a definition's versions (404 when the definition does not exist).
pub(super) fn list(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    call.resource_group(&world)?;
    let image_id = image_id(call);
    if gallery_image(&world, &image_id, now).is_none() {
        let name = format!("{}/{}", call.params[2], call.params[3]);
        return Err(ArmError::resource_not_found(IMAGE_DEFINITION_TYPE, &name, call.params[1]));
    }
    compute::list_under::<GalleryImageVersion>(call, &world, &format!("{image_id}/versions/"))
}
