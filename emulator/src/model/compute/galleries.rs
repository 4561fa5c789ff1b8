//! Galleries (`Microsoft.Compute/galleries`) and their image definitions
//! (`Microsoft.Compute/galleries/images`), in the shapes of the GalleryRP specification
//! (learn.microsoft.com "Galleries - Get", "Gallery Images - Get").

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{Map, Value, json};

use super::lifecycle::Lifecycle;
use crate::model::ids;
use crate::model::store::Stored;

/// The gallery resource type.
pub(crate) const GALLERY_TYPE: &str = "Microsoft.Compute/galleries";

/// The image definition resource type.
pub(crate) const IMAGE_DEFINITION_TYPE: &str = "Microsoft.Compute/galleries/images";

/// An Azure Compute Gallery.
#[derive(Clone, Debug)]
pub(crate) struct Gallery {
    pub subscription_id: String,
    pub resource_group: String,
    /// Letters, digits, underscores and periods, at most 80 characters.
    pub name: String,
    pub location: String,
    pub tags: BTreeMap<String, String>,
    pub description: Option<String>,
    pub lifecycle: Lifecycle,
}

impl Gallery {
    /// Its ARM id.
    pub fn id(&self) -> String {
        ids::resource(&self.subscription_id, &self.resource_group, GALLERY_TYPE, &self.name)
    }
}

impl Stored for Gallery {
    fn id(&self) -> String {
        Gallery::id(self)
    }

    /// `identifier.uniqueName` is `{subscriptionId}-{NAME}`, the name in capitals, as Azure
    /// reports it.
    fn to_json(&self, now: Instant) -> Value {
        let mut properties = json!({
            "identifier": { "uniqueName": format!("{}-{}", self.subscription_id, self.name.to_uppercase()) },
            "provisioningState": self.lifecycle.provisioning_state(now),
        });
        if let Some(description) = &self.description {
            properties["description"] = description.as_str().into();
        }
        json!({
            "id": self.id(),
            "name": self.name,
            "type": GALLERY_TYPE,
            "location": self.location,
            "tags": self.tags,
            "properties": properties,
        })
    }

    fn is_gone(&self, now: Instant) -> bool {
        self.lifecycle.is_gone(now)
    }
}

/// The publisher, offer and SKU that identify an image definition in its gallery.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ImageIdentifier {
    pub publisher: String,
    pub offer: String,
    pub sku: String,
}

/// An image definition of a gallery.
#[derive(Clone, Debug)]
pub(crate) struct GalleryImage {
    /// The ARM id of its gallery.
    pub gallery_id: String,
    /// Letters, digits, hyphens, underscores and periods, at most 80 characters, starting and
    /// ending with a letter or digit.
    pub name: String,
    pub location: String,
    pub tags: BTreeMap<String, String>,
    /// `Linux` or `Windows`.
    pub os_type: String,
    /// `Generalized` or `Specialized`.
    pub os_state: String,
    /// `V1` (Azure's default) or `V2`.
    pub hyper_v_generation: String,
    pub identifier: ImageIdentifier,
    /// `x64` (Azure's default) or `Arm64`.
    pub architecture: String,
    /// The other `properties` of the request (`description`, `eula`, `features`, `recommended`,
    /// `endOfLifeDate`, ...), kept and echoed without being modelled.
    pub other_properties: Map<String, Value>,
    pub lifecycle: Lifecycle,
}

impl Stored for GalleryImage {
    fn id(&self) -> String {
        format!("{}/images/{}", self.gallery_id, self.name)
    }

    fn to_json(&self, now: Instant) -> Value {
        let mut properties = self.other_properties.clone();
        let computed = json!({
            "osType": self.os_type,
            "osState": self.os_state,
            "hyperVGeneration": self.hyper_v_generation,
            "architecture": self.architecture,
            "identifier": {
                "publisher": self.identifier.publisher,
                "offer": self.identifier.offer,
                "sku": self.identifier.sku,
            },
            "provisioningState": self.lifecycle.provisioning_state(now),
        });
        if let Value::Object(computed) = computed {
            properties.extend(computed);
        }
        json!({
            "id": self.id(),
            "name": self.name,
            "type": IMAGE_DEFINITION_TYPE,
            "location": self.location,
            "tags": self.tags,
            "properties": properties,
        })
    }

    fn is_gone(&self, now: Instant) -> bool {
        self.lifecycle.is_gone(now)
    }
}
