//! Managed images (`Microsoft.Compute/images`), in the shape of the ComputeRP specification
//! (learn.microsoft.com "Images - Get").

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{Value, json};
use time::OffsetDateTime;

use super::lifecycle::Lifecycle;
use crate::clock::rfc3339;
use crate::model::ids;
use crate::model::store::Stored;

/// The managed image resource type.
pub(crate) const IMAGE_TYPE: &str = "Microsoft.Compute/images";

/// What a managed image was made from: a generalized virtual machine, or an OS disk given as a
/// VHD blob, a managed disk or a snapshot.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum ImageSource {
    /// `properties.sourceVirtualMachine.id`.
    VirtualMachine(String),
    /// `storageProfile.osDisk.blobUri`.
    Blob(String),
    /// `storageProfile.osDisk.managedDisk.id`.
    ManagedDisk(String),
    /// `storageProfile.osDisk.snapshot.id`.
    Snapshot(String),
}

/// A managed image.
#[derive(Clone, Debug)]
pub(crate) struct ManagedImage {
    pub subscription_id: String,
    pub resource_group: String,
    /// 1-80 letters, digits, underscores, periods and hyphens.
    pub name: String,
    pub location: String,
    pub tags: BTreeMap<String, String>,
    /// `Linux` or `Windows`.
    pub os_type: String,
    /// `Generalized` or `Specialized`.
    pub os_state: String,
    /// `V1` (Azure's default) or `V2`.
    pub hyper_v_generation: String,
    /// What it was made from.
    pub source: ImageSource,
    /// `storageProfile.dataDisks`, echoed as given.
    pub data_disks: Vec<Value>,
    /// `storageProfile.zoneResilient`.
    pub zone_resilient: bool,
    /// When it was created (`systemData.createdAt`).
    pub created: OffsetDateTime,
    pub lifecycle: Lifecycle,
}

impl ManagedImage {
    /// Its ARM id.
    pub fn id(&self) -> String {
        ids::resource(&self.subscription_id, &self.resource_group, IMAGE_TYPE, &self.name)
    }
}

impl Stored for ManagedImage {
    fn id(&self) -> String {
        ManagedImage::id(self)
    }

    fn to_json(&self, now: Instant) -> Value {
        let mut os_disk = json!({
            "osType": self.os_type,
            "osState": self.os_state,
            "caching": "ReadWrite",
            "storageAccountType": "Standard_LRS",
        });
        let mut properties = json!({
            "storageProfile": {
                "osDisk": {},
                "dataDisks": self.data_disks,
                "zoneResilient": self.zone_resilient,
            },
            "provisioningState": self.lifecycle.provisioning_state(now),
            "hyperVGeneration": self.hyper_v_generation,
        });
        match &self.source {
            ImageSource::VirtualMachine(id) => properties["sourceVirtualMachine"] = json!({ "id": id }),
            ImageSource::Blob(uri) => os_disk["blobUri"] = uri.as_str().into(),
            ImageSource::ManagedDisk(id) => os_disk["managedDisk"] = json!({ "id": id }),
            ImageSource::Snapshot(id) => os_disk["snapshot"] = json!({ "id": id }),
        }
        properties["storageProfile"]["osDisk"] = os_disk;
        json!({
            "id": self.id(),
            "name": self.name,
            "type": IMAGE_TYPE,
            "location": self.location,
            "tags": self.tags,
            "properties": properties,
            "systemData": { "createdAt": rfc3339(self.created), "lastModifiedAt": rfc3339(self.created) },
        })
    }

    fn is_gone(&self, now: Instant) -> bool {
        self.lifecycle.is_gone(now)
    }
}
