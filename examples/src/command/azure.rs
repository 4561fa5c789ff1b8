//! The Azure side every tool starts from: the environment (`AZ_*`/`AZURE_*`, read and checked
//! before anything is contacted: the login, the cloud, the subscription, extra CA roots), the ARM
//! client and the Blob client on its transport.

use arm_core::azure_core::credentials::TokenCredential;
use arm_core::azure_core::http::ClientOptions;
use arm_core::storage::StorageClient;
use arm_core::{ArmClient, ArmClientOptions, ArmEnvironment, ConfigError};
use std::sync::Arc;

/// The `--help` paragraph on the Azure login and subscription of the multi-command tools, as a
/// literal for `concat!` in clap's `after_help`.
macro_rules! azure_login_help {
    () => {
        "Azure login and subscription: AZ_SUBSCRIPTION_ID (or AZURE_SUBSCRIPTION_ID), AZ_CLOUD, \
AZ_TENANT_ID/AZ_SERVICE_PRINCIPAL/AZ_SERVICE_PRINCIPAL_KEY (or AZURE_TENANT_ID/AZURE_CLIENT_ID/AZURE_CLIENT_SECRET), \
AZ_MANAGED_IDENTITY, AZURE_FEDERATED_TOKEN_FILE, AZ_CA_BUNDLE; with none of these, the Azure CLI's login."
    };
}
pub(crate) use azure_login_help;

/// The clients of one invocation that every tool needs.
pub(crate) struct AzureSession {
    /// The subscription (`AZ_SUBSCRIPTION_ID` or `AZURE_SUBSCRIPTION_ID`), a GUID.
    pub subscription_id: String,
    /// ARM, on the environment's cloud, credential and transport.
    pub arm: ArmClient,
    /// Blob transfers on the environment's transport.
    pub storage: StorageClient,
    /// The caller's credential (Blob data plane, user-delegation keys).
    pub credential: Arc<dyn TokenCredential>,
}

impl AzureSession {
    /// Reads the process environment and builds the clients; an error names the variable at
    /// fault.
    pub fn from_env() -> Result<AzureSession, ConfigError> {
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
        let storage = StorageClient::for_environment(&environment, None)
            .map_err(|e| ConfigError::new("AZ_CA_BUNDLE", e.to_string()))?;
        Ok(AzureSession {
            subscription_id,
            arm,
            storage,
            credential,
        })
    }
}
