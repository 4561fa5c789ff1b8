//! Blob transfers (feature `storage`) on the official `azure_storage_blob` and
//! `azure_storage_sas` crates, with arm-core's transport (rustls with ring, custom CAs, test
//! redirects), retry policy and clock.
//!
//! - [`BlobEndpoint`]: a storage account's Blob endpoint from ARM
//!   (`properties.primaryEndpoints.blob`), never built from strings, so that national clouds,
//!   custom domains and the emulator work;
//! - [`BlobLocation`]: a blob and how to reach it, a bearer token ([`BlobAuth::Credential`]) or
//!   a SAS URL ([`SasUrl`], a [`Secret`](azure_core::credentials::Secret) that prints without
//!   its query);
//! - [`StorageClient::upload_file`] / [`StorageClient::upload_stream`]: a block blob with
//!   bounded memory (fixed-size blocks, a fixed number in flight, an MD5 per block, retries per
//!   block), one Put Blob for small data;
//! - [`StorageClient::user_delegation_sas`]: a read-only, https-only SAS for one blob, signed
//!   with a user delegation key;
//! - [`StorageClient::create_container_if_missing`] and [`StorageClient::delete_blob`]: a
//!   container made on demand and a blob deleted on the data plane, so that a data role
//!   (Storage Blob Data Contributor) is enough, with no ARM write right on the account;
//! - [`BlobEndpoint::find`] and [`BlobEndpoint::list_in_resource_group`]: accounts found by
//!   name in a subscription (as the Azure CLI resolves names) or listed in a resource group,
//!   through ARM's generic resource list;
//! - [`StorageClient::list_blobs`]: the blobs of a container under a prefix;
//! - [`StorageClient::read_range`] and [`StorageClient::follow_append_blob`]: range reads, and
//!   an append blob followed as it grows until its completion metadata appears;
//! - [`pipe`]: a bounded pipe from a blocking packer thread to an async upload, with the
//!   SHA-256 and size of what went through and an explicit end (a failed pack is an error,
//!   never a short archive);
//! - [`Progress`]: an indicatif bar on a terminal, a `tracing` line every few seconds otherwise.
//!
//! It lives in arm-core behind a feature rather than in a crate of its own because of the
//! workspace rule (ARCHITECTURE.md): each service crate (image-builder, acr-agentpool) depends
//! on arm-core only. The feature keeps that rule, and keeps the Blob crates out of the builds
//! of users that do not need them.
//!
//! ```no_run
//! use arm_core::ArmEnvironment;
//! use arm_core::storage::{BlobEndpoint, StorageClient, UploadOptions};
//! use std::time::Duration;
//!
//! # async fn run() -> Result<(), arm_core::storage::Error> {
//! let env = ArmEnvironment::from_env(&arm_core::ProcessEnv)?;
//! let arm = env.arm_client()?;
//! let endpoint = BlobEndpoint::resolve(&arm, env.require_subscription_id()?, "rg-build", "stbuild", None).await?;
//! let blob = endpoint.blob("artifacts", "run-42/artifacts.zip", env.credential()?)?;
//! let storage = StorageClient::for_environment(&env, None)?;
//! let options = UploadOptions { content_type: Some("application/zip".into()), ..Default::default() };
//! storage.upload_file(&blob, "artifacts.zip".as_ref(), Some(options)).await?;
//! // Read-only, https-only, this blob only, for two hours; prints as `https://...?<redacted>`.
//! let sas = storage.user_delegation_sas(&blob, Duration::from_secs(2 * 3600)).await?;
//! println!("artifacts at {sas}");
//! # Ok(()) }
//! ```

mod client;
mod delegation;
mod endpoint;
mod error;
mod find;
mod follow;
mod list;
mod location;
mod manage;
pub mod pipe;
mod progress;
mod read;
mod redact;
mod sas;
mod upload;

pub use client::{StorageClient, StorageClientOptions};
pub use delegation::MAX_USER_DELEGATION;
pub use endpoint::{BlobEndpoint, BlobEndpointOptions, DEFAULT_STORAGE_API_VERSION};
pub use error::Error;
pub use follow::{AppendFollower, FollowOptions};
pub use list::ListedBlob;
pub use location::{BlobAuth, BlobLocation};
pub use progress::{LogProgress, Progress, default_progress};
pub use sas::{SasResource, SasUrl};
pub use upload::{
    DEFAULT_BLOCK_SIZE, DEFAULT_BLOCKS_IN_FLIGHT, MAX_BLOCK_SIZE, MAX_BLOCKS, UploadOptions, UploadResult,
};
