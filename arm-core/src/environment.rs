//! Everything a process needs to talk to ARM, read from its environment.

use crate::client::{ArmClient, ArmClientOptions};
use crate::cloud::Cloud;
use crate::credentials::CredentialSource;
use crate::env::EnvSource;
use crate::error::{ConfigError, Error};
use crate::transport::HttpTransport;
use azure_core::credentials::TokenCredential;
use std::sync::Arc;

/// `AZ_SUBSCRIPTION_ID`: the subscription to work in (seed image name).
pub const AZ_SUBSCRIPTION_ID: &str = "AZ_SUBSCRIPTION_ID";
/// `AZURE_SUBSCRIPTION_ID`: the standard Azure SDK name of the subscription id.
pub const AZURE_SUBSCRIPTION_ID: &str = "AZURE_SUBSCRIPTION_ID";

/// The cloud, transport, credential and subscription a process was configured with.
///
/// ```
/// use std::collections::BTreeMap;
///
/// let env: BTreeMap<String, String> = [
///     ("AZ_CLOUD", "AzureUSGovernment"),
///     ("AZ_MANAGED_IDENTITY", "true"),
///     ("AZ_SUBSCRIPTION_ID", "00000000-0000-0000-0000-000000000000"),
/// ].into_iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
/// let arm = arm_core::ArmEnvironment::from_env(&env)?;
/// assert_eq!(arm.cloud.arm_scope(), "https://management.usgovcloudapi.net/.default");
/// assert_eq!(arm.credential_source.kind(), "system-assigned managed identity");
/// # Ok::<(), arm_core::Error>(())
/// ```
#[derive(Clone, Debug)]
pub struct ArmEnvironment {
    /// The cloud (`AZ_CLOUD`, `AZ_ARM_ENDPOINT`, `AZ_AUTHORITY_HOST`).
    pub cloud: Cloud,
    /// The transport (`AZ_CA_BUNDLE`, `AZURE_POD_IDENTITY_AUTHORITY_HOST`).
    pub transport: HttpTransport,
    /// The credential to build (see [`crate::credentials`]).
    pub credential_source: CredentialSource,
    /// The subscription (`AZ_SUBSCRIPTION_ID` or `AZURE_SUBSCRIPTION_ID`), if set.
    pub subscription_id: Option<String>,
}

impl ArmEnvironment {
    /// Reads and checks every setting; nothing is contacted.
    pub fn from_env(env: &dyn EnvSource) -> Result<Self, Error> {
        let cloud = Cloud::from_env(env)?;
        let credential_source = CredentialSource::from_env(env)?;
        let transport = HttpTransport::from_env(env)?;
        let subscription_id = match (env.var(AZ_SUBSCRIPTION_ID), env.var(AZURE_SUBSCRIPTION_ID)) {
            (Some(a), Some(b)) if a != b => {
                return Err(ConfigError::new(
                    AZ_SUBSCRIPTION_ID,
                    "disagrees with AZURE_SUBSCRIPTION_ID: set one of them, or the same value in both",
                )
                .into());
            }
            (a, b) => a.or(b),
        };
        Ok(Self {
            cloud,
            transport,
            credential_source,
            subscription_id,
        })
    }

    /// The subscription id, or an error naming the variable when it is unset.
    pub fn require_subscription_id(&self) -> Result<&str, Error> {
        self.subscription_id.as_deref().ok_or_else(|| {
            ConfigError::new(
                AZ_SUBSCRIPTION_ID,
                "is missing (or AZURE_SUBSCRIPTION_ID): expected the id of the subscription to work in",
            )
            .into()
        })
    }

    /// Builds the credential, talking to the cloud's authority host through the transport.
    pub fn credential(&self) -> Result<Arc<dyn TokenCredential>, Error> {
        self.credential_source.build(&self.cloud, &self.transport)
    }

    /// An [`ArmClient`] for this environment.
    pub fn arm_client(&self) -> Result<ArmClient, Error> {
        self.arm_client_with(ArmClientOptions::default())
    }

    /// An [`ArmClient`] for this environment with `options` (retry, clock, policies); the
    /// environment's transport is used unless `options` names one.
    pub fn arm_client_with(&self, mut options: ArmClientOptions) -> Result<ArmClient, Error> {
        if options.client_options.transport.is_none() {
            options.client_options.transport = Some(self.transport.to_transport());
        }
        ArmClient::new(&self.cloud, self.credential()?, Some(options))
    }
}
