//! The entrypoint's configuration: every variable read, checked and defaulted before anything
//! is contacted. The first problem found is the error, one line naming the variable.

use crate::env_config::{self, Result, arm_config, check_guid, check_tenant, one_line};
use aci_lifecycle::self_delete::SelfDelete;
use arm_core::azure_core::credentials::Secret;
use arm_core::credentials::{CredentialSource, ManagedIdentityId};
use arm_core::{Cloud, ConfigError, EnvSource, HttpTransport};
use arm_core::{is_guid, parse_duration};
use azp_agent::install::find_agent;
use azp_agent::pool_access::{self, AZP_TOKEN, AZP_TOKEN_FILE};
use azp_agent::supervise::SuperviseOptions;
use azp_agent::{DevOpsCredential, OrganizationUrl, Platform};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// How the agent registers, and how the entrypoint authenticates to Azure DevOps.
pub enum Registration {
    /// A PAT or OAuth token (`AZP_TOKEN`, or the file `AZP_TOKEN_FILE`).
    Token {
        /// The variable it came from.
        from: &'static str,
        /// The token.
        token: Secret,
    },
    /// A service principal with a secret (`AZP_CLIENTID`, `AZP_CLIENTSECRET`, `AZP_TENANTID`).
    ServicePrincipal {
        /// Directory (tenant) id.
        tenant_id: String,
        /// Application (client) id.
        client_id: String,
        /// Client secret.
        secret: Secret,
    },
    /// A managed identity's Entra token, fetched fresh for each `config.sh` call.
    ManagedIdentity {
        /// A user-assigned identity's client id; system-assigned when `None`.
        client_id: Option<String>,
    },
}

/// Everything the entrypoint was configured with.
pub struct Config {
    /// `AZP_URL`.
    pub organization: OrganizationUrl,
    /// `AZP_POOL`.
    pub pool: String,
    /// `AZP_AGENT_NAME`.
    pub agent_name: String,
    /// `AZP_TOKEN`, `AZP_TOKEN_FILE`, `AZP_CLIENTID`..., `AZP_MANAGED_IDENTITY`.
    pub registration: Registration,
    /// `AZP_WORK`.
    pub work_dir: PathBuf,
    /// `AZP_AGENT_DIR`.
    pub agent_dir: PathBuf,
    /// Whether an agent is already installed in `agent_dir`.
    pub preinstalled: bool,
    /// `AZP_PLATFORM`: the agent package to download when none is installed.
    pub platform: Platform,
    /// `AZP_STOP_TIMEOUT`.
    pub stop_timeout: Duration,
    /// `AZP_GRACE_PERIOD`.
    pub grace_period: Duration,
    /// `AZP_JOB_TIMEOUT`.
    pub job_time_limit: Option<Duration>,
    /// `AZP_LOG`.
    pub log_filter: String,
    /// Self-deletion of the container group (`AZ_ACI_*`, `AZ_SUBSCRIPTION_ID` and the Azure
    /// credential variables), when configured.
    pub self_delete: Option<SelfDelete>,
    /// The cloud whose Entra ID issues the registration's tokens (`AZ_CLOUD`, ...).
    pub cloud: Cloud,
    /// Trusted roots (`AZ_CA_BUNDLE`) and IMDS (`AZURE_POD_IDENTITY_AUTHORITY_HOST`).
    pub transport: HttpTransport,
}

/// Default of `AZP_WORK`.
pub const DEFAULT_WORK: &str = "_work";
/// Default of `AZP_STOP_TIMEOUT`: under the 30 s Kubernetes (and, as observed, ACI) waits
/// between SIGTERM and SIGKILL. Docker waits 10 s: set it lower there.
pub const DEFAULT_STOP_TIMEOUT: Duration = Duration::from_secs(25);
/// Default of `AZP_GRACE_PERIOD`, cut to what `AZP_STOP_TIMEOUT` leaves after the cleanup's
/// share.
pub const DEFAULT_GRACE_PERIOD: Duration = Duration::from_secs(20);
/// Default of `AZP_AGENT_DIR`.
#[cfg(not(windows))]
pub const DEFAULT_AGENT_DIR: &str = "/azp/agent";
/// Default of `AZP_AGENT_DIR`.
#[cfg(windows)]
pub const DEFAULT_AGENT_DIR: &str = r"C:\azp\agent";

