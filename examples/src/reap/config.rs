//! reap's configuration: every variable read and checked before anything is contacted.

use crate::env_config::{self, Result, arm_config};
use arm_core::{ArmEnvironment, ConfigError, EnvSource};
use azp_agent::PoolAccess;
use std::time::Duration;

/// Default of `REAP_MIN_AGE`.
pub const DEFAULT_MIN_AGE: Duration = Duration::from_secs(15 * 60);

/// Everything reap was configured with.
pub struct Config {
    /// `AZP_URL`, `AZP_POOL`, `AZP_TOKEN`/`AZP_TOKEN_FILE`.
    pub access: PoolAccess,
    /// `AZP_AGENT_PREFIX`.
    pub prefix: String,
    /// `ACI_RESOURCE_GROUP`: where the ephemeral container groups are.
    pub resource_groups: Vec<String>,
    /// `REAP_MIN_AGE`.
    pub min_age: Duration,
    /// `AZP_LOG`.
    pub log_filter: String,
    /// The cloud, credential, transport and subscription for ARM.
    pub arm: ArmEnvironment,
    /// `AZ_SUBSCRIPTION_ID`.
    pub subscription_id: String,
    /// `--dry-run`: delete nothing.
    pub dry_run: bool,
}

impl Config {
    /// Reads and checks the configuration from `env`; nothing is contacted.
    pub fn from_env(env: &dyn EnvSource) -> Result<Config> {
        let access = env_config::pool_access(env)?;
        let prefix = env_config::agent_prefix(env)?;
        let listed = env.var("ACI_RESOURCE_GROUP").ok_or_else(|| {
            ConfigError::new(
                "ACI_RESOURCE_GROUP",
                "is missing: set it to the resource group(s) of the agents' container groups, separated by commas",
            )
        })?;
        let mut resource_groups: Vec<String> = Vec::new();
        for name in listed.split(',').map(str::trim) {
            arm_core::resource_groups::validate_name(name).map_err(|e| {
                ConfigError::new(
                    "ACI_RESOURCE_GROUP",
                    match e {
                        arm_core::Error::InvalidInput { message, .. } => message,
                        other => other.to_string(),
                    },
                )
            })?;
            if !resource_groups.iter().any(|n| n.eq_ignore_ascii_case(name)) {
                resource_groups.push(name.to_owned());
            }
        }
        let min_age = arm_core::duration_var(env, "REAP_MIN_AGE", DEFAULT_MIN_AGE, Duration::from_secs(30 * 86_400))?;
        let log_filter = env_config::log_filter(env)?;
        let arm = ArmEnvironment::from_env(env).map_err(arm_config)?;
        let subscription_id = arm.require_subscription_id().map_err(arm_config)?.to_owned();
        arm_core::resource_groups::validate_subscription_id(&subscription_id)
            .map_err(|e| ConfigError::new("AZ_SUBSCRIPTION_ID", e.to_string()))?;
        Ok(Config {
            access,
            prefix,
            resource_groups,
            min_age,
            log_filter,
            arm,
            subscription_id,
            dry_run: false,
        })
    }

    /// What `--check` prints.
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        vec![
            ("organization", self.access.organization.as_str().to_owned()),
            ("pool", self.access.pool.clone()),
            ("token", format!("from {} (***)", self.access.token_from)),
            (
                "agents",
                format!(
                    "offline ones named {}* whose container group is gone or ended",
                    self.prefix
                ),
            ),
            (
                "container groups",
                format!(
                    "ended ones tagged {}=true in {} (subscription {})",
                    aci_lifecycle::EPHEMERAL_TAG,
                    self.resource_groups.join(", "),
                    self.subscription_id
                ),
            ),
            ("minimum age", format!("{} s", self.min_age.as_secs())),
            (
                "mode",
                if self.dry_run {
                    "dry run: delete nothing"
                } else {
                    "delete"
                }
                .to_owned(),
            ),
            ("azure login", self.arm.credential_source.kind().to_string()),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(url: &str) -> HashMap<String, String> {
        [
            ("AZP_URL", url),
            ("AZP_TOKEN", "pat-xyz123"),
            ("ACI_RESOURCE_GROUP", "rg-agents"),
            ("AZ_SUBSCRIPTION_ID", "00000000-0000-0000-0000-000000000000"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
    }

    #[test]
    fn a_password_in_azp_url_never_reaches_the_error_or_the_plan() {
        for url in [
            "https://user:s3cret@dev.azure.com/contoso",
            "https://user:s3cret@dev.azure.com:99999/contoso",
        ] {
            let Err(error) = Config::from_env(&env(url)) else {
                panic!("{url}: accepted");
            };
            assert_eq!(error.variable, "AZP_URL");
            assert!(!error.to_string().contains("s3cret"), "{error}");
        }
        let config = Config::from_env(&env("https://dev.azure.com/contoso")).unwrap();
        let plan = config.describe();
        assert!(
            plan.contains(&("organization", "https://dev.azure.com/contoso".to_owned())),
            "{plan:?}"
        );
        assert!(plan.iter().all(|(_, value)| !value.contains("pat-xyz123")), "{plan:?}");
    }
}
