//! The Azure side of every subcommand: the shared session ([`AzureSession`]: the `AZ_*`/`AZURE_*`
//! environment, read and checked before anything is contacted) and the image templates client
//! built on it.

use crate::command::azure::AzureSession;
use arm_core::azure_core::credentials::TokenCredential;
use arm_core::storage::StorageClient;
use arm_core::{ArmClient, ConfigError};
use image_builder::ImageTemplatesClient;
use std::sync::Arc;

/// The clients of one invocation.
pub(super) struct Azure {
    /// The subscription (`AZ_SUBSCRIPTION_ID` or `AZURE_SUBSCRIPTION_ID`).
    pub subscription_id: String,
    /// ARM.
    pub arm: ArmClient,
    /// Image templates on `arm`.
    pub templates: ImageTemplatesClient,
    /// Blob transfers on the environment's transport.
    pub storage: StorageClient,
    /// The caller's credential (Blob data plane and user-delegation keys).
    pub credential: Arc<dyn TokenCredential>,
}

impl Azure {
    /// Reads the environment and builds the clients; an error names the variable at fault.
    pub fn from_env() -> Result<Azure, ConfigError> {
        let session = AzureSession::from_env()?;
        let templates = ImageTemplatesClient::from_arm(session.arm.clone(), &session.subscription_id)
            .map_err(|e| ConfigError::new("AZ_SUBSCRIPTION_ID", e.to_string()))?;
        Ok(Azure {
            subscription_id: session.subscription_id,
            arm: session.arm,
            templates,
            storage: session.storage,
            credential: session.credential,
        })
    }
}
