//! Reading the binaries' environment: the checks and parsers that `ephemeral-agent`,
//! `spawn-agent` and `reap` share. Every error is one line naming the variable.

use arm_core::azure_core::credentials::Secret;
use arm_core::azure_core::http::ClientOptions;
use arm_core::{ConfigError, EnvSource, HttpTransport};
use azp_agent::{DevOpsClient, DevOpsClientOptions, DevOpsCredential, OrganizationUrl};
use std::time::Duration;

pub(crate) type Result<T> = std::result::Result<T, ConfigError>;

/// `AZP_URL`: the organization URL, required.
pub(crate) fn organization(env: &dyn EnvSource) -> Result<OrganizationUrl> {
    let url = env.var("AZP_URL").ok_or_else(|| {
        ConfigError::new(
            "AZP_URL",
            "is missing: set it to the organization URL, e.g. https://dev.azure.com/contoso",
        )
    })?;
    OrganizationUrl::parse_named("AZP_URL", &url).map_err(one_line)
}

/// `AZP_POOL`, default `Default`.
pub(crate) fn pool(env: &dyn EnvSource) -> Result<String> {
    let pool = env.var("AZP_POOL").unwrap_or_else(|| DEFAULT_POOL.to_owned());
    check_pool(&pool)?;
    Ok(pool)
}

/// Default of `AZP_POOL`.
pub(crate) const DEFAULT_POOL: &str = "Default";

/// The token in `AZP_TOKEN`, or in the file `AZP_TOKEN_FILE` (exactly one of them); `None` when
/// neither is set. Also the variable it came from.
pub(crate) fn token(env: &dyn EnvSource) -> Result<Option<(&'static str, Secret)>> {
    match (env.var("AZP_TOKEN"), env.var("AZP_TOKEN_FILE")) {
        (Some(_), Some(_)) => Err(ConfigError::new(
            "AZP_TOKEN_FILE",
            "cannot be combined with AZP_TOKEN: set one of them",
        )),
        (Some(token), None) => Ok(Some(("AZP_TOKEN", Secret::new(check_token("AZP_TOKEN", token)?)))),
        (None, Some(path)) => Ok(Some(("AZP_TOKEN_FILE", token_file(&path)?))),
        (None, None) => Ok(None),
    }
}

/// The token held in the file `path` (`AZP_TOKEN_FILE`).
pub(crate) fn token_file(path: &str) -> Result<Secret> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        ConfigError::new(
            "AZP_TOKEN_FILE",
            format!("cannot read '{path}': {e}; expected a file holding the token"),
        )
    })?;
    Ok(Secret::new(check_token("AZP_TOKEN_FILE", text)?))
}

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

/// Access to an agent pool with a token: `AZP_URL`, `AZP_POOL`, `AZP_TOKEN` or `AZP_TOKEN_FILE`.
pub(crate) struct PoolAccess {
    /// `AZP_URL`.
    pub organization: OrganizationUrl,
    /// `AZP_POOL`.
    pub pool: String,
    /// The variable the token came from.
    pub token_from: &'static str,
    /// The token.
    pub token: Secret,
}

impl PoolAccess {
    /// Reads the variables; the token is required.
    pub fn from_env(env: &dyn EnvSource) -> Result<PoolAccess> {
        let organization = organization(env)?;
        let pool = pool(env)?;
        let (token_from, token) = token(env)?.ok_or_else(|| {
            ConfigError::new(
                "AZP_TOKEN",
                "is missing: set AZP_TOKEN or AZP_TOKEN_FILE to a PAT with Agent Pools (read & manage), or to $(System.AccessToken)",
            )
        })?;
        Ok(PoolAccess {
            organization,
            pool,
            token_from,
            token,
        })
    }

