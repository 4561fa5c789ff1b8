//! The image template resource, its update parameters and its list.

use super::build::{ErrorHandling, ImageTemplateAutoRun, Optimize, Validate};
use super::customizer::ImageTemplateCustomizer;
use super::distributor::ImageTemplateDistributor;
use super::identity::ImageTemplateIdentity;
use super::source::ImageTemplateSource;
use super::state::{ImageTemplateLastRunStatus, ProvisioningError, ProvisioningState};
use super::vm_profile::{DataDisk, ImageTemplateVmProfile};
use arm_core::SystemData;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An image template (`Microsoft.VirtualMachineImages/imageTemplates`): the body of a create
/// and the answer of get, list and create.
///
/// Azure cannot update a template in place (a PUT on an existing one is `409 Conflict`): only
/// [`ImageTemplateUpdateParameters`] may change. `id`, `name`, `type` and `systemData` are set by
/// Azure and ignored in requests. Build one with [`ImageTemplateBuilder`](crate::ImageTemplateBuilder),
/// which refuses what Azure would refuse.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageTemplate {
    /// The resource id.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The template name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The resource type, `Microsoft.VirtualMachineImages/imageTemplates`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// Who created and last modified the template, and when.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_data: Option<SystemData>,
    /// The region the build runs in, e.g. `westeurope`.
    pub location: String,
    /// The resource tags.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// The managed identity of the build (required by Azure on create: one user-assigned identity).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<ImageTemplateIdentity>,
    /// The template itself.
    pub properties: ImageTemplateProperties,
}

/// The properties of an image template (`ImageTemplateProperties`).
///
/// The fields that api-version 2024-02-01 lacks (`optimize.workload`, `additionalDataDisks`,
/// the `replicationMode` of a gallery target) are left out when `None`, so that a template that
/// does not use them is accepted by the default api-version too.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageTemplateProperties {
    /// The image the build starts from.
    pub source: ImageTemplateSource,
    /// The customization steps, in order.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customize: Option<Vec<ImageTemplateCustomizer>>,
    /// Optimizations of the image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub optimize: Option<Optimize>,
    /// Validation of the image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub validate: Option<Validate>,
    /// Where the image goes (at least one target).
    pub distribute: Vec<ImageTemplateDistributor>,
    /// What happens to the build VM after an error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error_handling: Option<ErrorHandling>,
    /// The provisioning state; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_state: Option<ProvisioningState>,
    /// Why provisioning failed; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub provisioning_error: Option<ProvisioningError>,
    /// The state of the current or last run; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_run_status: Option<ImageTemplateLastRunStatus>,
    /// The build timeout in minutes: 0 or absent for 240, else 6 to 960.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build_timeout_in_minutes: Option<u32>,
    /// The build VM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm_profile: Option<ImageTemplateVmProfile>,
    /// Data disks added to the image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub additional_data_disks: Option<Vec<DataDisk>>,
    /// The resource id of the staging resource group (absent: Azure creates
    /// `IT_<resourceGroup>_<template>_<guid>` and deletes it with the template; given and
    /// existing: it must be empty and in the template's region, and is only emptied on delete).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub staging_resource_group: Option<String>,
    /// The staging resource group in use; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exact_staging_resource_group: Option<String>,
    /// Whether the template runs by itself once created.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_run: Option<ImageTemplateAutoRun>,
    /// Tags Azure puts on the resources it creates for the build (staging group, VM, storage).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub managed_resource_tags: Option<BTreeMap<String, String>>,
}

impl ImageTemplateProperties {
    /// Properties that build `source` into the `distribute` targets, with nothing else set.
    pub fn new(source: ImageTemplateSource, distribute: Vec<ImageTemplateDistributor>) -> Self {
        Self {
            source,
            customize: None,
            optimize: None,
            validate: None,
            distribute,
            error_handling: None,
            provisioning_state: None,
            provisioning_error: None,
            last_run_status: None,
            build_timeout_in_minutes: None,
            vm_profile: None,
            additional_data_disks: None,
            staging_resource_group: None,
            exact_staging_resource_group: None,
            auto_run: None,
            managed_resource_tags: None,
        }
    }
}

/// The body of a PATCH (`ImageTemplateUpdateParameters`): what may change on an existing
/// template.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageTemplateUpdateParameters {
    /// The new identity.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub identity: Option<ImageTemplateIdentity>,
    /// The new tags (replace the old ones).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tags: Option<BTreeMap<String, String>>,
    /// The new distribution targets or build VM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub properties: Option<ImageTemplateUpdateProperties>,
}

/// The properties a PATCH may change.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageTemplateUpdateProperties {
    /// The new distribution targets.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub distribute: Option<Vec<ImageTemplateDistributor>>,
    /// The new build VM.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm_profile: Option<ImageTemplateVmProfile>,
}

/// A page of templates (`ImageTemplateListResult`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImageTemplateListResult {
    /// The templates.
    #[serde(default)]
    pub value: Vec<ImageTemplate>,
    /// The URL of the next page.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}
