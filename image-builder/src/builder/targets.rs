//! The rules of `properties.distribute`.

use super::checks::{download_url, required, resource_id};
use crate::error::Error;
use crate::model::{DistributeVersioner, ImageTemplateDistributor, SharedImageDistributor};
use std::collections::HashMap;

const FIELD: &str = "properties.distribute";

/// Checks the targets: at least one, each with its required fields, run output names of the
/// spec's pattern and unique (each names a run output resource).
pub(super) fn check(targets: &[ImageTemplateDistributor]) -> Result<(), Error> {
    if targets.is_empty() {
        return Err(Error::invalid(
            FIELD,
            "required: at least one distribution target (ManagedImage, SharedImage or VHD)",
        ));
    }
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (i, target) in targets.iter().enumerate() {
        let field = format!("{FIELD}[{i}]");
        if let Some(name) = target.run_output_name() {
            run_output_name(&format!("{field}.runOutputName"), name)?;
            if let Some(first) = seen.insert(name.to_ascii_lowercase(), i) {
                return Err(Error::invalid(
                    format!("{field}.runOutputName"),
                    format!("'{name}' is already the run output name of {FIELD}[{first}]; each target needs its own"),
                ));
            }
        }
        match target {
            ImageTemplateDistributor::ManagedImage(image) => {
                let id_field = format!("{field}.imageId");
                required(
                    &id_field,
                    Some(&image.image_id),
                    "a ManagedImage target names the image to create",
                )?;
                resource_id(&id_field, &image.image_id, "Microsoft.Compute/images")?;
                required(
                    &format!("{field}.location"),
                    Some(&image.location),
                    "a ManagedImage target names the image's region",
                )?;
            }
            ImageTemplateDistributor::SharedImage(gallery) => shared_image(&field, gallery)?,
            ImageTemplateDistributor::Vhd(vhd) => {
                if let Some(uri) = vhd.uri.as_deref().filter(|u| !u.is_empty()) {
                    download_url(&format!("{field}.uri"), uri)?;
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// The spec's pattern of `runOutputName`: `^[A-Za-z0-9-_.]{1,64}$`.
fn run_output_name(field: &str, name: &str) -> Result<(), Error> {
    if (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("'{name}' does not match ^[A-Za-z0-9-_.]{{1,64}}$ (1 to 64 letters, digits, '-', '_', '.')"),
        ))
    }
}

/// A gallery target: the image definition (or a version of it), and one way of naming the
/// replica regions (`targetRegions` supersedes the deprecated `replicationRegions` and
/// `storageAccountType`; the spec: "can be specified only if replicationRegions is not
/// specified").
fn shared_image(field: &str, gallery: &SharedImageDistributor) -> Result<(), Error> {
    let id_field = format!("{field}.galleryImageId");
    required(
        &id_field,
        Some(&gallery.gallery_image_id),
        "a SharedImage target names the gallery image definition",
    )?;
    if resource_id(
        &id_field,
        &gallery.gallery_image_id,
        "Microsoft.Compute/galleries/images",
    )
    .is_err()
    {
        resource_id(&id_field, &gallery.gallery_image_id, "Microsoft.Compute/galleries/images/versions").map_err(|_| {
            Error::invalid(
                &id_field,
                format!(
                    "'{}' is not a gallery image definition id (…/providers/Microsoft.Compute/galleries/<gallery>/images/<definition>[/versions/<version>])",
                    gallery.gallery_image_id
                ),
            )
        })?;
    }
    if gallery.replication_regions.is_some() && gallery.target_regions.is_some() {
        return Err(Error::invalid(
            format!("{field}.replicationRegions"),
            "replicationRegions (deprecated) and targetRegions cannot both be set; use targetRegions",
        ));
    }
    if gallery.storage_account_type.is_some() && gallery.replication_regions.is_none() {
        return Err(Error::invalid(
            format!("{field}.storageAccountType"),
            "storageAccountType can only be set with replicationRegions; set it per region in targetRegions",
        ));
    }
    for (i, region) in gallery.target_regions.iter().flatten().enumerate() {
        let region_field = format!("{field}.targetRegions[{i}]");
        required(
            &format!("{region_field}.name"),
            Some(&region.name),
            "a target region has a name",
        )?;
        if region.replica_count == Some(0) {
            return Err(Error::invalid(
                format!("{region_field}.replicaCount"),
                "must be at least 1 (omit it for 1)",
            ));
        }
    }
    if let Some(DistributeVersioner::Latest(latest)) = &gallery.versioning
        && latest.major.is_some_and(|major| major < -1)
    {
        return Err(Error::invalid(
            format!("{field}.versioning.major"),
            "must be -1 (the latest major version) or a major version number",
        ));
    }
    Ok(())
}
