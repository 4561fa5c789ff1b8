//! The source strings of the Image Builder DevOps task, recognized as the task recognizes them
//! (learn.microsoft.com "Azure VM Image Builder service DevOps task", section Source).

use crate::error::Error;
use crate::model::{ImageTemplateSource, ManagedImageSource, PlatformImageSource, SharedImageVersionSource};
use arm_core::ResourceId;

/// The names of the pipeline variables the DevOps task sets, kept by the command that replaces
/// it.
pub mod task_variables {
    /// The resource id (or URL, for a VHD) of the distributed image.
    pub const IMAGE_URI: &str = "imageUri";
    /// The name of the template the build used.
    pub const TEMPLATE_NAME: &str = "templateName";
    /// The resource id of the template the build used.
    pub const TEMPLATE_ID: &str = "templateId";
    /// The publisher of a marketplace source image.
    pub const PIR_PUBLISHER: &str = "pirPublisher";
    /// The offer of a marketplace source image.
    pub const PIR_OFFER: &str = "pirOffer";
    /// The SKU of a marketplace source image.
    pub const PIR_SKU: &str = "pirSku";
    /// The version of a marketplace source image (the exact one when `latest` was asked for).
    pub const PIR_VERSION: &str = "pirVersion";
}

const MANAGED_IMAGE_TYPE: &str = "Microsoft.Compute/images";
const GALLERY_IMAGE_VERSION_TYPE: &str = "Microsoft.Compute/galleries/images/versions";
const GALLERY_IMAGE_TYPE: &str = "Microsoft.Compute/galleries/images";
const FIELD: &str = "source";

/// A source image, as the task takes it: a marketplace image `Publisher:Offer:Sku[:Version]`,
/// a managed image id or an Azure Compute Gallery image version id.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SourceImage {
    /// A marketplace (platform) image.
    Marketplace {
        /// The publisher, e.g. `Canonical`.
        publisher: String,
        /// The offer, e.g. `ubuntu-24_04-lts`.
        offer: String,
        /// The SKU, e.g. `server`.
        sku: String,
        /// The version; `latest` when not given.
        version: String,
    },
    /// A managed image (`/subscriptions/…/providers/Microsoft.Compute/images/<name>`).
    ManagedImage(ResourceId),
    /// A gallery image version
    /// (`/subscriptions/…/providers/Microsoft.Compute/galleries/<g>/images/<def>/versions/<v>`).
    GalleryImageVersion(ResourceId),
}

impl SourceImage {
    /// Recognizes `input`: a string starting with `/` is a resource id (a managed image or a
    /// gallery image version); anything else is `Publisher:Offer:Sku[:Version]`.
    ///
    /// ```
    /// use image_builder::SourceImage;
    ///
    /// let ubuntu = SourceImage::parse("Canonical:ubuntu-24_04-lts:server")?;
    /// assert!(matches!(&ubuntu, SourceImage::Marketplace { version, .. } if version == "latest"));
    /// let gallery = SourceImage::parse(
    ///     "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/app/versions/1.0.0",
    /// )?;
    /// assert!(matches!(gallery, SourceImage::GalleryImageVersion(_)));
    /// assert!(SourceImage::parse("Canonical:ubuntu").is_err());
    /// # Ok::<(), image_builder::Error>(())
    /// ```
    pub fn parse(input: &str) -> Result<Self, Error> {
        let input = input.trim();
        if input.starts_with('/') {
            return Self::parse_id(input);
        }
        let parts: Vec<&str> = input.split(':').map(str::trim).collect();
        if !(3..=4).contains(&parts.len()) || parts.iter().any(|p| p.is_empty()) {
            return Err(Error::invalid(
                FIELD,
                format!(
                    "'{input}' is neither Publisher:Offer:Sku[:Version] nor a managed image or gallery image version resource id"
                ),
            ));
        }
        Ok(Self::Marketplace {
            publisher: parts[0].to_owned(),
            offer: parts[1].to_owned(),
            sku: parts[2].to_owned(),
            version: parts.get(3).unwrap_or(&"latest").to_string(),
        })
    }

    fn parse_id(input: &str) -> Result<Self, Error> {
        let id = ResourceId::parse(input).map_err(|e| Error::invalid(FIELD, e.to_string()))?;
        if id.is_type(MANAGED_IMAGE_TYPE) {
            Ok(Self::ManagedImage(id))
        } else if id.is_type(GALLERY_IMAGE_VERSION_TYPE) {
            Ok(Self::GalleryImageVersion(id))
        } else if id.is_type(GALLERY_IMAGE_TYPE) {
            Err(Error::invalid(
                FIELD,
                format!(
                    "'{input}' is a gallery image definition; name a version: append '/versions/<version>' or '/versions/latest'"
                ),
            ))
        } else {
            Err(Error::invalid(
                FIELD,
                format!(
                    "'{input}' is a {} id; expected a managed image ({MANAGED_IMAGE_TYPE}) or a gallery image version ({GALLERY_IMAGE_VERSION_TYPE})",
                    id.resource_type()
                        .unwrap_or_else(|| "resource group or subscription".to_owned())
                ),
            ))
        }
    }

