//! # arm-core
//!
//! The Azure Resource Manager plumbing of azure-ephemeral, shared by every service crate:
//!
//! - [`Cloud`]: the endpoints and scopes of `AzureCloud`, `AzureChinaCloud`,
//!   `AzureUSGovernment`, or a custom cloud (Azure Stack, the local emulator);
//! - [`credentials`]: a credential from environment variables (service principal, managed
//!   identity, workload identity, Azure CLI), with contradictions reported by variable name;
//! - [`ArmClient`]: an `azure_core` pipeline with a bearer token per try, bounded retries that
//!   honour `Retry-After`, a user agent and `x-ms-client-request-id`; each service client sends
//!   its own api-version, which its options can override;
//! - [`ServicePipeline`]: the request layer (request id, accept, retry marks, error mapping)
//!   that clients of services other than ARM (Azure DevOps) share with [`ArmClient`];
//! - [`LroPoller`]: long-running operations through `Azure-AsyncOperation`, `Location` or
//!   `provisioningState`, with a caller deadline;
//! - [`Pager`]: ARM lists (`value` + `nextLink`);
//! - [`Waiter`]: every wait of the workspace (min/max delay with jitter, a maximum wait, an
//!   acceptor over each poll's result, the [`Clock`]);
//! - [`Error`]: one error type carrying ARM's code, message, target, details, request ids and
//!   throttling information;
//! - [`ResourceId`]: parse, build and compare resource ids;
//! - [`SystemData`]: the `systemData` ARM adds to every resource, and
//!   [`UserAssignedIdentity`]: the ids of a resource's user-assigned identity;
//! - [`string_enum!`]: the extensible, case-insensitive string enums of Azure's APIs, and
//!   [`tagged_union!`]: their polymorphic types, which keep a kind they do not know;
//! - [`resource_groups`]: the resource group client.
//!
//! ```no_run
//! use arm_core::{ArmEnvironment, ProcessEnv};
//! use arm_core::resource_groups::{ResourceGroup, ResourceGroupsClient};
//!
//! # async fn run() -> Result<(), arm_core::Error> {
//! // AZ_CLOUD, AZ_TENANT_ID, AZ_SERVICE_PRINCIPAL, AZ_SERVICE_PRINCIPAL_KEY, AZ_SUBSCRIPTION_ID ...
//! let env = ArmEnvironment::from_env(&ProcessEnv)?;
//! let groups = ResourceGroupsClient::from_arm(env.arm_client()?, env.require_subscription_id()?)?;
//! groups.create_or_update("rg-agents", &ResourceGroup::new("westeurope"), None).await?;
//! let poller = groups.begin_delete("rg-agents", None).await?;
//! poller.await?;
//! # Ok(()) }
//! ```
//!
//! TLS is rustls with the `ring` provider; no OpenSSL and no aws-lc.

mod client;
mod clock;
mod cloud;
pub mod credentials;
mod env;
mod environment;
mod error;
mod headers;
mod lro;
mod pager;
mod pipeline;
pub mod resource_groups;
mod resource_id;
mod retry;
mod service;
#[cfg(feature = "storage")]
pub mod storage;
mod string_enum;
mod subscription_scope;
mod system_data;
mod tagged_union;
#[cfg(feature = "test-support")]
pub mod test_support;
mod transport;
mod user_assigned_identity;
mod waiter;

pub use client::{ArmClient, ArmClientOptions, ArmRequest, ArmResponse, RequestOptions};
pub use clock::{Clock, TokioClock};
pub use cloud::{
    AZ_ARM_ENDPOINT, AZ_AUTHORITY_HOST, AZ_CLOUD, AZ_DEVOPS_ENDPOINT, AZ_STORAGE_SUFFIX, AZURE_DEVOPS_SCOPE, Cloud,
    CloudKind,
};
pub use env::{EnvSource, ProcessEnv, duration_var, is_guid, is_tenant, parse_duration};
pub use environment::{AZ_SUBSCRIPTION_ID, AZURE_SUBSCRIPTION_ID, ArmEnvironment};
pub use error::{
    ArmErrorAdditionalInfo, ArmErrorBody, ConfigError, Error, OperationFailure, ServiceError, Throttling,
    url_without_query,
};
pub use headers::header;
pub use lro::{LAST_REQUEST_GRACE, LroPoller, LroStatus, PollOptions};
pub use pager::Pager;
pub use pipeline::pipeline;
pub use resource_id::{ResourceId, ResourceIdError};
pub use retry::{Deadline, Idempotent, RetryOptions, RetryPolicy};
pub use service::ServicePipeline;
pub use subscription_scope::{BeginOptions, ResourceType, SubscriptionClient, SubscriptionScope};
pub use system_data::{CreatedByType, SystemData};
pub use transport::{
    AZ_CA_BUNDLE, AZURE_POD_IDENTITY_AUTHORITY_HOST, DEFAULT_READ_TIMEOUT, HttpTransport, HttpTransportBuilder,
};
pub use user_assigned_identity::UserAssignedIdentity;
pub use waiter::{Acceptance, Backoff, WaitError, Waiter, WaiterOptions};

/// Re-exported so that users name the same `azure_core` as arm-core.
pub use azure_core;

/// What the macros of this crate expand to; not a public API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
}

/// The code of README.md, compiled as doctests so that it stays true.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;
