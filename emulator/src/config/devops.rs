//! The `[devops]` section: Azure DevOps organizations, their agent pools and personal access
//! tokens, the stand-in agent and the agent packages served.

use std::path::PathBuf;

use serde::Deserialize;

use crate::error::Error;
use crate::redact;

/// Name of the organization of the default configuration.
pub const DEFAULT_ORGANIZATION: &str = "emulator";
/// Name of the agent pool every organization has when its `pools` are left out.
pub const DEFAULT_POOL: &str = "Default";
/// The PAT scope that allows reading agent pools, agents, job requests and packages.
pub const SCOPE_AGENT_POOLS_READ: &str = "vso.agentpools";
/// The PAT scope that also allows registering, replacing and deleting agents.
pub const SCOPE_AGENT_POOLS_MANAGE: &str = "vso.agentpools_manage";
/// Version of the agent package of the default configuration.
pub const DEFAULT_AGENT_VERSION: &str = "4.258.1";
/// Platform of the agent package of the default configuration.
pub const DEFAULT_AGENT_PLATFORM: &str = "linux-x64";

/// Azure DevOps: organizations with agent pools and PATs, the stand-in agent, agent packages.
#[derive(Deserialize, Clone, Debug)]
#[serde(default, deny_unknown_fields)]
pub struct DevopsConfig {
    /// Organizations; their URL is `{devops endpoint}/{name}`.
    pub organizations: Vec<OrganizationSeed>,
    /// The stand-in agent executable packed as `bin/Agent.Listener`; when left out, a file named
    /// `az-emulator-agent` next to the running executable or in its parent directory.
    pub agent_binary: Option<PathBuf>,
    /// Agent packages served by `GET {org}/_apis/distributedtask/packages/agent`.
    pub packages: Vec<AgentPackageSeed>,
    /// How long `GET .../messages` holds a long poll before answering 204, in seconds (1 to
    /// 3600).
    pub message_poll_secs: u64,
    /// How long a listener may be silent (no poll in flight, no acknowledgement, no job lock
    /// renewal) before its session ends and the agent is `offline`, in seconds (1 to 86400).
    pub session_timeout_secs: u64,
}

impl Default for DevopsConfig {
    /// One organization `emulator` with pool `Default` (id 1) and one random PAT with scope
    /// `vso.agentpools_manage`; one package `linux-x64` 4.258.1 built from the stand-in agent;
    /// 20-second long polls; sessions end after 120 silent seconds.
    fn default() -> Self {
        DevopsConfig {
            organizations: vec![OrganizationSeed {
                name: DEFAULT_ORGANIZATION.to_owned(),
                pools: default_pools(),
                pats: default_pats(),
            }],
            agent_binary: None,
            packages: vec![AgentPackageSeed::default()],
            message_poll_secs: 20,
            session_timeout_secs: 120,
        }
    }
}

/// An Azure DevOps organization.
#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct OrganizationSeed {
    /// Organization name: 1 to 50 letters, digits and hyphens, not starting or ending with a
    /// hyphen.
    pub name: String,
    /// Agent pools; one pool `Default` (id 1) when left out.
    #[serde(default = "default_pools")]
    pub pools: Vec<PoolSeed>,
    /// Personal access tokens valid in this organization; one random token with scope
    /// `vso.agentpools_manage` when left out.
    #[serde(default = "default_pats")]
    pub pats: Vec<PatSeed>,
}

/// An agent pool.
#[derive(Deserialize, Clone, Debug)]
#[serde(deny_unknown_fields)]
pub struct PoolSeed {
    /// Pool name (unique in the organization, case-insensitively).
    pub name: String,
    /// Pool id (at least 1); when left out, ids count up from one more than the highest id
    /// given in the organization.
    #[serde(default)]
    pub id: Option<i32>,
}

/// A personal access token.
#[derive(Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct PatSeed {
    /// The token; 52 random characters (`a-z`, `2-7`, like Azure DevOps PATs) when left out.
    #[serde(default)]
    pub token: Option<String>,
    /// Scopes: `vso.agentpools` (read), `vso.agentpools_manage` (read and write), `app_token`
    /// (full access); other strings are kept and grant nothing here.
    #[serde(default)]
    pub scopes: Vec<String>,
    /// Display name, for logs and the journal.
    #[serde(default)]
    pub name: Option<String>,
}

/// Shows every field but the token.
impl std::fmt::Debug for PatSeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PatSeed")
            .field("token", &redact::optional(self.token.as_ref()))
            .field("scopes", &self.scopes)
            .field("name", &self.name)
            .finish()
    }
}

/// An agent package the packages route advertises and `/_packages/{filename}` serves.
#[derive(Deserialize, Clone, Debug)]
#[serde(default, deny_unknown_fields)]
pub struct AgentPackageSeed {
    /// Platform, e.g. `linux-x64`.
    pub platform: String,
    /// Version `major.minor.patch`.
    pub version: String,
    /// An existing `.tar.gz` served as is; without it the emulator builds the stand-in package.
    pub file: Option<PathBuf>,
    /// A `hashValue` to advertise instead of the archive's SHA-256 (hash mismatch tests).
    pub hash_override: Option<String>,
}

impl Default for AgentPackageSeed {
    fn default() -> Self {
        AgentPackageSeed {
            platform: DEFAULT_AGENT_PLATFORM.to_owned(),
            version: DEFAULT_AGENT_VERSION.to_owned(),
            file: None,
            hash_override: None,
        }
    }
}

