//! spawn-agent's configuration: every variable read and checked before anything is contacted.
//! The first problem found is the error, one line naming the variable.

use crate::env_config::{self, Result, arm_config, one_line};
use aci_lifecycle::models::OsType;
use aci_lifecycle::{MAX_CPU, MAX_MEMORY_GB};
use arm_core::azure_core::credentials::Secret;
use arm_core::{ArmEnvironment, ConfigError, EnvSource, ResourceId};
use azp_agent::PoolAccess;
use std::time::Duration;

/// Default of `SPAWN_TIMEOUT`: how long the agent has to come online.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(240);
/// Default of `SPAWN_OUTPUT_VARIABLE`.
pub const DEFAULT_OUTPUT_VARIABLE: &str = "agentName";
/// Default of `ACI_CPU` and `ACI_MEMORY_GB`.
pub const DEFAULT_CPU: f64 = 1.0;
/// Default of `ACI_MEMORY_GB`.
pub const DEFAULT_MEMORY_GB: f64 = 1.0;
/// Variables spawn-agent sets in the container itself, which neither `ACI_ENVIRONMENT` nor
/// `ACI_SECURE_ENVIRONMENT` may set.
pub const RESERVED: &[&str] = &[
    "AZP_URL",
    "AZP_POOL",
    "AZP_AGENT_NAME",
    "AZP_TOKEN",
    "AZP_TOKEN_FILE",
    "AZ_ACI_NAME",
    "AZ_ACI_RG",
    "AZ_SUBSCRIPTION_ID",
    "AZ_CLOUD",
    "AZ_MANAGED_IDENTITY",
    "AZ_MANAGED_IDENTITY_RESOURCE_ID",
];

/// How the container pulls its image from a private registry.
pub enum Registry {
    /// A user name and password (e.g. an ACR token or admin user).
    Password {
        /// `ACI_REGISTRY_SERVER`.
        server: String,
        /// `ACI_REGISTRY_USERNAME`.
        username: String,
        /// `ACI_REGISTRY_PASSWORD`.
        password: Secret,
    },
    /// The group's user-assigned identity (with `AcrPull` on the registry).
    Identity {
        /// `ACI_REGISTRY_SERVER`.
        server: String,
    },
}

/// Everything spawn-agent was configured with.
pub struct Config {
    /// `AZP_URL`, `AZP_POOL`, `AZP_TOKEN`/`AZP_TOKEN_FILE`.
    pub access: PoolAccess,
    /// The agent's name, also its container group's.
    pub agent_name: String,
    /// `ACI_RESOURCE_GROUP`.
    pub resource_group: String,
    /// `ACI_LOCATION`.
    pub location: String,
    /// `ACI_SUBNET_ID`.
    pub subnet_id: String,
    /// `ACI_IMAGE`.
    pub image: String,
    /// `ACI_CPU`.
    pub cpu: f64,
    /// `ACI_MEMORY_GB`.
    pub memory_gb: f64,
    /// `ACI_OS_TYPE`.
    pub os_type: OsType,
    /// `ACI_REGISTRY_*`.
    pub registry: Option<Registry>,
    /// `ACI_IDENTITY`: a user-assigned identity's resource id; the agent deletes its own group
    /// with it.
    pub identity: Option<String>,
    /// `ACI_ENVIRONMENT`: more plain variables for the container, visible in the container group.
    pub extra_env: Vec<(String, String)>,
    /// `ACI_SECURE_ENVIRONMENT`: more variables for the container, given as secure values (never
    /// shown by Azure, never printed or logged here).
    pub secure_env: Vec<(String, Secret)>,
    /// `SPAWN_TIMEOUT`.
    pub timeout: Duration,
    /// `SPAWN_OUTPUT_VARIABLE`.
    pub output_variable: String,
    /// `AZP_LOG`.
    pub log_filter: String,
    /// The cloud, credential, transport and subscription for ARM.
    pub arm: ArmEnvironment,
    /// `AZ_SUBSCRIPTION_ID`.
    pub subscription_id: String,
    /// `AZ_CLOUD` as given, passed on to the container.
    pub cloud_name: Option<String>,
}