    /// The template source for this image.
    pub fn into_source(self) -> ImageTemplateSource {
        match self {
            Self::Marketplace {
                publisher,
                offer,
                sku,
                version,
            } => PlatformImageSource::new(publisher, offer, sku, version).into(),
            Self::ManagedImage(id) => ManagedImageSource {
                image_id: id.to_string(),
            }
            .into(),
            Self::GalleryImageVersion(id) => SharedImageVersionSource {
                image_version_id: id.to_string(),
                exact_version: None,
            }
            .into(),
        }
    }

    /// The task's `pirPublisher`, `pirOffer`, `pirSku` and `pirVersion` variables of a marketplace
    /// image (empty for other sources); `exact_version` (the template's `source.exactVersion`
    /// after a run) replaces `latest`.
    pub fn pir_variables(&self, exact_version: Option<&str>) -> Vec<(&'static str, String)> {
        let Self::Marketplace {
            publisher,
            offer,
            sku,
            version,
        } = self
        else {
            return Vec::new();
        };
        vec![
            (task_variables::PIR_PUBLISHER, publisher.clone()),
            (task_variables::PIR_OFFER, offer.clone()),
            (task_variables::PIR_SKU, sku.clone()),
            (task_variables::PIR_VERSION, exact_version.unwrap_or(version).to_owned()),
        ]
    }
}

impl std::str::FromStr for SourceImage {
    type Err = Error;

    fn from_str(input: &str) -> Result<Self, Self::Err> {
        Self::parse(input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANAGED: &str =
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/images/base";
    const VERSION: &str = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/app/versions/0.23760.13763";

    fn message(input: &str) -> String {
        SourceImage::parse(input).unwrap_err().to_string()
    }

    #[test]
    fn marketplace_images_take_an_optional_version() {
        let image =
            SourceImage::parse("MicrosoftWindowsServer:WindowsServer:2022-datacenter-azure-edition:20348.1.2").unwrap();
        assert_eq!(
            image.pir_variables(None),
            [
                ("pirPublisher", "MicrosoftWindowsServer".to_owned()),
                ("pirOffer", "WindowsServer".to_owned()),
                ("pirSku", "2022-datacenter-azure-edition".to_owned()),
                ("pirVersion", "20348.1.2".to_owned()),
            ]
        );
        let latest = SourceImage::parse(" Canonical:ubuntu-24_04-lts:server ").unwrap();
        assert_eq!(latest.pir_variables(None)[3].1, "latest");
        assert_eq!(latest.pir_variables(Some("24.04.202501010"))[3].1, "24.04.202501010");
        assert_eq!(
            serde_json::to_value(latest.into_source()).unwrap(),
            serde_json::json!({"type": "PlatformImage", "publisher": "Canonical", "offer": "ubuntu-24_04-lts", "sku": "server", "version": "latest"})
        );
    }

    #[test]
    fn resource_ids_are_told_apart_by_type() {
        let managed = SourceImage::parse(MANAGED).unwrap();
        assert!(managed.pir_variables(None).is_empty());
        assert_eq!(
            serde_json::to_value(managed.into_source()).unwrap(),
            serde_json::json!({"type": "ManagedImage", "imageId": MANAGED})
        );
        let version = SourceImage::parse(&VERSION.to_lowercase()).unwrap();
        assert!(matches!(version, SourceImage::GalleryImageVersion(_)));
        let source = serde_json::to_value(SourceImage::parse(VERSION).unwrap().into_source()).unwrap();
        assert_eq!(
            source,
            serde_json::json!({"type": "SharedImageVersion", "imageVersionId": VERSION})
        );
    }

    #[test]
    fn what_is_no_source_gets_one_line_naming_the_input() {
        for (input, expected) in [
            ("Canonical:ubuntu", "is neither Publisher:Offer:Sku[:Version]"),
            ("Canonical::server", "is neither Publisher:Offer:Sku[:Version]"),
            ("a:b:c:d:e", "is neither Publisher:Offer:Sku[:Version]"),
            (
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/galleries/g/images/app",
                "append '/versions/<version>'",
            ),
            (
                "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/disks/d",
                "is a Microsoft.Compute/disks id",
            ),
            (
                "/subscriptions/s/resourceGroups/rg",
                "is a resource group or subscription id",
            ),
            ("/subscription/s", "invalid resource id"),
        ] {
            let message = message(input);
            assert!(message.starts_with("invalid source: "), "{message}");
            assert!(message.contains(expected), "{input}: {message}");
            assert!(!message.contains('\n'), "{message}");
        }
    }
}