    /// A client of the organization with the token, over `transport`.
    pub fn client(&self, transport: &HttpTransport) -> Result<DevOpsClient> {
        let credential =
            DevOpsCredential::pat(self.token.secret()).map_err(|e| ConfigError::new(self.token_from, e.to_string()))?;
        let options = DevOpsClientOptions {
            client_options: ClientOptions {
                transport: Some(transport.to_transport()),
                ..Default::default()
            },
            ..Default::default()
        };
        DevOpsClient::new(self.organization.clone(), credential, Some(options))
            .map_err(|e| ConfigError::new("AZP_URL", e.to_string()))
    }
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

/// A duration variable, `default` when unset; see [`duration`].
pub(crate) fn duration_var(env: &dyn EnvSource, variable: &str, default: Duration, max: Duration) -> Result<Duration> {
    env.var(variable)
        .map_or(Ok(default), |value| duration(variable, &value, max))
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

/// A token as read from a variable or file: surrounding whitespace (a final newline) dropped,
/// nothing inside.
pub(crate) fn check_token(variable: &str, token: String) -> Result<String> {
    let token = token.trim();
    if token.is_empty() {
        return Err(ConfigError::new(variable, "is empty; expected a PAT or OAuth token"));
    }
    if token.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(ConfigError::new(
            variable,
            "contains whitespace; expected a single PAT or OAuth token",
        ));
    }
    Ok(token.to_owned())
}

/// `AZP_POOL` must be a pool name.
pub(crate) fn check_pool(pool: &str) -> Result<()> {
    if pool.chars().count() > 64 {
        return Err(ConfigError::new(
            "AZP_POOL",
            format!("'{pool}' is longer than 64 characters"),
        ));
    }
    if let Some(bad) = pool.chars().find(|c| "\"/:<>\\|*?".contains(*c) || c.is_control()) {
        return Err(ConfigError::new(
            "AZP_POOL",
            format!(
                "'{pool}' contains '{}'; pool names cannot contain \"/:<>\\|*? or control characters",
                bad.escape_default()
            ),
        ));
    }
    Ok(())
}

/// Whether `value` is a GUID (8-4-4-4-12 hex digits).
pub(crate) fn is_guid(value: &str) -> bool {
    let parts: Vec<&str> = value.split('-').collect();
    parts.iter().map(|p| p.len()).eq([8, 4, 4, 4, 12]) && parts.iter().all(|p| p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// `value` must be a GUID (an application id).
pub(crate) fn check_guid(variable: &str, value: &str) -> Result<()> {
    if is_guid(value) {
        return Ok(());
    }
    Err(ConfigError::new(
        variable,
        format!(
            "'{value}' is not a GUID; expected the application (client) id, e.g. 00000000-0000-0000-0000-000000000000"
        ),
    ))
}

/// `value` must be a tenant id or a domain name.
pub(crate) fn check_tenant(variable: &str, value: &str) -> Result<()> {
    let domain = value.contains('.') && value.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-');
    if is_guid(value) || domain {
        return Ok(());
    }
    Err(ConfigError::new(
        variable,
        format!(
            "'{value}' is not a tenant; expected the directory (tenant) id or a domain such as contoso.onmicrosoft.com"
        ),
    ))
}

/// A duration: seconds, or a number with `s`, `m` or `h`; more than zero and at most `max`.
pub(crate) fn duration(variable: &str, value: &str, max: Duration) -> Result<Duration> {
    let value = value.trim();
    let (number, unit) = match value.find(|c: char| !c.is_ascii_digit()) {
        Some(at) => value.split_at(at),
        None => (value, "s"),
    };
    let seconds = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3600,
        _ => 0,
    };
    let parsed = number.parse::<u64>().ok().filter(|_| seconds > 0);
    match parsed.map(|n| Duration::from_secs(n.saturating_mul(seconds))) {
        Some(d) if !d.is_zero() && d <= max => Ok(d),
        _ => Err(ConfigError::new(
            variable,
            format!(
                "'{value}' is not a duration between 1 s and {} s; expected seconds, or a number with s, m or h (e.g. 30s, 90m, 2h)",
                max.as_secs()
            ),
        )),
    }
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
    fn durations() {
        let max = Duration::from_secs(3600);
        assert_eq!(duration("X", "25", max).unwrap(), Duration::from_secs(25));
        assert_eq!(duration("X", "2m", max).unwrap(), Duration::from_secs(120));
        assert_eq!(duration("X", "1h", max).unwrap(), max);
        for bad in ["0", "-5", "abc", "2d", "61m", "1.5s", ""] {
            let error = duration("X", bad, max).unwrap_err();
            assert_eq!(error.variable, "X", "{bad}");
        }
    }

    #[test]
    fn a_password_in_azp_url_is_never_repeated() {
        for url in [
            "https://user:s3cret@dev.azure.com/contoso",
            "https://user:s3cret@dev.azure.com/con_toso/extra",
            "https//user:s3cret@dev.azure.com/contoso",
            "user:s3cret@dev.azure.com",
        ] {
            let env: std::collections::HashMap<String, String> = [
                ("AZP_URL".to_owned(), url.to_owned()),
                ("AZP_TOKEN".to_owned(), "pat".to_owned()),
            ]
            .into();
            let error = organization(&env).unwrap_err();
            assert_eq!(error.variable, "AZP_URL", "{url}");
            let error = PoolAccess::from_env(&env).err().expect("refused");
            for text in [error.to_string(), format!("{error:?}")] {
                assert!(!text.contains("s3cret"), "{url}: {text}");
                assert!(
                    text.starts_with("AZP_URL") || text.contains("\"AZP_URL\""),
                    "{url}: {text}"
                );
            }
        }
    }

    #[test]
    fn guids_and_tenants() {
        assert!(is_guid("72f988bf-86f1-41af-91ab-2d7cd011db47"));
        assert!(!is_guid("72f988bf-86f1-41af-91ab-2d7cd011db4"));
        assert!(check_tenant("T", "contoso.onmicrosoft.com").is_ok());
        assert!(check_tenant("T", "contoso").is_err());
    }
}
