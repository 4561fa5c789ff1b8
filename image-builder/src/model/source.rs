//! Where a build starts: a marketplace image, a managed image or a gallery image version.

use serde::{Deserialize, Serialize};

arm_core::tagged_union! {
    /// The image a template builds on (`ImageTemplateSource`, discriminator `type`).
    pub enum ImageTemplateSource tag "type" {
        /// A marketplace (platform) image: `PlatformImage`.
        PlatformImage(PlatformImageSource) = "PlatformImage",
        /// A managed image: `ManagedImage`.
        ManagedImage(ManagedImageSource) = "ManagedImage",
        /// An Azure Compute Gallery image version: `SharedImageVersion`.
        SharedImageVersion(SharedImageVersionSource) = "SharedImageVersion",
    }
}

/// A marketplace image (`ImageTemplatePlatformImageSource`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlatformImageSource {
    /// The publisher, e.g. `Canonical`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub publisher: Option<String>,
    /// The offer, e.g. `ubuntu-24_04-lts`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offer: Option<String>,
    /// The SKU, e.g. `server`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// The version, or `latest`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The version that was used when `version` is `latest`; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact_version: Option<String>,
    /// The purchase plan, for marketplace images that have one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan_info: Option<PlatformImagePurchasePlan>,
}

impl PlatformImageSource {
    /// The image `publisher:offer:sku:version`.
    pub fn new(
        publisher: impl Into<String>,
        offer: impl Into<String>,
        sku: impl Into<String>,
        version: impl Into<String>,
    ) -> Self {
        Self {
            publisher: Some(publisher.into()),
            offer: Some(offer.into()),
            sku: Some(sku.into()),
            version: Some(version.into()),
            ..Self::default()
        }
    }
}

/// The purchase plan of a marketplace image (`PlatformImagePurchasePlan`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlatformImagePurchasePlan {
    /// The plan name.
    pub plan_name: String,
    /// The product.
    pub plan_product: String,
    /// The publisher.
    pub plan_publisher: String,
}

/// A managed image (`ImageTemplateManagedImageSource`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedImageSource {
    /// The resource id of the managed image
    /// (`/subscriptions/…/providers/Microsoft.Compute/images/…`).
    pub image_id: String,
}

/// An Azure Compute Gallery image version (`ImageTemplateSharedImageVersionSource`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SharedImageVersionSource {
    /// The resource id of the image version
    /// (`/subscriptions/…/galleries/…/images/…/versions/<version or latest>`).
    pub image_version_id: String,
    /// The version that was used when the id ends in `latest`; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact_version: Option<String>,
}