impl Config {
    /// Reads and checks the configuration from `env`; nothing is contacted.
    pub fn from_env(env: &dyn EnvSource) -> Result<Config> {
        let access = env_config::pool_access(env)?;
        let agent_name = agent_name(env)?;
        let resource_group = required(
            env,
            "ACI_RESOURCE_GROUP",
            "the resource group to create the container group in",
        )?;
        arm_core::resource_groups::validate_name(&resource_group).map_err(|e| renamed(e, "ACI_RESOURCE_GROUP"))?;
        let location = required(env, "ACI_LOCATION", "the Azure region of the subnet, e.g. westeurope")?;
        if !location.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ') {
            return Err(ConfigError::new(
                "ACI_LOCATION",
                format!("'{location}' is not a region name; expected e.g. westeurope"),
            ));
        }
        let subnet_id = required(env, "ACI_SUBNET_ID", "the resource id of the agents' subnet")?;
        resource_id(
            "ACI_SUBNET_ID",
            &subnet_id,
            "Microsoft.Network/virtualNetworks/subnets",
            "/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.Network/virtualNetworks/{vnet}/subnets/{subnet}",
        )?;
        let image = required(
            env,
            "ACI_IMAGE",
            "the agent image, e.g. contoso.azurecr.io/ephemeral-agent:1",
        )?;
        if image.chars().any(char::is_whitespace) {
            return Err(ConfigError::new(
                "ACI_IMAGE",
                format!("'{image}' contains whitespace; expected an image reference"),
            ));
        }
        let cpu = number(env, "ACI_CPU", DEFAULT_CPU, MAX_CPU)?;
        let memory_gb = number(env, "ACI_MEMORY_GB", DEFAULT_MEMORY_GB, MAX_MEMORY_GB)?;
        let os_type = match env.var("ACI_OS_TYPE").map(|v| v.to_ascii_lowercase()).as_deref() {
            None | Some("linux") => OsType::Linux,
            Some("windows") => OsType::Windows,
            Some(_) => {
                return Err(ConfigError::new(
                    "ACI_OS_TYPE",
                    format!(
                        "'{}' is not an OS type; expected Linux or Windows",
                        env.var("ACI_OS_TYPE").unwrap_or_default()
                    ),
                ));
            }
        };
        let identity = env.var("ACI_IDENTITY");
        if let Some(id) = &identity {
            resource_id(
                "ACI_IDENTITY",
                id,
                "Microsoft.ManagedIdentity/userAssignedIdentities",
                "/subscriptions/{s}/resourceGroups/{rg}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{name}",
            )?;
        }
        let registry = registry(env, identity.is_some())?;
        let extra_env = env_lines(env, PLAIN_ENVIRONMENT)?;
        let secure_env = env_lines(env, SECURE_ENVIRONMENT)?;
        if let Some((name, _)) = secure_env
            .iter()
            .find(|(name, _)| extra_env.iter().any(|(plain, _)| plain == name))
        {
            return Err(ConfigError::new(
                SECURE_ENVIRONMENT,
                format!("sets {name}, which {PLAIN_ENVIRONMENT} sets too; set each variable in one of them"),
            ));
        }
        let secure_env = secure_env
            .into_iter()
            .map(|(name, value)| (name, Secret::new(value)))
            .collect();
        let timeout = arm_core::duration_var(env, "SPAWN_TIMEOUT", DEFAULT_TIMEOUT, Duration::from_secs(3600))?;
        let output_variable = env
            .var("SPAWN_OUTPUT_VARIABLE")
            .unwrap_or_else(|| DEFAULT_OUTPUT_VARIABLE.to_owned());
        if output_variable.is_empty()
            || !output_variable
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            return Err(ConfigError::new(
                "SPAWN_OUTPUT_VARIABLE",
                format!("'{output_variable}' is not a variable name; expected letters, digits, '_' and '.'"),
            ));
        }
        let log_filter = env_config::log_filter(env)?;
        let arm = ArmEnvironment::from_env(env).map_err(arm_config)?;
        let subscription_id = arm.require_subscription_id().map_err(arm_config)?.to_owned();
        arm_core::resource_groups::validate_subscription_id(&subscription_id)
            .map_err(|e| renamed(e, "AZ_SUBSCRIPTION_ID"))?;
        Ok(Config {
            access,
            agent_name,
            resource_group,
            location,
            subnet_id,
            image,
            cpu,
            memory_gb,
            os_type,
            registry,
            identity,
            extra_env,
            secure_env,
            timeout,
            output_variable,
            log_filter,
            arm,
            subscription_id,
            cloud_name: env.var("AZ_CLOUD"),
        })
    }

    /// What `--check` prints: one setting per line, secrets masked.
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        let registry = match &self.registry {
            None => "none (a public image)".to_owned(),
            Some(Registry::Password { server, username, .. }) => format!("{server} as {username} (password ***)"),
            Some(Registry::Identity { server }) => format!("{server} with the group's identity"),
        };
        let self_delete = match &self.identity {
            Some(id) => format!("by the agent, with identity {id}"),
            None => "no (ACI_IDENTITY unset): run reap to delete finished groups".to_owned(),
        };
        vec![
            ("organization", self.access.organization.as_str().to_owned()),
            ("pool", self.access.pool.clone()),
            (
                "token",
                format!("from {} (***), given as a secure value", self.access.token_from),
            ),
            ("agent name", self.agent_name.clone()),
            (
                "container group",
                format!(
                    "{} in {}/{} ({})",
                    self.agent_name, self.subscription_id, self.resource_group, self.location
                ),
            ),
            ("image", format!("{} ({})", self.image, self.os_type)),
            ("resources", format!("{} CPU, {} GB", self.cpu, self.memory_gb)),
            ("network", format!("private IP in {}", self.subnet_id)),
            ("registry", registry),
            ("self-delete", self_delete),
            ("environment", self.environment()),
            ("timeout", format!("{} s to come online", self.timeout.as_secs())),
            (
                "output",
                format!(
                    "##vso[task.setvariable variable={};isOutput=true]",
                    self.output_variable
                ),
            ),
            ("azure login", self.arm.credential_source.kind().to_string()),
        ]
    }

    /// The extra variables for `--check`: plain ones with their values, secure ones masked.
    fn environment(&self) -> String {
        let plain = self.extra_env.iter().map(|(name, value)| format!("{name}={value}"));
        let secure = self.secure_env.iter().map(|(name, _)| format!("{name}=*** (secure)"));
        let all: Vec<String> = plain.chain(secure).collect();
        if all.is_empty() {
            "none besides spawn-agent's own".to_owned()
        } else {
            all.join(", ")
        }
    }
}

