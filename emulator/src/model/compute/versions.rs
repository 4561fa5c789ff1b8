//! Gallery image versions (`Microsoft.Compute/galleries/images/versions`), in the shape of the
//! GalleryRP specification (learn.microsoft.com "Gallery Image Versions - Get").

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::lifecycle::Lifecycle;
use crate::clock::rfc3339;
use crate::model::store::Stored;

/// The image version resource type.
pub(crate) const IMAGE_VERSION_TYPE: &str = "Microsoft.Compute/galleries/images/versions";

/// A region an image version is replicated to (`publishingProfile.targetRegions[]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct TargetRegion {
    /// The region, as the request spelled it.
    pub name: String,
    /// `regionalReplicaCount` (the version's `replicaCount` when left out).
    pub regional_replica_count: u32,
    /// `storageAccountType` (the version's when left out).
    pub storage_account_type: String,
}

/// A version of an image definition.
#[derive(Clone, Debug)]
pub(crate) struct GalleryImageVersion {
    /// The ARM id of its image definition.
    pub image_id: String,
    /// `Major.Minor.Patch` (see [`version_name_error`]).
    pub name: String,
    pub location: String,
    pub tags: BTreeMap<String, String>,
    /// Where it is replicated; the version's own region is always among them.
    pub target_regions: Vec<TargetRegion>,
    /// `publishingProfile.replicaCount` (default 1).
    pub replica_count: u32,
    /// `publishingProfile.storageAccountType` (default `Standard_LRS`).
    pub storage_account_type: String,
    /// Whether `latest` skips it.
    pub exclude_from_latest: bool,
    /// `publishingProfile.endOfLifeDate`, echoed as given.
    pub end_of_life_date: Option<String>,
    /// What it was made from: `storageProfile.source.id` (a managed image, a VM, another
    /// version, ...) or the URI of a VHD (`storageProfile.osDiskImage.source.uri`).
    pub source: String,
    /// `storageProfile.osDiskImage.sizeInGB`.
    pub os_disk_size_gb: u32,
    pub published_date: OffsetDateTime,
    /// Its creation (replication) and deletion.
    pub lifecycle: Lifecycle,
}

impl GalleryImageVersion {
    /// Whether [`Self::source`] is a VHD's URI rather than an ARM id.
    fn source_is_uri(&self) -> bool {
        !self.source.starts_with('/')
    }
}

impl Stored for GalleryImageVersion {
    fn id(&self) -> String {
        format!("{}/versions/{}", self.image_id, self.name)
    }

    fn to_json(&self, now: Instant) -> Value {
        let regions: Vec<Value> = self
            .target_regions
            .iter()
            .map(|region| {
                json!({
                    "name": region.name,
                    "regionalReplicaCount": region.regional_replica_count,
                    "storageAccountType": region.storage_account_type,
                })
            })
            .collect();
        let mut publishing = json!({
            "targetRegions": regions,
            "replicaCount": self.replica_count,
            "excludeFromLatest": self.exclude_from_latest,
            "publishedDate": rfc3339(self.published_date),
            "storageAccountType": self.storage_account_type,
        });
        if let Some(date) = &self.end_of_life_date {
            publishing["endOfLifeDate"] = date.as_str().into();
        }
        let mut storage = json!({
            "osDiskImage": { "sizeInGB": self.os_disk_size_gb, "hostCaching": "ReadWrite" },
        });
        if self.source_is_uri() {
            storage["osDiskImage"]["source"] = json!({ "uri": self.source });
        } else {
            storage["source"] = json!({ "id": self.source });
        }
        json!({
            "id": self.id(),
            "name": self.name,
            "type": IMAGE_VERSION_TYPE,
            "location": self.location,
            "tags": self.tags,
            "properties": {
                "publishingProfile": publishing,
                "storageProfile": storage,
                "safetyProfile": { "allowDeletionOfReplicatedLocations": false },
                "provisioningState": self.lifecycle.provisioning_state(now),
            },
        })
    }

    fn is_gone(&self, now: Instant) -> bool {
        self.lifecycle.is_gone(now)
    }
}

/// Why `name` is not a valid image version name, or `None` if it is: three 32-bit integers
/// separated by periods, `Major.Minor.Patch` (learn.microsoft.com "Store and share images in an
/// Azure Compute Gallery": "The format is MajorVersion.MinorVersion.Patch").
pub(crate) fn version_name_error(name: &str) -> Option<String> {
    let parts: Vec<&str> = name.split('.').collect();
    let valid = parts.len() == 3
        && parts
            .iter()
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()) && part.parse::<i32>().is_ok());
    (!valid).then(|| {
        format!(
            "The gallery image version name '{name}' is invalid. The version name should follow Major(int32).Minor(int32).Patch(int32) format, e.g. 1.0.0."
        )
    })
}

#[cfg(test)]
mod tests {
    use super::version_name_error;

    #[test]
    fn version_names_are_three_int32_parts() {
        for good in ["1.0.0", "0.0.1", "2024.1.10", "2147483647.0.0"] {
            assert_eq!(version_name_error(good), None, "{good}");
        }
        for bad in [
            "1.0",
            "1.0.0.0",
            "1.a.0",
            "1..0",
            "v1.0.0",
            "2147483648.0.0",
            "-1.0.0",
            "latest",
        ] {
            assert!(version_name_error(bad).is_some(), "{bad}");
        }
    }
}
