//! Where a build's image goes: a managed image, an Azure Compute Gallery or a VHD.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

arm_core::tagged_union! {
    /// One distribution target (`ImageTemplateDistributor`, discriminator `type`).
    pub enum ImageTemplateDistributor tag "type" {
        /// A managed image: `ManagedImage`.
        ManagedImage(ManagedImageDistributor) = "ManagedImage",
        /// An Azure Compute Gallery image version: `SharedImage`.
        SharedImage(SharedImageDistributor) = "SharedImage",
        /// A VHD in a storage account: `VHD`.
        Vhd(VhdDistributor) = "VHD",
    }
}

impl ImageTemplateDistributor {
    /// The name of the run output this target produces (`runOutputName`); `None` for a kind
    /// this crate does not know that lacks one.
    pub fn run_output_name(&self) -> Option<&str> {
        match self {
            Self::ManagedImage(d) => Some(&d.run_output_name),
            Self::SharedImage(d) => Some(&d.run_output_name),
            Self::Vhd(d) => Some(&d.run_output_name),
            Self::Other(object) => object.get("runOutputName").and_then(serde_json::Value::as_str),
        }
    }
}

/// A managed image (`ImageTemplateManagedImageDistributor`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ManagedImageDistributor {
    /// The name of the run output, `^[A-Za-z0-9-_.]{1,64}$`, unique in the template.
    pub run_output_name: String,
    /// Tags of the image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_tags: Option<BTreeMap<String, String>>,
    /// The resource id of the image to create (`/subscriptions/…/providers/Microsoft.Compute/images/…`).
    pub image_id: String,
    /// The region of the image.
    pub location: String,
}

/// An Azure Compute Gallery image version (`ImageTemplateSharedImageDistributor`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SharedImageDistributor {
    /// The name of the run output, `^[A-Za-z0-9-_.]{1,64}$`, unique in the template.
    pub run_output_name: String,
    /// Tags of the image version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_tags: Option<BTreeMap<String, String>>,
    /// The resource id of the image definition, or of a version to create
    /// (`/subscriptions/…/galleries/…/images/…[/versions/…]`).
    pub gallery_image_id: String,
    /// Regions to replicate to (superseded by `targetRegions`; not both).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replication_regions: Option<Vec<String>>,
    /// Keep the version out of `latest`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exclude_from_latest: Option<bool>,
    /// The storage type of the replicas (superseded by `targetRegions`; not both).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_account_type: Option<SharedImageStorageAccountType>,
    /// Regions to replicate to, with replica count and storage type each.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_regions: Option<Vec<TargetRegion>>,
    /// How the version number is chosen when `galleryImageId` names no version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub versioning: Option<DistributeVersioner>,
    /// `Full` (default) or `Shallow` replication.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replication_mode: Option<ReplicationMode>,
}

/// A region an image version is replicated to (`TargetRegion`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetRegion {
    /// The region.
    pub name: String,
    /// The number of replicas (default 1).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replica_count: Option<u32>,
    /// The storage type of the replicas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub storage_account_type: Option<SharedImageStorageAccountType>,
}

impl TargetRegion {
    /// The region `name` with Azure's defaults.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }
}

/// A VHD (`ImageTemplateVhdDistributor`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VhdDistributor {
    /// The name of the run output, `^[A-Za-z0-9-_.]{1,64}$`, unique in the template.
    pub run_output_name: String,
    /// Tags of the VHD.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub artifact_tags: Option<BTreeMap<String, String>>,
    /// The blob URL to write the VHD to; when absent, the VHD goes to the staging resource
    /// group's storage account (its URL is the run output's `artifactUri`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub uri: Option<String>,
}

arm_core::tagged_union! {
    /// How a gallery image version number is chosen (`DistributeVersioner`, discriminator
    /// `scheme`).
    pub enum DistributeVersioner tag "scheme" {
        /// The next version after the latest one: `Latest`.
        Latest(LatestVersioner) = "Latest",
        /// The source image's version: `Source`.
        Source(SourceVersioner) = "Source",
    }
}

/// The `Latest` versioning scheme (`DistributeVersionerLatest`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LatestVersioner {
    /// The major version to stay in; -1 (default) for the latest of all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub major: Option<i32>,
}

/// The `Source` versioning scheme (`DistributeVersionerSource`): no settings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SourceVersioner {}

arm_core::string_enum! {
    /// The storage type of gallery image replicas.
    pub enum SharedImageStorageAccountType {
        /// Standard locally redundant.
        StandardLrs = "Standard_LRS",
        /// Standard zone redundant.
        StandardZrs = "Standard_ZRS",
        /// Premium locally redundant.
        PremiumLrs = "Premium_LRS",
    }
}

arm_core::string_enum! {
    /// How a gallery image version is replicated.
    pub enum ReplicationMode {
        /// Full copies (default).
        Full = "Full",
        /// Shallow: faster, for testing only.
        Shallow = "Shallow",
    }
}
