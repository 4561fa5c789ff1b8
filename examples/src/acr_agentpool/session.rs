//! One invocation's Azure side: the shared session ([`AzureSession`], from the `AZ_*`/`AZURE_*`
//! environment), the crate's clients on it with `--api-version`, and the [`AgentPoolFlow`] with
//! the limits of `--quota`, `--isolated-quota` and `--regions`. Everything here is checked
//! before any request.

use super::args::{CommonArgs, LimitArgs};
use super::{PROGRAM, bad_input};
use crate::command::azure::AzureSession;
use acr_agentpool::checks::Limits;
use acr_agentpool::client::RegistriesClientOptions;
use acr_agentpool::flow::{AgentPoolFlow, RegistryRef};
use acr_agentpool::network::NetworkClient;
use acr_agentpool::{DEFAULT_API_VERSION, LEGACY_API_VERSION, RegistriesClient};
use arm_core::storage::StorageClient;

/// The clients of one invocation.
pub(super) struct Session {
    /// The flows (pools, runs) on the clients below.
    pub flow: AgentPoolFlow,
    /// Registries, and the pool, run and task clients made from them.
    pub registries: RegistriesClient,
    /// Subnets, security groups, route tables.
    pub network: NetworkClient,
    /// Blob (run logs).
    pub storage: StorageClient,
    /// `--registry` and `--resource-group`, when `--registry` was given.
    registry: Option<RegistryRef>,
}

impl Session {
    /// Checks the shared flags and `limits`, reads the environment, builds the clients. An
    /// error was printed; its exit code is returned.
    pub fn open(common: &CommonArgs, limits: Option<&LimitArgs>) -> Result<Session, u8> {
        if ![DEFAULT_API_VERSION, LEGACY_API_VERSION].contains(&common.api_version.as_str()) {
            return Err(bad_input(&format!(
                "--api-version: '{}' has no agent pools; expected {DEFAULT_API_VERSION} or {LEGACY_API_VERSION}",
                common.api_version
            )));
        }
        if let Some(group) = &common.resource_group {
            arm_core::resource_groups::validate_name(group)
                .map_err(|error| bad_input(&format!("--resource-group: {error}")))?;
        }
        let limits = limits.map(checked_limits).transpose()?.unwrap_or_default();
        let session = AzureSession::from_env().map_err(|error| bad_input(&error.to_string()))?;
        let options = RegistriesClientOptions {
            api_version: common.api_version.clone(),
            ..RegistriesClientOptions::default()
        };
        let registries = RegistriesClient::new(session.arm.clone(), &session.subscription_id, Some(options))
            .map_err(|error| bad_input(&format!("AZ_SUBSCRIPTION_ID: {error}")))?;
        let network = NetworkClient::new(session.arm.clone(), None);
        let flow = AgentPoolFlow::new(registries.clone(), network.clone(), session.storage.clone()).with_limits(limits);
        Ok(Session {
            flow,
            registries,
            network,
            storage: session.storage,
            registry: common.registry.clone().map(|name| RegistryRef {
                name,
                resource_group: common.resource_group.clone(),
            }),
        })
    }

    /// `--registry` and `--resource-group`, when `--registry` was given.
    pub fn optional_registry(&self) -> Option<&RegistryRef> {
        self.registry.as_ref()
    }
}

/// `--registry` and `--resource-group` of a subcommand that acts on a registry: a missing
/// `--registry` is a bad input, reported before the environment is read.
pub(super) fn required_registry(common: &CommonArgs) -> Result<RegistryRef, u8> {
    match &common.registry {
        Some(name) => Ok(RegistryRef {
            name: name.clone(),
            resource_group: common.resource_group.clone(),
        }),
        None => Err(bad_input(&format!(
            "--registry: required; expected the container registry's name (-r NAME, or ACR_AGENTPOOL_REGISTRY) for `{PROGRAM}` to act on"
        ))),
    }
}

/// The documented limits with `--quota`, `--isolated-quota` and `--regions` applied.
fn checked_limits(args: &LimitArgs) -> Result<Limits, u8> {
    let mut limits = Limits::default();
    if let Some(quota) = args.quota {
        limits.standard_vcpu_quota = quota;
    }
    if let Some(quota) = args.isolated_quota {
        limits.isolated_vcpu_quota = quota;
    }
    if !args.regions.is_empty() {
        let regions: Vec<String> = args.regions.iter().map(|r| r.trim().to_owned()).collect();
        if let Some(at) = regions.iter().position(String::is_empty) {
            return Err(bad_input(&format!(
                "--regions: item {} is empty; expected region names separated by commas, e.g. eastus,westeurope",
                at + 1
            )));
        }
        limits.regions = regions;
    }
    Ok(limits)
}
