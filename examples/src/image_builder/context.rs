//! The Azure side of every subcommand: the environment (`AZ_*`/`AZURE_*`, read and checked
//! before anything is contacted) and the clients built on it.

use arm_core::azure_core::credentials::TokenCredential;
use arm_core::azure_core::http::ClientOptions;
use arm_core::storage::StorageClient;
use arm_core::{ArmClient, ArmClientOptions, ArmEnvironment, ConfigError};
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
        let environment = ArmEnvironment::from_env(&arm_core::ProcessEnv).map_err(crate::env_config::arm_config)?;
        let subscription_id = environment
            .require_subscription_id()
            .map_err(crate::env_config::arm_config)?
            .to_owned();
        arm_core::resource_groups::validate_subscription_id(&subscription_id)
            .map_err(|e| ConfigError::new("AZ_SUBSCRIPTION_ID", e.to_string()))?;
        let credential = environment.credential().map_err(crate::env_config::arm_config)?;
        let options = ArmClientOptions {
            client_options: ClientOptions {
                transport: Some(environment.transport.to_transport()),
                ..ClientOptions::default()
            },
            ..ArmClientOptions::default()
        };
        let arm = ArmClient::new(&environment.cloud, credential.clone(), Some(options))
            .map_err(crate::env_config::arm_config)?;
        let templates = ImageTemplatesClient::from_arm(arm.clone(), &subscription_id)
            .map_err(|e| ConfigError::new("AZ_SUBSCRIPTION_ID", e.to_string()))?;
        let storage = StorageClient::for_environment(&environment, None)
            .map_err(|e| ConfigError::new("AZ_CA_BUNDLE", e.to_string()))?;
        Ok(Azure {
            subscription_id,
            arm,
            templates,
            storage,
            credential,
        })
    }
}