/// The agent's name: `AZP_AGENT_NAME`, else the prefix and the run's ids
/// (`{prefix}{BUILD_BUILDID}-{first 8 of SYSTEM_JOBID}-{SYSTEM_JOBATTEMPT}`).
fn agent_name(env: &dyn EnvSource) -> Result<String> {
    let prefix = env_config::agent_prefix(env)?;
    let name = match env.var("AZP_AGENT_NAME") {
        Some(name) => name,
        None => {
            let build = env.var("BUILD_BUILDID").ok_or_else(|| {
                ConfigError::new(
                    "BUILD_BUILDID",
                    "is missing: the agent is named after the pipeline run; run spawn-agent in an Azure Pipelines job, or set AZP_AGENT_NAME",
                )
            })?;
            digits("BUILD_BUILDID", &build)?;
            let attempt = env.var("SYSTEM_JOBATTEMPT").unwrap_or_else(|| "1".to_owned());
            digits("SYSTEM_JOBATTEMPT", &attempt)?;
            let job = match env.var("SYSTEM_JOBID") {
                Some(id) if arm_core::is_guid(&id) => format!("-{}", id[..8].to_ascii_lowercase()),
                Some(id) => {
                    return Err(ConfigError::new(
                        "SYSTEM_JOBID",
                        format!("'{id}' is not a GUID; Azure Pipelines sets it to the job's id"),
                    ));
                }
                None => String::new(),
            };
            format!("{prefix}{build}{job}-{attempt}")
        }
    };
    if !name.starts_with(&prefix) {
        return Err(ConfigError::new(
            "AZP_AGENT_NAME",
            format!("'{name}' does not start with AZP_AGENT_PREFIX '{prefix}'; reap only cleans up agents that do"),
        ));
    }
    aci_lifecycle::validate_group_name(&name).map_err(|e| match e {
        aci_lifecycle::Error::InvalidInput { message, .. } => ConfigError::new(
            "AZP_AGENT_NAME",
            format!("{message} (it also names the container group)"),
        ),
        other => ConfigError::new("AZP_AGENT_NAME", other.to_string()),
    })?;
    azp_agent::configure::validate_agent_name("AZP_AGENT_NAME", &name).map_err(one_line)?;
    Ok(name)
}

fn digits(variable: &str, value: &str) -> Result<()> {
    if value.is_empty() || value.len() > 12 || !value.chars().all(|c| c.is_ascii_digit()) {
        return Err(ConfigError::new(
            variable,
            format!("'{value}' is not a number; Azure Pipelines sets it to the run's id"),
        ));
    }
    Ok(())
}

fn required(env: &dyn EnvSource, variable: &str, what: &str) -> Result<String> {
    env.var(variable)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| ConfigError::new(variable, format!("is missing: set it to {what}")))
}

