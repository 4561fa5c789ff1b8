//! What a run that reaches its end makes, per distributor (learn.microsoft.com "Create an Azure
//! Image Builder Bicep or ARM template JSON template", distribute): a `ManagedImage` a managed
//! image, a `SharedImage` a new version of its image definition (`versioning` `Latest`, the
//! default here, takes the highest version of the major plus one patch, `Source` the source's
//! version), a `VHD` a VHD blob in the staging account's `vhds` container (or at its `uri` when
//! that is on the emulator); and the run output of each.

use std::time::Instant;

use serde_json::Value;

use super::template::{ImageTemplate, RunOutput};
use crate::blob::internal;
use crate::model::World;
use crate::model::compute::{self, GalleryImageVersion, ImageSource, Lifecycle, ManagedImage, TargetRegion};
use crate::model::ids;
use crate::model::storage::{self, BlobContainer, PublicAccess};
use crate::shared::Shared;

/// The container of the VHDs a run writes in its staging account.
const VHD_CONTAINER: &str = "vhds";

/// The footer of an empty fixed VHD (512 bytes, cookie `conectix`): the VHD blob's content.
fn vhd_footer() -> Vec<u8> {
    let mut footer = vec![0u8; 512];
    footer[..8].copy_from_slice(b"conectix");
    footer[8..12].copy_from_slice(&2u32.to_be_bytes());
    footer[12..16].copy_from_slice(&0x0001_0000u32.to_be_bytes());
    footer[16..24].copy_from_slice(&u64::MAX.to_be_bytes());
    footer[60..64].copy_from_slice(&2u32.to_be_bytes());
    footer
}

/// Makes what the succeeding distributors of `template`'s run name; their run outputs.
pub(super) fn settle(shared: &Shared, world: &mut World, template: &ImageTemplate, failed: &[usize]) -> Vec<RunOutput> {
    let (now, wall) = (shared.clock.instant(), shared.clock.now());
    let source = source_facts(world, template, now);
    let staging_vm = format!(
        "{}/providers/Microsoft.Compute/virtualMachines/{}",
        template.staging.as_ref().map_or("", |s| s.group_id.as_str()),
        "vm-imagebuilder"
    );
    let mut outputs = Vec::new();
    for (index, distributor) in template.distributors().iter().enumerate() {
        if failed.contains(&index) {
            continue;
        }
        let text = |key: &str| distributor.get(key).and_then(Value::as_str).unwrap_or_default();
        let tags = artifact_tags(distributor);
        let mut output = RunOutput {
            name: text("runOutputName").to_owned(),
            artifact_id: None,
            artifact_uri: None,
        };
        match text("type") {
            "ManagedImage" => {
                let Some((subscription, group, name)) = ids::parse_resource(text("imageId"), compute::IMAGE_TYPE)
                else {
                    continue;
                };
                let image = ManagedImage {
                    subscription_id: subscription.to_owned(),
                    resource_group: group.to_owned(),
                    name: name.to_owned(),
                    location: text("location").to_owned(),
                    tags,
                    os_type: source.0.clone(),
                    os_state: "Generalized".to_owned(),
                    hyper_v_generation: source.1.clone(),
                    source: ImageSource::VirtualMachine(staging_vm.clone()),
                    data_disks: Vec::new(),
                    zone_resilient: false,
                    created: wall,
                    lifecycle: Lifecycle::ready_at(now),
                };
                output.artifact_id = Some(image.id());
                compute::insert_managed_image(world, image);
            }
            "SharedImage" => {
                let image_id = text("galleryImageId");
                let Some(definition) = compute::gallery_image(world, image_id, now) else {
                    continue;
                };
                let location = definition.location.clone();
                let name = next_version(world, image_id, distributor, template, now);
                let version = GalleryImageVersion {
                    image_id: image_id.to_owned(),
                    name,
                    location: location.clone(),
                    tags,
                    target_regions: target_regions(distributor, &location),
                    replica_count: 1,
                    storage_account_type: Some(text("storageAccountType"))
                        .filter(|kind| !kind.is_empty())
                        .unwrap_or("Standard_LRS")
                        .to_owned(),
                    exclude_from_latest: distributor
                        .get("excludeFromLatest")
                        .and_then(Value::as_bool)
                        .unwrap_or(false),
                    end_of_life_date: None,
                    source: staging_vm.clone(),
                    os_disk_size_gb: source.2,
                    published_date: wall,
                    lifecycle: Lifecycle::ready_at(now),
                };
                output.artifact_id = Some(crate::model::store::Stored::id(&version));
                compute::insert_gallery_image_version(world, version);
            }
            _ => match write_vhd(shared, world, template, distributor) {
                Some(uri) => output.artifact_uri = Some(uri),
                None => continue,
            },
        }
        outputs.push(output);
    }
    outputs
}

