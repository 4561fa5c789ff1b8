//! Helpers of the end-to-end tests: an emulator configuration with principals of every kind,
//! and clients built from the environment the emulator prints (the journal, faults and tokens
//! come from the emulator's typed control API, `Emulator::control`).

use arm_core::resource_groups::ResourceGroupsClient;
use arm_core::test_support::emulator_arm_client;
use arm_core::{ArmClientOptions, RetryOptions};
use az_emulator::{EmulatorConfig, StartupInfo};
use std::collections::BTreeMap;

pub const NO_ROLE_CLIENT: &str = "11111111-1111-1111-1111-111111111111";
pub const NO_ROLE_SECRET: &str = "no-role-secret-0123456789abcdefghijkl";
pub const FEDERATED_CLIENT: &str = "22222222-2222-2222-2222-222222222222";
pub const ISSUER: &str = "https://token.actions.githubusercontent.com";
pub const SUBJECT: &str = "repo:contoso/agents:ref:refs/heads/main";

/// Principals of every kind: an Owner, one without a role, a federated Reader, and a managed
/// identity with Contributor on `rg-emulator`; `extra` is TOML put before the tables.
pub fn config(extra: &str) -> EmulatorConfig {
    let text = format!(
        r#"
operation_duration_ms = 1200
retry_after_secs = 1
{extra}

[[tenants]]

[[subscriptions]]

[[resource_groups]]
name = "rg-emulator"

[[service_principals]]
name = "owner"
roles = [{{ role = "Owner" }}]

[[service_principals]]
name = "no-role"
client_id = "{NO_ROLE_CLIENT}"
client_secret = "{NO_ROLE_SECRET}"

[[service_principals]]
name = "federated"
client_id = "{FEDERATED_CLIENT}"
roles = [{{ role = "Reader" }}]
federated_credentials = [{{ issuer = "{ISSUER}", subject = "{SUBJECT}" }}]

[[managed_identities]]
name = "id-emulator"
resource_group = "rg-emulator"
roles = [{{ role = "Contributor", resource_group = "rg-emulator" }}]
"#
    );
    EmulatorConfig::from_toml_str(&text).unwrap()
}

/// The emulator's environment with the credential variables replaced by `credential`.
pub fn env_with(info: &StartupInfo, credential: &[(&str, &str)]) -> BTreeMap<String, String> {
    let mut env = info.env.clone();
    for name in [
        "AZ_SERVICE_PRINCIPAL",
        "AZ_SERVICE_PRINCIPAL_KEY",
        "AZURE_CLIENT_ID",
        "AZURE_CLIENT_SECRET",
    ] {
        env.remove(name);
    }
    env.extend(credential.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    env
}

/// A resource group client for the subscription of `env`, retrying as `retry` says.
pub fn groups(env: &BTreeMap<String, String>, retry: Option<RetryOptions>) -> ResourceGroupsClient {
    let options = ArmClientOptions {
        retry: retry.unwrap_or_default(),
        ..ArmClientOptions::default()
    };
    let arm = emulator_arm_client(env, Some(options)).unwrap();
    ResourceGroupsClient::from_arm(arm, &env["AZ_SUBSCRIPTION_ID"]).unwrap()
}