impl AgentPackageSeed {
    /// The archive's file name, as Azure DevOps names it: `vsts-agent-{platform}-{version}.tar.gz`.
    pub fn filename(&self) -> String {
        format!("vsts-agent-{}-{}.tar.gz", self.platform, self.version)
    }
}

fn default_pools() -> Vec<PoolSeed> {
    vec![PoolSeed {
        name: DEFAULT_POOL.to_owned(),
        id: Some(1),
    }]
}

fn default_pats() -> Vec<PatSeed> {
    vec![PatSeed {
        token: None,
        scopes: vec![SCOPE_AGENT_POOLS_MANAGE.to_owned()],
        name: Some("az-emulator".to_owned()),
    }]
}

/// Whether `name` is a valid organization name.
pub(crate) fn is_organization_name(name: &str) -> bool {
    (1..=50).contains(&name.len())
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

/// Whether `name` is a valid pool name: 1 to 64 characters, none of `"/:<>\|*?` or control.
pub(crate) fn is_pool_name(name: &str) -> bool {
    crate::pools::names::is_agent_name(name)
}

/// Whether `token` can be a PAT: non-empty visible ASCII.
pub(crate) fn is_token(token: &str) -> bool {
    !token.is_empty() && token.bytes().all(|b| b.is_ascii_graphic())
}

/// Whether `version` is `major.minor.patch` (numbers).
pub(crate) fn is_version(version: &str) -> bool {
    let parts: Vec<&str> = version.split('.').collect();
    parts.len() == 3 && parts.iter().all(|p| !p.is_empty() && p.parse::<i32>().is_ok())
}

impl DevopsConfig {
    /// Checks names, tokens, versions and uniqueness; `field` is this section's path.
    pub(crate) fn validate(&self, field: &str) -> Result<(), Error> {
        if !(1..=3600).contains(&self.message_poll_secs) {
            return Err(Error::invalid(
                format!("{field}.message_poll_secs"),
                "must be 1 to 3600",
            ));
        }
        if !(1..=86_400).contains(&self.session_timeout_secs) {
            return Err(Error::invalid(
                format!("{field}.session_timeout_secs"),
                "must be 1 to 86400",
            ));
        }
        let mut names: Vec<String> = Vec::new();
        for (index, org) in self.organizations.iter().enumerate() {
            let at = format!("{field}.organizations[{index}]");
            if !is_organization_name(&org.name) {
                return Err(Error::invalid(
                    format!("{at}.name"),
                    format!(
                        "'{}' is not an organization name (1 to 50 letters, digits and hyphens, not at either end)",
                        org.name
                    ),
                ));
            }
            if names.iter().any(|n| n.eq_ignore_ascii_case(&org.name)) {
                return Err(Error::invalid(
                    format!("{at}.name"),
                    format!("'{}' is defined twice", org.name),
                ));
            }
            names.push(org.name.clone());
            validate_pools(&org.pools, &at)?;
            for (p, pat) in org.pats.iter().enumerate() {
                if pat.token.as_deref().is_some_and(|t| !is_token(t)) {
                    return Err(Error::invalid(
                        format!("{at}.pats[{p}].token"),
                        "must be non-empty visible ASCII",
                    ));
                }
            }
        }
        let mut files: Vec<String> = Vec::new();
        for (index, package) in self.packages.iter().enumerate() {
            let at = format!("{field}.packages[{index}]");
            if package.platform.is_empty()
                || !package
                    .platform
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Err(Error::invalid(
                    format!("{at}.platform"),
                    "must be letters, digits, '-' or '_' (e.g. linux-x64)",
                ));
            }
            if !is_version(&package.version) {
                return Err(Error::invalid(
                    format!("{at}.version"),
                    "must be major.minor.patch, e.g. 4.258.1",
                ));
            }
            let filename = package.filename();
            if files.contains(&filename) {
                return Err(Error::invalid(at, format!("{filename} is defined twice")));
            }
            files.push(filename);
        }
        Ok(())
    }
}

/// Pool names and ids are unique in an organization.
fn validate_pools(pools: &[PoolSeed], at: &str) -> Result<(), Error> {
    for (index, pool) in pools.iter().enumerate() {
        if !is_pool_name(&pool.name) {
            return Err(Error::invalid(
                format!("{at}.pools[{index}].name"),
                format!("'{}' is not a pool name", pool.name),
            ));
        }
        if pool.id.is_some_and(|id| id < 1) {
            return Err(Error::invalid(format!("{at}.pools[{index}].id"), "must be at least 1"));
        }
        let earlier = &pools[..index];
        if earlier.iter().any(|p| p.name.eq_ignore_ascii_case(&pool.name)) {
            return Err(Error::invalid(
                format!("{at}.pools[{index}].name"),
                format!("'{}' is defined twice", pool.name),
            ));
        }
        if pool.id.is_some() && earlier.iter().any(|p| p.id == pool.id) {
            return Err(Error::invalid(format!("{at}.pools[{index}].id"), "is used twice"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{DevopsConfig, is_organization_name, is_version};

    #[test]
    fn names_and_versions() {
        assert!(is_organization_name("contoso-1"));
        assert!(!is_organization_name("-contoso"));
        assert!(!is_organization_name("a b"));
        assert!(is_version("4.258.1"));
        assert!(!is_version("4.258"));
        assert!(DevopsConfig::default().validate("devops").is_ok());
    }
}