impl Config {
    /// Reads and checks the configuration from `env`; the agent folder is looked at, nothing
    /// is contacted.
    pub fn from_env(env: &dyn EnvSource) -> Result<Config> {
        let organization = pool_access::organization_from_env(env).map_err(one_line)?;
        let pool = pool_access::pool_from_env(env).map_err(one_line)?;
        let agent_name = env
            .var("AZP_AGENT_NAME")
            .unwrap_or_else(azp_agent::configure::host_name);
        azp_agent::configure::validate_agent_name("AZP_AGENT_NAME", &agent_name).map_err(one_line)?;
        let registration = registration(env)?;
        let work_dir = PathBuf::from(env.var("AZP_WORK").unwrap_or_else(|| DEFAULT_WORK.to_owned()));
        let agent_dir = PathBuf::from(env.var("AZP_AGENT_DIR").unwrap_or_else(|| DEFAULT_AGENT_DIR.to_owned()));
        let preinstalled = check_agent_dir(&agent_dir)?;
        let platform = match env.var("AZP_PLATFORM") {
            Some(name) => Platform::parse_named("AZP_PLATFORM", &name).map_err(one_line)?,
            None => Platform::current().ok_or_else(|| {
                ConfigError::new(
                    "AZP_PLATFORM",
                    "is missing and this machine is not a platform the agent is built for; set it, e.g. linux-x64",
                )
            })?,
        };
        let stop_timeout =
            arm_core::duration_var(env, "AZP_STOP_TIMEOUT", DEFAULT_STOP_TIMEOUT, Duration::from_secs(3600))?;
        let max_grace = SuperviseOptions::max_grace_period(stop_timeout);
        let grace_period = match env.var("AZP_GRACE_PERIOD") {
            None => DEFAULT_GRACE_PERIOD.min(max_grace),
            Some(value) => {
                let grace = parse_duration("AZP_GRACE_PERIOD", &value, Duration::from_secs(3600))?;
                if grace > max_grace {
                    return Err(ConfigError::new(
                        "AZP_GRACE_PERIOD",
                        format!(
                            "{} s does not fit in AZP_STOP_TIMEOUT ({} s), which also holds the cleanup; expected at most {} ms, or a longer AZP_STOP_TIMEOUT",
                            grace.as_secs(),
                            stop_timeout.as_secs(),
                            max_grace.as_millis()
                        ),
                    ));
                }
                grace
            }
        };
        let job_time_limit = env
            .var("AZP_JOB_TIMEOUT")
            .map(|value| parse_duration("AZP_JOB_TIMEOUT", &value, Duration::from_secs(7 * 24 * 3600)))
            .transpose()?;
        let log_filter = env_config::log_filter(env)?;
        let self_delete = SelfDelete::from_env(env).map_err(|e| match e {
            aci_lifecycle::Error::InvalidInput { field, message } => ConfigError::new(field, message),
            aci_lifecycle::Error::Arm(arm_core::Error::Config(e)) => e,
            other => ConfigError::new("AZ_ACI_NAME", other.to_string()),
        })?;
        let cloud = Cloud::from_env(env).map_err(arm_config)?;
        let transport = HttpTransport::from_env(env).map_err(arm_config)?;
        Ok(Config {
            organization,
            pool,
            agent_name,
            registration,
            work_dir,
            agent_dir,
            preinstalled,
            platform,
            stop_timeout,
            grace_period,
            job_time_limit,
            log_filter,
            self_delete,
            cloud,
            transport,
        })
    }

    /// The credential for Azure DevOps: the token itself, or the Entra credential of the service
    /// principal or managed identity, on the configured cloud and transport.
    pub fn devops_credential(&self) -> Result<DevOpsCredential> {
        let source = match &self.registration {
            Registration::Token { from, token } => {
                return DevOpsCredential::pat(token.secret()).map_err(|e| ConfigError::new(*from, e.to_string()));
            }
            Registration::ServicePrincipal {
                tenant_id,
                client_id,
                secret,
            } => CredentialSource::ServicePrincipal {
                tenant_id: tenant_id.clone(),
                client_id: client_id.clone(),
                secret: secret.clone(),
            },
            Registration::ManagedIdentity { client_id } => CredentialSource::ManagedIdentity {
                id: client_id.clone().map(ManagedIdentityId::ClientId),
            },
        };
        let credential = source.build(&self.cloud, &self.transport).map_err(arm_config)?;
        Ok(DevOpsCredential::Entra(credential))
    }

