//! # image-builder
//!
//! Azure VM Image Builder on arm-core. This part holds no IO:
//! - [`model`]: the types of `Microsoft.VirtualMachineImages/imageTemplates`, their run outputs
//!   and triggers, after the 2025-10-01 spec;
//! - [`ImageTemplateBuilder`]: builds a template and refuses, before any request, what Azure
//!   would refuse, with one line naming the input and the rule;
//! - [`SourceImage`]: the source strings of the Image Builder DevOps task
//!   (`Publisher:Offer:Sku[:Version]`, a managed image id, a gallery image version id).
//!
//! On top of it, the IO layers:
//! - [`ImageTemplatesClient`] and [`TriggersClient`]: the ARM operations, in the project's
//!   client shape (`begin_*` long-running operations, per-method options, api-version override);
//! - [`artifacts`]: a folder packed as a stream (`tar.gz`/`zip`), its SHA-256, the upload, a
//!   user-delegation SAS or none, and the File and unpack steps of the template;
//! - [`runs`]: the run's phases as they change, cancel that waits, delete that cancels first,
//!   create that clears a `Failed` template;
//! - [`diagnostics`]: the `customization.log` of a failed run and its failing provisioner;
//! - [`flow`]: the DevOps task's whole flow with a cancellation input and a cleanup guard.
//!
//! ```
//! use image_builder::{ImageTemplateBuilder, SourceImage};
//! use image_builder::model::{ManagedImageDistributor, ShellScript};
//!
//! let template = ImageTemplateBuilder::new("t_1700000000000", "westeurope")
//!     .identity("/subscriptions/s/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/aib")
//!     .source(SourceImage::parse("Canonical:ubuntu-24_04-lts:server")?.into_source())
//!     .customize(ShellScript::inline("install", ["sudo apt-get update"]))
//!     .distribute(ManagedImageDistributor {
//!         run_output_name: "image".into(),
//!         image_id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/images/app".into(),
//!         location: "westeurope".into(),
//!         artifact_tags: None,
//!     })
//!     .build()?;
//! assert_eq!(template.properties.distribute.len(), 1);
//! # Ok::<(), image_builder::Error>(())
//! ```

pub mod artifacts;
mod builder;
mod client;
pub mod diagnostics;
mod error;
pub mod flow;
pub mod model;
pub mod runs;
mod source_image;

pub use builder::{
    ImageTemplateBuilder, MAX_BUILD_TIMEOUT_MINUTES, MIN_BUILD_TIMEOUT_MINUTES, validate_template,
    validate_template_name,
};
pub use client::{BeginOptions, ImageTemplatesClient, ImageTemplatesClientOptions, TriggersClient};
pub use error::Error;
pub use source_image::{SourceImage, task_variables};

/// The api-version the clients of this crate use unless told otherwise: `2024-02-01`.
///
/// Chosen for reach: national clouds (Azure China, Azure US Government) and some regions get a
/// new api-version of Image Builder long after public Azure, and 2024-02-01 already has what
/// the task flow needs (isolated builds with `containerInstanceSubnetId`, gallery
/// `targetRegions` and `versioning`, `errorHandling`, `autoRun`, `managedResourceTags`).
/// [`LATEST_API_VERSION`] (2025-10-01) is the newest GA version and the one the [`model`]s
/// follow; the fields 2024-02-01 lacks are left out of a request when unset, so the same models
/// serve both. Every client takes an api-version override.
pub const DEFAULT_API_VERSION: &str = "2024-02-01";

/// The newest GA api-version, the one the [`model`]s follow: `2025-10-01`.
pub const LATEST_API_VERSION: &str = "2025-10-01";
