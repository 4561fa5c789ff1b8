//! How a build runs: optimization, validation, error handling and automatic runs.

use super::validator::ImageTemplateInVmValidator;
use serde::{Deserialize, Serialize};

/// Optimizations of the image (the `optimize` object of `ImageTemplateProperties`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Optimize {
    /// VM boot optimization.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub vm_boot: Option<VmBootOptimization>,
    /// Workload optimization (api-version 2025-10-01 and later).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workload: Option<WorkloadOptimization>,
}

/// VM boot optimization (`optimize.vmBoot`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VmBootOptimization {
    /// `Enabled` or `Disabled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<OptimizationState>,
}

/// Workload optimization (`optimize.workload`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadOptimization {
    /// `Enabled` or `Disabled`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<OptimizationState>,
    /// The URI of the script that exercises the workload.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script_uri: Option<String>,
    /// The SHA-256 of the script, lowercase hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256_checksum: Option<String>,
}

arm_core::string_enum! {
    /// Whether an optimization is on (the spec's `VMBootOptimizationState` and
    /// `WorkloadOptimizationState`).
    pub enum OptimizationState {
        /// On.
        Enabled = "Enabled",
        /// Off.
        Disabled = "Disabled",
    }
}

/// Validation of the image (the `validate` object of `ImageTemplateProperties`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Validate {
    /// Distribute even when validation fails (default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub continue_distribute_on_failure: Option<bool>,
    /// Validate the source image only, without building (default false).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_validation_only: Option<bool>,
    /// The validation steps run on a VM of the built image.
    #[serde(rename = "inVMValidations", skip_serializing_if = "Option::is_none")]
    pub in_vm_validations: Option<Vec<ImageTemplateInVmValidator>>,
}

/// What happens to the build VM when a step fails (the `errorHandling` object).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ErrorHandling {
    /// After a customizer error (default `cleanup`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_customizer_error: Option<OnBuildError>,
    /// After a validation error (default `cleanup`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub on_validation_error: Option<OnBuildError>,
}

arm_core::string_enum! {
    /// What happens to the build VM after an error.
    pub enum OnBuildError {
        /// Delete the build VM (default).
        Cleanup = "cleanup",
        /// Keep the build VM for inspection.
        Abort = "abort",
    }
}

/// Whether the template runs by itself once created (`ImageTemplateAutoRun`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageTemplateAutoRun {
    /// `Enabled` or `Disabled` (default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<AutoRunState>,
}

arm_core::string_enum! {
    /// Whether a template runs by itself once created.
    pub enum AutoRunState {
        /// Runs on creation.
        Enabled = "Enabled",
        /// Waits for a `run` (default).
        Disabled = "Disabled",
    }
}
