//! Models of `Microsoft.VirtualMachineImages/imageTemplates` (and its `runOutputs` and
//! `triggers`), after the 2025-10-01 spec.
//!
//! The JSON is Azure's, field for field, and round-trips exactly (every example of the spec
//! deserializes and serializes back to the same JSON; a test walks the spec so that a property
//! the models lack fails):
//! - Optional fields are `Option`s and are left out when `None`; so are the fields newer than
//!   the default api-version [`DEFAULT_API_VERSION`](crate::DEFAULT_API_VERSION), which is why a
//!   template that does not use them is accepted by both.
//! - Optional arrays and maps are `Option<Vec<_>>` and `Option<BTreeMap<_, _>>` (Azure tells an
//!   absent array from an empty one); required ones are plain.
//! - String enums ([`arm_core::string_enum!`]) are `#[non_exhaustive]`, read known values
//!   case-insensitively and keep values this crate does not know in `Other(String)`.
//! - Polymorphic types (sources, customizers, validators, distributors, versioning schemes,
//!   triggers: the spec's `discriminator`s) are enums with one variant per kind, whose struct
//!   holds the kind's other properties ([`arm_core::tagged_union!`]); a kind this crate does not
//!   know is kept whole in `Other(Map)`, so that it round-trips. `kind()` gives the
//!   discriminator value.
//! - Times stay the RFC 3339 strings Azure sent; [`ImageTemplateLastRunStatus::started_at`] and
//!   [`ImageTemplateLastRunStatus::ended_at`] parse them.
//!
//! Properties the spec nests under `properties` are nested here too
//! (`template.properties.source`, `run_output.properties.artifact_id`).

mod build;
mod customizer;
mod distributor;
mod identity;
mod run_output;
mod source;
mod state;
mod template;
mod trigger;
mod validator;
mod vm_profile;

pub use arm_core::{CreatedByType, SystemData, UserAssignedIdentity};
pub use build::{
    AutoRunState, ErrorHandling, ImageTemplateAutoRun, OnBuildError, OptimizationState, Optimize, Validate,
    VmBootOptimization, WorkloadOptimization,
};
pub use customizer::{
    FileDownload, ImageTemplateCustomizer, PowerShellScript, ShellScript, WindowsRestart, WindowsUpdate,
};
pub use distributor::{
    DistributeVersioner, ImageTemplateDistributor, LatestVersioner, ManagedImageDistributor, ReplicationMode,
    SharedImageDistributor, SharedImageStorageAccountType, SourceVersioner, TargetRegion, VhdDistributor,
};
pub use identity::{ImageTemplateIdentity, ResourceIdentityType};
pub use run_output::{RunOutput, RunOutputCollection, RunOutputProperties};
pub use source::{
    ImageTemplateSource, ManagedImageSource, PlatformImagePurchasePlan, PlatformImageSource, SharedImageVersionSource,
};
pub use state::{
    ImageTemplateLastRunStatus, ProvisioningError, ProvisioningErrorCode, ProvisioningState, RunState, RunSubState,
};
pub use template::{
    ImageTemplate, ImageTemplateListResult, ImageTemplateProperties, ImageTemplateUpdateParameters,
    ImageTemplateUpdateProperties,
};
pub use trigger::{SourceImageTrigger, Trigger, TriggerCollection, TriggerProperties, TriggerStatus};
pub use validator::ImageTemplateInVmValidator;
pub use vm_profile::{DataDisk, ImageTemplateVmProfile, VirtualNetworkConfig};