/// The `artifactTags` of a distributor.
fn artifact_tags(distributor: &Value) -> std::collections::BTreeMap<String, String> {
    distributor
        .get("artifactTags")
        .and_then(Value::as_object)
        .map(|tags| {
            tags.iter()
                .filter_map(|(k, v)| v.as_str().map(|v| (k.clone(), v.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// The OS type, Hyper-V generation and OS disk size (GB) of the image a run makes, from its
/// source (Linux, V1 when the source does not say; the disk `vmProfile.osDiskSizeGB` or 30/127).
fn source_facts(world: &World, template: &ImageTemplate, now: Instant) -> (String, String, u32) {
    let source = template.properties.get("source");
    let text = |key: &str| {
        source
            .and_then(|s| s.get(key))
            .and_then(Value::as_str)
            .unwrap_or_default()
    };
    let (os, generation) = match text("type") {
        "PlatformImage" => template
            .platform_source(world, now)
            .map(|image| (image.os_type, image.hyper_v_generation)),
        "ManagedImage" => compute::managed_image(world, text("imageId"), now)
            .map(|image| (image.os_type.clone(), image.hyper_v_generation.clone())),
        _ => {
            let version_id = text("imageVersionId");
            let definition = version_id.rsplit_once("/versions/").map_or("", |(def, _)| def);
            compute::gallery_image(world, definition, now)
                .map(|image| (image.os_type.clone(), image.hyper_v_generation.clone()))
        }
    }
    .unwrap_or_else(|| ("Linux".to_owned(), "V1".to_owned()));
    let default_size = if os == "Windows" { 127 } else { 30 };
    let size = template
        .properties
        .get("vmProfile")
        .and_then(|profile| profile.get("osDiskSizeGB"))
        .and_then(Value::as_u64)
        .filter(|size| *size > 0)
        .and_then(|size| u32::try_from(size).ok())
        .unwrap_or(default_size);
    (os, generation, size)
}

/// The regions of a `SharedImage` distributor: `targetRegions`, else `replicationRegions`, else
/// the definition's region.
fn target_regions(distributor: &Value, location: &str) -> Vec<TargetRegion> {
    let storage = distributor
        .get("storageAccountType")
        .and_then(Value::as_str)
        .unwrap_or("Standard_LRS");
    let region = |name: &str, count: u32, kind: &str| TargetRegion {
        name: name.to_owned(),
        regional_replica_count: count,
        storage_account_type: kind.to_owned(),
    };
    let targets: Vec<TargetRegion> = match (distributor.get("targetRegions"), distributor.get("replicationRegions")) {
        (Some(Value::Array(targets)), _) => targets
            .iter()
            .filter_map(|t| {
                let name = t.get("name")?.as_str()?;
                let count = t.get("replicaCount").and_then(Value::as_u64).unwrap_or(1);
                let kind = t.get("storageAccountType").and_then(Value::as_str).unwrap_or(storage);
                Some(region(name, u32::try_from(count).unwrap_or(1), kind))
            })
            .collect(),
        (_, Some(Value::Array(names))) => names
            .iter()
            .filter_map(Value::as_str)
            .map(|name| region(name, 1, storage))
            .collect(),
        _ => Vec::new(),
    };
    if targets.is_empty() {
        vec![region(location, 1, storage)]
    } else {
        targets
    }
}

/// The name of the version a `SharedImage` distributor makes: `Source` takes the source
/// version's; `Latest` (the default) the highest patch of the major (`versioning.major`, else the
/// highest major) plus one, `major.0.1` for the first.
fn next_version(world: &World, image_id: &str, distributor: &Value, template: &ImageTemplate, now: Instant) -> String {
    let versioning = distributor.get("versioning");
    let scheme = versioning.and_then(|v| v.get("scheme")).and_then(Value::as_str);
    if scheme == Some("Source")
        && let Some(version) = template
            .properties
            .get("source")
            .and_then(|source| source.get("imageVersionId"))
            .and_then(Value::as_str)
            .and_then(|id| id.rsplit('/').next())
    {
        return version.to_owned();
    }
    let parse = |name: &str| -> Option<(u64, u64, u64)> {
        let mut parts = name.split('.').map(|p| p.parse::<u64>().ok());
        Some((parts.next()??, parts.next()??, parts.next()??))
    };
    let existing: Vec<(u64, u64, u64)> = compute::versions_of(world, image_id, now)
        .iter()
        .filter_map(|v| parse(&v.name))
        .collect();
    let major = versioning
        .and_then(|v| v.get("major"))
        .and_then(Value::as_i64)
        .and_then(|m| u64::try_from(m).ok())
        .unwrap_or_else(|| existing.iter().map(|v| v.0).max().unwrap_or(0));
    let (minor, patch) = existing
        .iter()
        .filter(|v| v.0 == major)
        .map(|v| (v.1, v.2))
        .max()
        .unwrap_or((0, 0));
    format!("{major}.{minor}.{}", patch + 1)
}

/// Writes the VHD of a `VHD` distributor: at its `uri` when that names a container on the
/// emulator, else in the staging account's `vhds` container; its URL.
fn write_vhd(shared: &Shared, world: &mut World, template: &ImageTemplate, distributor: &Value) -> Option<String> {
    let now = shared.clock.instant();
    let given = distributor.get("uri").and_then(Value::as_str);
    let (account, container, blob, url) = match given.and_then(|uri| internal::BlobUrl::parse(shared, world, uri)) {
        Some(target) => (target.account, target.container?, target.blob?, given?.to_owned()),
        None => {
            let staging = template.staging.as_ref()?;
            let account = storage::account_by_name(world, &staging.account, now)?.clone();
            if storage::container(world, &account.name, VHD_CONTAINER, now).is_none() {
                let container = BlobContainer::new(&account, VHD_CONTAINER, PublicAccess::None, shared.clock.now());
                storage::insert_container(world, container);
            }
            let blob = format!("{}_{}.vhd", template.name, shared.clock.now().unix_timestamp());
            let url = format!("{}{VHD_CONTAINER}/{blob}", account.blob_endpoint);
            (account.name, VHD_CONTAINER.to_owned(), blob, url)
        }
    };
    internal::put_block_blob(
        shared,
        world,
        (&account, &container),
        &blob,
        &vhd_footer(),
        "application/octet-stream",
    )
    .map_err(|error| tracing::warn!(%error, "image builder: the VHD could not be written"))
    .ok()?;
    Some(url)
}
