//! Models of `Microsoft.ContainerRegistry` agent pools, runs and their run requests, tasks and
//! their triggers, and task runs, after the 2025-03-01-preview spec; and of registries, after
//! the stable `containerregistry.json` (see [`Registry`]).
//!
//! The JSON is Azure's, field for field, and round-trips exactly (every example of the spec
//! deserializes and serializes back to the same JSON; a test walks the spec so that a property
//! the models lack fails):
//! - Optional fields are `Option`s and are left out when `None`; list results' `value` is a
//!   plain `Vec` (empty when absent), as image-builder's.
//! - String enums ([`arm_core::string_enum!`]) are `#[non_exhaustive]`, read known values
//!   case-insensitively and keep values this crate does not know in `Other(String)`.
//! - Polymorphic types (run requests and task steps, the spec's `discriminator: type`) are
//!   enums tagged by `type` ([`arm_core::tagged_union!`]), one variant per kind, whose struct
//!   holds the kind's properties (the base's included); a kind of a newer api-version is kept
//!   whole in `Other(Map)`, so that a task or task run carrying it still reads and round-trips.
//!   `kind()` gives the discriminator value.
//! - Times stay the RFC 3339 strings Azure sent; [`RunProperties`] parses them on demand.
//! - Secrets (argument and value contents, registry passwords, repository tokens, SAS URLs)
//!   are [`Secret`](arm_core::azure_core::credentials::Secret)s: written in request bodies (a
//!   body must carry them), never shown by `Debug`.

mod agent_pool;
mod common;
mod registry;
mod rfc3339;
mod run;
mod run_request;
mod task;
mod task_run;
mod tier;
mod trigger;

pub use agent_pool::{
    AgentPool, AgentPoolListResult, AgentPoolProperties, AgentPoolPropertiesUpdateParameters, AgentPoolQueueStatus,
    AgentPoolUpdateParameters,
};
pub use arm_core::{CreatedByType, SystemData};
pub use common::{
    AgentProperties, Architecture, Argument, Credentials, CustomRegistryCredentials, IdentityProperties,
    ImageDescriptor, Os, PlatformProperties, PlatformUpdateParameters, ProvisioningState, ResourceIdentityType,
    SecretObject, SecretObjectType, SetValue, SourceRegistryCredentials, SourceRegistryLoginMode,
    UserIdentityProperties, Variant,
};
pub use registry::{Registry, RegistryListResult, RegistryProperties, Sku, SkuName, SkuTier, SourceUploadDefinition};
pub use run::{
    ImageUpdateTrigger, Run, RunGetLogResult, RunListResult, RunProperties, RunStatus, RunType, RunUpdateParameters,
    SourceTriggerDescriptor, TimerTriggerDescriptor,
};
pub use run_request::{
    DockerBuildRequest, EncodedTaskRunRequest, FileTaskRunRequest, OverrideTaskStepProperties, RunRequest,
    TaskRunRequest,
};
pub use task::{
    BaseImageDependency, BaseImageDependencyType, DockerBuildStep, DockerBuildStepUpdateParameters, EncodedTaskStep,
    EncodedTaskStepUpdateParameters, FileTaskStep, FileTaskStepUpdateParameters, Task, TaskListResult, TaskProperties,
    TaskPropertiesUpdateParameters, TaskStatus, TaskStepProperties, TaskStepUpdateParameters, TaskUpdateParameters,
};
pub use task_run::{
    TaskRun, TaskRunListResult, TaskRunProperties, TaskRunPropertiesUpdateParameters, TaskRunUpdateParameters,
};
pub use tier::Tier;
pub use trigger::{
    AuthInfo, AuthInfoUpdateParameters, BaseImageTrigger, BaseImageTriggerType, BaseImageTriggerUpdateParameters,
    SourceControlType, SourceProperties, SourceTrigger, SourceTriggerEvent, SourceTriggerUpdateParameters,
    TimerTrigger, TimerTriggerUpdateParameters, TokenType, TriggerProperties, TriggerStatus, TriggerUpdateParameters,
    UpdateTriggerPayloadType,
};
