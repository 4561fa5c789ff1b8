//! The rules of `properties.source`.

use super::checks::{required, resource_id};
use crate::error::Error;
use crate::model::ImageTemplateSource;

const FIELD: &str = "properties.source";

/// Checks the fields each kind of source requires (learn.microsoft.com "Create an Azure Image
/// Builder Bicep or ARM template JSON template", section Properties: source).
pub(super) fn check(source: &ImageTemplateSource) -> Result<(), Error> {
    match source {
        ImageTemplateSource::PlatformImage(image) => {
            for (name, value) in [
                ("publisher", &image.publisher),
                ("offer", &image.offer),
                ("sku", &image.sku),
                ("version", &image.version),
            ] {
                required(
                    &format!("{FIELD}.{name}"),
                    value.as_deref(),
                    "a PlatformImage source names publisher, offer, sku and version ('latest' for the newest)",
                )?;
            }
            if let Some(plan) = &image.plan_info {
                for (name, value) in [
                    ("planName", &plan.plan_name),
                    ("planProduct", &plan.plan_product),
                    ("planPublisher", &plan.plan_publisher),
                ] {
                    required(
                        &format!("{FIELD}.planInfo.{name}"),
                        Some(value),
                        "a purchase plan names planName, planProduct and planPublisher",
                    )?;
                }
            }
            Ok(())
        }
        ImageTemplateSource::ManagedImage(image) => {
            let field = format!("{FIELD}.imageId");
            required(
                &field,
                Some(&image.image_id),
                "a ManagedImage source names the managed image's resource id",
            )?;
            resource_id(&field, &image.image_id, "Microsoft.Compute/images").map(drop)
        }
        ImageTemplateSource::SharedImageVersion(image) => {
            let field = format!("{FIELD}.imageVersionId");
            required(
                &field,
                Some(&image.image_version_id),
                "a SharedImageVersion source names the gallery image version's resource id",
            )?;
            resource_id(
                &field,
                &image.image_version_id,
                "Microsoft.Compute/galleries/images/versions",
            )
            .map(drop)
        }
        // A kind newer than this crate: Azure checks it.
        _ => Ok(()),
    }
}