fn resource_id(variable: &str, value: &str, kind: &str, shape: &str) -> Result<()> {
    let parsed: Option<ResourceId> = value.parse().ok();
    let matches = parsed
        .as_ref()
        .is_some_and(|id| id.is_type(kind) && id.resource_group().is_some());
    if matches {
        return Ok(());
    }
    Err(ConfigError::new(
        variable,
        format!("'{value}' is not a resource id of the form {shape}"),
    ))
}

fn number(env: &dyn EnvSource, variable: &str, default: f64, max: f64) -> Result<f64> {
    let Some(value) = env.var(variable) else {
        return Ok(default);
    };
    match value.trim().parse::<f64>() {
        Ok(n) if n.is_finite() && n > 0.0 && n <= max => Ok(n),
        _ => Err(ConfigError::new(
            variable,
            format!("'{value}' is not a number greater than 0 and at most {max}"),
        )),
    }
}

fn registry(env: &dyn EnvSource, has_identity: bool) -> Result<Option<Registry>> {
    let server = env.var("ACI_REGISTRY_SERVER");
    let username = env.var("ACI_REGISTRY_USERNAME");
    let password = env.var("ACI_REGISTRY_PASSWORD");
    let Some(server) = server else {
        if username.is_some() || password.is_some() {
            return Err(ConfigError::new(
                "ACI_REGISTRY_SERVER",
                "is missing: a registry user name or password needs the registry's login server, e.g. contoso.azurecr.io",
            ));
        }
        return Ok(None);
    };
    if server.is_empty() || server.contains('/') || server.chars().any(char::is_whitespace) {
        return Err(ConfigError::new(
            "ACI_REGISTRY_SERVER",
            format!("'{server}' is not a login server; expected a host name such as contoso.azurecr.io"),
        ));
    }
    match (username, password) {
        (Some(username), Some(password)) if !password.is_empty() => Ok(Some(Registry::Password {
            server,
            username,
            password: Secret::new(password),
        })),
        (Some(_), _) => Err(ConfigError::new(
            "ACI_REGISTRY_PASSWORD",
            "is missing: a registry user name needs its password",
        )),
        (None, Some(_)) => Err(ConfigError::new(
            "ACI_REGISTRY_USERNAME",
            "is missing: a registry password needs its user name",
        )),
        (None, None) if has_identity => Ok(Some(Registry::Identity { server })),
        (None, None) => Err(ConfigError::new(
            "ACI_REGISTRY_USERNAME",
            "is missing: a private registry needs ACI_REGISTRY_USERNAME and ACI_REGISTRY_PASSWORD, or ACI_IDENTITY with AcrPull on it",
        )),
    }
}

/// The variable with more plain variables for the container.
const PLAIN_ENVIRONMENT: &str = "ACI_ENVIRONMENT";
/// The variable with more secret variables for the container.
const SECURE_ENVIRONMENT: &str = "ACI_SECURE_ENVIRONMENT";

/// `ACI_ENVIRONMENT` or `ACI_SECURE_ENVIRONMENT`: `NAME=value` lines. No error of the secure one
/// shows a value, or a line that might be one.
fn env_lines(env: &dyn EnvSource, variable: &str) -> Result<Vec<(String, String)>> {
    let Some(text) = env.var(variable) else {
        return Ok(Vec::new());
    };
    let secure = variable == SECURE_ENVIRONMENT;
    let mut vars: Vec<(String, String)> = Vec::new();
    for (number, line) in text.lines().map(str::trim).enumerate() {
        if line.is_empty() {
            continue;
        }
        let Some((name, value)) = line.split_once('=') else {
            let shown = if secure {
                format!("line {}", number + 1)
            } else {
                format!("line '{line}'")
            };
            return Err(ConfigError::new(
                variable,
                format!("{shown} has no '='; expected NAME=value lines"),
            ));
        };
        let valid = !name.is_empty()
            && !name.starts_with(|c: char| c.is_ascii_digit())
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            let shown = if secure {
                format!("the name on line {}", number + 1)
            } else {
                format!("'{name}'")
            };
            return Err(ConfigError::new(
                variable,
                format!("{shown} is not a variable name; expected letters, digits and '_'"),
            ));
        }
        if RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            return Err(ConfigError::new(
                variable,
                format!("sets {name}, which spawn-agent sets itself; remove it"),
            ));
        }
        if vars.iter().any(|(n, _)| n == name) {
            return Err(ConfigError::new(variable, format!("sets {name} twice; set it once")));
        }
        vars.push((name.to_owned(), value.to_owned()));
    }
    Ok(vars)
}

fn renamed(error: arm_core::Error, variable: &str) -> ConfigError {
    match error {
        arm_core::Error::InvalidInput { message, .. } => ConfigError::new(variable, message),
        other => ConfigError::new(variable, other.to_string()),
    }
}
