//! Reading the binaries' environment: the checks and parsers that `ephemeral-agent`,
//! `spawn-agent` and `reap` share, on those of their owners (`AZP_*` in azp-agent; durations,
//! GUIDs and tenants in arm-core). Every error is one line naming the variable.

use arm_core::{ConfigError, EnvSource, HttpTransport};
use azp_agent::{DevOpsClient, DevOpsClientOptions, PoolAccess};

pub(crate) type Result<T> = std::result::Result<T, ConfigError>;

/// Default of `AZP_AGENT_PREFIX`.
pub(crate) const DEFAULT_PREFIX: &str = "ephemeral-";

/// `AZP_AGENT_PREFIX`: how the names of ephemeral agents (and their container groups) begin;
/// lowercase letters, digits and hyphens, 1 to 40, starting with a letter or digit.
pub(crate) fn agent_prefix(env: &dyn EnvSource) -> Result<String> {
    let prefix = env.var("AZP_AGENT_PREFIX").unwrap_or_else(|| DEFAULT_PREFIX.to_owned());
    let allowed = prefix
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if prefix.is_empty() || prefix.len() > 40 || prefix.starts_with('-') || !allowed {
        return Err(ConfigError::new(
            "AZP_AGENT_PREFIX",
            format!(
                "'{prefix}' is not a name prefix; expected 1 to 40 lowercase letters, digits and hyphens, starting with a letter or digit (container group names allow no more)"
            ),
        ));
    }
    Ok(prefix)
}

/// `AZP_URL`, `AZP_POOL`, `AZP_TOKEN` or `AZP_TOKEN_FILE` (the token required).
pub(crate) fn pool_access(env: &dyn EnvSource) -> Result<PoolAccess> {
    PoolAccess::from_env(env).map_err(one_line)
}

/// A client of the pool's organization with its token, over `transport`.
pub(crate) fn devops_client(access: &PoolAccess, transport: &HttpTransport) -> Result<DevOpsClient> {
    let mut options = DevOpsClientOptions::default();
    options.client_options.transport = Some(transport.to_transport());
    access.client(Some(options)).map_err(one_line)
}

/// Default of `AZP_LOG`.
pub(crate) const DEFAULT_LOG: &str = "info";

/// `AZP_LOG`: a tracing filter, default `info`.
pub(crate) fn log_filter(env: &dyn EnvSource) -> Result<String> {
    let filter = env.var("AZP_LOG").unwrap_or_else(|| DEFAULT_LOG.to_owned());
    tracing_subscriber::EnvFilter::try_new(&filter).map_err(|e| {
        ConfigError::new(
            "AZP_LOG",
            format!("'{filter}' is not a log filter ({e}); expected e.g. info, debug or azp_agent=debug"),
        )
    })?;
    Ok(filter)
}

/// `--help` rows (variable, default, meaning) of the Azure login of spawn-agent and reap.
pub(crate) const AZURE_LOGIN_VARIABLES: &[(&str, &str, &str)] = &[
    (
        "AZ_SUBSCRIPTION_ID",
        "(required)",
        "subscription of the container groups",
    ),
    (
        "AZ_CLOUD",
        "AzureCloud",
        "cloud: AzureCloud, AzureChinaCloud, AzureUSGovernment",
    ),
    (
        "AZ_TENANT_ID, AZ_SERVICE_PRINCIPAL, AZ_SERVICE_PRINCIPAL_KEY",
        "",
        "Azure login as a service principal (or AZURE_TENANT_ID, AZURE_CLIENT_ID, AZURE_CLIENT_SECRET)",
    ),
    (
        "AZ_MANAGED_IDENTITY",
        "false",
        "Azure login as a managed identity (AZ_MANAGED_IDENTITY_CLIENT_ID for a user-assigned one)",
    ),
    (
        "AZURE_FEDERATED_TOKEN_FILE",
        "",
        "Azure login with workload identity; with none of these, the Azure CLI's login",
    ),
    ("AZ_CA_BUNDLE", "", "PEM file of extra root certificates to trust"),
];

/// The text of a `--help`: a summary, the usage, the variables (tables of variable, default,
/// meaning) with their defaults, the exit codes.
pub(crate) fn help_text(summary: &str, usage: &str, variables: &[&[(&str, &str, &str)]], exit_codes: &str) -> String {
    let mut out = format!("{summary}\n\nUsage: {usage}\n\nEnvironment:\n");
    for (name, default, meaning) in variables.iter().copied().flatten() {
        let default = if default.is_empty() {
            String::new()
        } else {
            format!(" [default: {default}]")
        };
        out.push_str(&format!("  {name:<25} {meaning}{default}\n"));
    }
    out.push_str(&format!("\nExit codes: {exit_codes}\n"));
    out
}

/// `value` must be a GUID (an application id).
pub(crate) fn check_guid(variable: &str, value: &str) -> Result<()> {
    if arm_core::is_guid(value) {
        return Ok(());
    }
    Err(ConfigError::new(
        variable,
        format!(
            "'{value}' is not a GUID; expected the application (client) id, e.g. 00000000-0000-0000-0000-000000000000"
        ),
    ))
}

/// `value` must be a tenant by arm-core's rule ([`arm_core::is_tenant`]): a tenant id or a
/// domain name with a dot.
pub(crate) fn check_tenant(variable: &str, value: &str) -> Result<()> {
    if arm_core::is_tenant(value) {
        return Ok(());
    }
    Err(ConfigError::new(
        variable,
        format!(
            "'{value}' is not a tenant; expected the directory (tenant) id or a domain such as contoso.onmicrosoft.com"
        ),
    ))
}

/// An azp-agent input error as a configuration error naming its variable.
pub(crate) fn one_line(error: azp_agent::Error) -> ConfigError {
    match error {
        azp_agent::Error::InvalidInput { input, message } => ConfigError::new(input, message),
        other => ConfigError::new("configuration", other.to_string()),
    }
}

/// An arm-core configuration error as it is; anything else under `configuration`.
pub(crate) fn arm_config(error: arm_core::Error) -> ConfigError {
    match error {
        arm_core::Error::Config(e) => e,
        other => ConfigError::new("configuration", other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_and_tenants() {
        assert!(check_guid("G", "72f988bf-86f1-41af-91ab-2d7cd011db47").is_ok());
        assert!(check_guid("G", "72f988bf-86f1-41af-91ab-2d7cd011db4").is_err());
        assert!(check_tenant("T", "contoso.onmicrosoft.com").is_ok());
        let error = check_tenant("T", "contoso").unwrap_err();
        assert_eq!(
            error.to_string(),
            "T: 'contoso' is not a tenant; expected the directory (tenant) id or a domain such as contoso.onmicrosoft.com"
        );
    }

    #[test]
    fn azp_errors_keep_their_variable_and_message() {
        let env: std::collections::HashMap<String, String> = [(
            "AZP_URL".to_owned(),
            "https://user:s3cret@dev.azure.com/contoso".to_owned(),
        )]
        .into();
        let error = pool_access(&env).expect_err("refused");
        assert_eq!(error.variable, "AZP_URL");
        assert!(!error.to_string().contains("s3cret"), "{error}");
    }
}