    /// What `--check` prints: one setting per line, secrets masked.
    pub fn describe(&self) -> Vec<(&'static str, String)> {
        let registration = match &self.registration {
            Registration::Token { from, .. } => format!("token from {from} (***)"),
            Registration::ServicePrincipal {
                tenant_id, client_id, ..
            } => format!("service principal {client_id} in tenant {tenant_id} (secret ***), --auth sp"),
            Registration::ManagedIdentity { client_id: None } => {
                "system-assigned managed identity (Entra token as PAT)".to_owned()
            }
            Registration::ManagedIdentity { client_id: Some(id) } => {
                format!("user-assigned managed identity {id} (Entra token as PAT)")
            }
        };
        let agent = if self.preinstalled {
            format!("use the agent installed in {}", self.agent_dir.display())
        } else {
            format!(
                "download the latest {} agent into {}",
                self.platform,
                self.agent_dir.display()
            )
        };
        let self_delete = match &self.self_delete {
            Some(target) => format!("delete container group {} when done", target.target()),
            None => "not configured (AZ_ACI_NAME, AZ_ACI_RG, AZ_SUBSCRIPTION_ID unset)".to_owned(),
        };
        vec![
            ("organization", self.organization.as_str().to_owned()),
            ("pool", self.pool.clone()),
            ("agent name", self.agent_name.clone()),
            ("registration", registration),
            ("agent", agent),
            ("work folder", self.work_dir.display().to_string()),
            ("stop timeout", format!("{} ms", self.stop_timeout.as_millis())),
            ("grace period", format!("{} ms", self.grace_period.as_millis())),
            (
                "job time limit",
                self.job_time_limit
                    .map_or_else(|| "none".to_owned(), |d| format!("{} s", d.as_secs())),
            ),
            ("self-delete", self_delete),
            ("log filter", self.log_filter.clone()),
        ]
    }
}

fn registration(env: &dyn EnvSource) -> Result<Registration> {
    let token = env.var(AZP_TOKEN);
    let token_file = env.var(AZP_TOKEN_FILE);
    let sp = ["AZP_CLIENTID", "AZP_CLIENTSECRET", "AZP_TENANTID"].map(|name| env.var(name));
    let managed = env.var("AZP_MANAGED_IDENTITY");
    let chosen: Vec<&str> = [
        (token.is_some(), "AZP_TOKEN"),
        (token_file.is_some(), "AZP_TOKEN_FILE"),
        (sp.iter().any(Option::is_some), "AZP_CLIENTID"),
        (managed.is_some(), "AZP_MANAGED_IDENTITY"),
    ]
    .into_iter()
    .filter_map(|(set, name)| set.then_some(name))
    .collect();
    match chosen.as_slice() {
        [] => Err(ConfigError::new(
            "AZP_TOKEN",
            "is missing: set AZP_TOKEN or AZP_TOKEN_FILE (a PAT with Agent Pools read & manage), \
             AZP_CLIENTID + AZP_CLIENTSECRET + AZP_TENANTID, or AZP_MANAGED_IDENTITY",
        )),
        [_, second, ..] => Err(ConfigError::new(
            *second,
            format!("cannot be combined with {}: set one way of registering", chosen[0]),
        )),
        ["AZP_TOKEN"] => Ok(Registration::Token {
            from: "AZP_TOKEN",
            token: pool_access::token_from_value(AZP_TOKEN, token.unwrap_or_default()).map_err(one_line)?,
        }),
        ["AZP_TOKEN_FILE"] => Ok(Registration::Token {
            from: "AZP_TOKEN_FILE",
            token: pool_access::token_from_file(&token_file.unwrap_or_default()).map_err(one_line)?,
        }),
        ["AZP_CLIENTID"] => {
            let [client_id, secret, tenant_id] = sp;
            let missing = |name: &str| {
                ConfigError::new(
                    name,
                    "is missing: service principal registration needs AZP_CLIENTID, AZP_CLIENTSECRET and AZP_TENANTID",
                )
            };
            let client_id = client_id.ok_or_else(|| missing("AZP_CLIENTID"))?;
            let secret = secret.ok_or_else(|| missing("AZP_CLIENTSECRET"))?;
            let tenant_id = tenant_id.ok_or_else(|| missing("AZP_TENANTID"))?;
            check_guid("AZP_CLIENTID", &client_id)?;
            check_tenant("AZP_TENANTID", &tenant_id)?;
            Ok(Registration::ServicePrincipal {
                tenant_id,
                client_id,
                secret: Secret::new(secret),
            })
        }
        _ => {
            let value = managed.unwrap_or_default();
            match value.trim().to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" => Ok(Registration::ManagedIdentity { client_id: None }),
                other if is_guid(other) => Ok(Registration::ManagedIdentity {
                    client_id: Some(other.to_owned()),
                }),
                _ => Err(ConfigError::new(
                    "AZP_MANAGED_IDENTITY",
                    format!(
                        "'{value}' is neither true nor a client id; expected true (system-assigned) or the client id of a user-assigned identity"
                    ),
                )),
            }
        }
    }
}

/// Whether an agent is installed in `dir`; an error when `dir` is not a directory or holds a
/// half install.
fn check_agent_dir(dir: &Path) -> Result<bool> {
    if dir.exists() && !dir.is_dir() {
        return Err(ConfigError::new(
            "AZP_AGENT_DIR",
            format!("'{}' is not a directory", dir.display()),
        ));
    }
    find_agent(dir)
        .map(|agent| agent.is_some())
        .map_err(|e| ConfigError::new("AZP_AGENT_DIR", e.to_string()))
}
