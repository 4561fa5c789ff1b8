//! Self-deletion: a process running in a container group deletes that group, configured the
//! way the seed agent image was (`AZ_ACI_NAME`, `AZ_ACI_RG`, `AZ_SUBSCRIPTION_ID`, `AZ_CLOUD` and
//! arm-core's credential variables).

use crate::client::ContainerGroupsClient;
use crate::error::Error;
use crate::validation;
use arm_core::SubscriptionClient;
use arm_core::azure_core::http::{Method, StatusCode};
use arm_core::credentials::CredentialSource;
use arm_core::{AZ_SUBSCRIPTION_ID, ArmClientOptions, ArmEnvironment, EnvSource, HttpTransport, RetryOptions};
use std::time::Duration;

/// `AZ_ACI_NAME`: the name of the container group to delete.
pub const AZ_ACI_NAME: &str = "AZ_ACI_NAME";
/// `AZ_ACI_RG`: the resource group of that container group.
pub const AZ_ACI_RG: &str = "AZ_ACI_RG";

/// The default bound on the whole self-deletion, retries included.
pub const DEFAULT_TOTAL_TIMEOUT: Duration = Duration::from_secs(60);

/// How a self-deletion ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SelfDeleteOutcome {
    /// None of `AZ_ACI_NAME`, `AZ_ACI_RG`, `AZ_SUBSCRIPTION_ID` is set: nothing to delete, the
    /// process just stops (the seed image's behaviour).
    NotConfigured,
    /// Azure accepted the deletion (200 or 202); it completes after this process is gone.
    Accepted,
    /// The group was already gone (204 or 404).
    AlreadyGone,
}

/// The deletion of the container group this process runs in.
///
/// ```no_run
/// use aci_lifecycle::self_delete::{SelfDelete, SelfDeleteOutcome};
///
/// # async fn run() -> Result<(), aci_lifecycle::Error> {
/// match SelfDelete::from_env(&arm_core::ProcessEnv)? {
///     None => println!("self-delete not configured, skipping"),
///     Some(self_delete) => {
///         let outcome: SelfDeleteOutcome = self_delete.run().await?;
///         println!("self-delete: {outcome:?}");
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct SelfDelete {
    environment: ArmEnvironment,
    subscription_id: String,
    resource_group: String,
    name: String,
    total_timeout: Duration,
}

impl SelfDelete {
    /// Reads the configuration; `None` when none of `AZ_ACI_NAME`, `AZ_ACI_RG` and
    /// `AZ_SUBSCRIPTION_ID` is set. Anything partial or invalid is an error naming the variable,
    /// found before any request. The Azure CLI is not accepted as a credential here: a container
    /// has none, so a service principal or a managed identity must be configured.
    pub fn from_env(env: &dyn EnvSource) -> Result<Option<Self>, Error> {
        let name = env.var(AZ_ACI_NAME);
        let resource_group = env.var(AZ_ACI_RG);
        let environment = ArmEnvironment::from_env(env)?;
        if name.is_none() && resource_group.is_none() && environment.subscription_id.is_none() {
            return Ok(None);
        }
        let missing = |variable: &str| {
            Error::invalid(
                variable,
                format!("is missing: self-deletion needs {AZ_ACI_NAME}, {AZ_ACI_RG} and {AZ_SUBSCRIPTION_ID}"),
            )
        };
        let name = name.ok_or_else(|| missing(AZ_ACI_NAME))?;
        let resource_group = resource_group.ok_or_else(|| missing(AZ_ACI_RG))?;
        let subscription_id = environment
            .subscription_id
            .clone()
            .ok_or_else(|| missing(AZ_SUBSCRIPTION_ID))?;
        if let CredentialSource::AzureCli { .. } = environment.credential_source {
            return Err(Error::invalid(
                "AZ_SERVICE_PRINCIPAL",
                "is missing: self-deletion needs a service principal (AZ_TENANT_ID, AZ_SERVICE_PRINCIPAL, AZ_SERVICE_PRINCIPAL_KEY) or AZ_MANAGED_IDENTITY=true",
            ));
        }
        validation::resource_group_name(&resource_group).map_err(|e| validation::named(e, AZ_ACI_RG))?;
        validation::group_name(&name).map_err(|e| validation::named(e, AZ_ACI_NAME))?;
        validation::subscription_id(&subscription_id).map_err(|e| validation::named(e, AZ_SUBSCRIPTION_ID))?;
        Ok(Some(Self {
            environment,
            subscription_id,
            resource_group,
            name,
            total_timeout: DEFAULT_TOTAL_TIMEOUT,
        }))
    }

    /// Bounds the whole deletion, retries included (default 60 s).
    pub fn with_total_timeout(mut self, total: Duration) -> Self {
        self.total_timeout = total;
        self
    }

    /// Uses another transport (extra trusted roots, a local test server).
    pub fn with_transport(mut self, transport: HttpTransport) -> Self {
        self.environment.transport = transport;
        self
    }

    /// The container group that will be deleted, as `resource group/name`.
    pub fn target(&self) -> String {
        format!("{}/{}", self.resource_group, self.name)
    }

    fn client(&self, transport: HttpTransport) -> Result<ContainerGroupsClient, Error> {
        let mut options = ArmClientOptions {
            retry: RetryOptions {
                deadline: self.total_timeout,
                ..RetryOptions::default()
            },
            ..ArmClientOptions::default()
        };
        options.client_options.transport = Some(transport.to_transport());
        let arm = arm_core::ArmClient::for_crate(
            env!("CARGO_PKG_NAME"),
            env!("CARGO_PKG_VERSION"),
            &self.environment.cloud,
            self.environment.credential()?,
            Some(options),
        )?;
        ContainerGroupsClient::from_arm(arm, &self.subscription_id)
    }

    /// Sends the DELETE and returns as soon as Azure accepted it or said the group is gone; it
    /// does not wait for the deletion, which ends by stopping this very process.
    pub async fn run(&self) -> Result<SelfDeleteOutcome, Error> {
        let groups = self.client(self.environment.transport.clone())?;
        let attempt = async {
            let request = groups.delete_request(&self.resource_group, &self.name)?;
            let response = groups.arm().send_raw(request).await?;
            match response.status() {
                StatusCode::Ok | StatusCode::Accepted => Ok(SelfDeleteOutcome::Accepted),
                StatusCode::NoContent | StatusCode::NotFound => Ok(SelfDeleteOutcome::AlreadyGone),
                _ => Err(Error::Arm(response.into_error())),
            }
        };
        tokio::time::timeout(self.total_timeout, attempt)
            .await
            .unwrap_or_else(|_| {
                Err(Error::Arm(arm_core::Error::DeadlineExceeded {
                    what: format!("deleting container group {}", self.target()),
                    after: self.total_timeout,
                }))
            })
    }
}

/// Reads the configuration from `env` and runs the self-deletion; [`SelfDeleteOutcome::NotConfigured`]
/// when none of its variables is set.
pub async fn self_delete_from_env(env: &dyn EnvSource) -> Result<SelfDeleteOutcome, Error> {
    match SelfDelete::from_env(env)? {
        None => Ok(SelfDeleteOutcome::NotConfigured),
        Some(self_delete) => self_delete.run().await,
    }
}

impl ContainerGroupsClient {
    pub(crate) fn delete_request(&self, resource_group: &str, name: &str) -> Result<arm_core::ArmRequest, Error> {
        self.request(Method::Delete, resource_group, name, "")
    }
}
