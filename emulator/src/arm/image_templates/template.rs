//! An image template as the provider keeps it: what the PUT asked for, its provisioning (which
//! may have failed), its staging resource group, its last run and the run's outputs, and its
//! ARM JSON (learn.microsoft.com "Virtual Machine Image Templates - Get").

use std::collections::BTreeMap;
use std::time::Instant;

use serde_json::{Map, Value, json};

use super::run::Run;
use crate::model::compute::{self, PlatformImage};
use crate::model::{World, ids};
use crate::model::resource_groups::Deletion;
use crate::model::store::Stored;

/// The resource type.
pub(super) const TEMPLATE_TYPE: &str = "Microsoft.VirtualMachineImages/imageTemplates";

/// Why a template's provisioning failed (`properties.provisioningError`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct ProvisioningError {
    /// One of the spec's `provisioningErrorCode` values.
    pub code: &'static str,
    pub message: String,
}

/// The staging resource group of a template and the storage account in it.
#[derive(Clone, Debug)]
pub(super) struct Staging {
    /// The group's id (`exactStagingResourceGroup`).
    pub group_id: String,
    /// Whether Image Builder created it (then the template's deletion deletes it; a group the
    /// caller gave is emptied instead).
    pub created: bool,
    /// The storage account holding `packerlogs` (random name).
    pub account: String,
}

/// A run output: what a distributor made.
#[derive(Clone, Debug)]
pub(super) struct RunOutput {
    pub name: String,
    /// `artifactId` (managed image, gallery image version).
    pub artifact_id: Option<String>,
    /// `artifactUri` (VHD).
    pub artifact_uri: Option<String>,
}

/// An image template.
#[derive(Clone, Debug)]
pub(super) struct ImageTemplate {
    pub subscription_id: String,
    pub resource_group: String,
    pub name: String,
    pub location: String,
    pub tags: BTreeMap<String, String>,
    /// `identity` as answered (each user-assigned identity with its principal and client ids).
    pub identity: Value,
    /// The object id of its user-assigned identity.
    pub principal_id: Option<String>,
    /// The writable `properties` as given.
    pub properties: Map<String, Value>,
    /// When its creation ends (`Creating` before).
    pub provisioned_at: Instant,
    /// Why the creation failed, if it did.
    pub provisioning_error: Option<ProvisioningError>,
    pub staging: Option<Staging>,
    /// The last run.
    pub run: Option<Run>,
    /// The outputs of the last run that made any.
    pub outputs: Vec<RunOutput>,
    /// The deletion in progress.
    pub deletion: Option<Deletion>,
}

impl ImageTemplate {
    /// Its ARM id.
    pub fn id(&self) -> String {
        ids::resource(&self.subscription_id, &self.resource_group, TEMPLATE_TYPE, &self.name)
    }

    /// `Creating`, `Failed`, `Succeeded` or `Deleting` at `now`.
    pub fn provisioning_state(&self, now: Instant) -> &'static str {
        if self.deletion.is_some() {
            "Deleting"
        } else if now < self.provisioned_at {
            "Creating"
        } else if self.provisioning_error.is_some() {
            "Failed"
        } else {
            "Succeeded"
        }
    }

    /// The distributors (`properties.distribute`).
    pub fn distributors(&self) -> &[Value] {
        self.properties
            .get("distribute")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }

    /// The platform image of a `PlatformImage` source in the template's region (its `version`,
    /// `latest` when left out, resolved), if it exists.
    pub fn platform_source(&self, world: &World, now: Instant) -> Option<PlatformImage> {
        let source = self.properties.get("source")?;
        let text = |key: &str| source.get(key).and_then(Value::as_str).unwrap_or_default();
        let version = Some(text("version")).filter(|v| !v.is_empty()).unwrap_or("latest");
        compute::platform_image(
            world,
            &self.location,
            text("publisher"),
            text("offer"),
            text("sku"),
            version,
            now,
        )
    }

    /// The customizers (`properties.customize`).
    pub fn customizers(&self) -> &[Value] {
        self.properties
            .get("customize")
            .and_then(Value::as_array)
            .map_or(&[], Vec::as_slice)
    }
}

impl Stored for ImageTemplate {
    fn id(&self) -> String {
        ImageTemplate::id(self)
    }

    fn to_json(&self, now: Instant) -> Value {
        let mut properties = self.properties.clone();
        properties.insert("provisioningState".into(), self.provisioning_state(now).into());
        if let Some(error) = self.provisioning_error.as_ref().filter(|_| now >= self.provisioned_at) {
            properties.insert(
                "provisioningError".into(),
                json!({ "provisioningErrorCode": error.code, "message": error.message }),
            );
        }
        if let Some(staging) = &self.staging {
            properties.insert("exactStagingResourceGroup".into(), staging.group_id.clone().into());
        }
        if let Some(run) = &self.run {
            properties.insert("lastRunStatus".into(), run.status_json(now));
            run.add_exact_versions(&mut properties);
        }
        let mut body = json!({
            "id": self.id(),
            "name": self.name,
            "type": TEMPLATE_TYPE,
            "location": self.location,
            "identity": self.identity,
            "properties": properties,
        });
        if !self.tags.is_empty() {
            body["tags"] = json!(self.tags);
        }
        body
    }

    fn is_gone(&self, now: Instant) -> bool {
        self.deletion.as_ref().is_some_and(|deletion| deletion.until <= now)
    }
}

impl RunOutput {
    /// The `RunOutput` JSON, for the template with id `template_id`.
    pub fn to_json(&self, template_id: &str) -> Value {
        let mut properties = json!({ "provisioningState": "Succeeded" });
        if let Some(id) = &self.artifact_id {
            properties["artifactId"] = json!(id);
        }
        if let Some(uri) = &self.artifact_uri {
            properties["artifactUri"] = json!(uri);
        }
        json!({
            "id": format!("{template_id}/runOutputs/{}", self.name),
            "name": self.name,
            "type": format!("{TEMPLATE_TYPE}/runOutputs"),
            "properties": properties,
        })
    }
}
