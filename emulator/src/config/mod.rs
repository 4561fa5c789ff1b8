//! The emulator's configuration (TOML or JSON) and its documented defaults.

mod acr;
mod devops;
mod faults;
mod image_builder;
mod parse;
mod platform_images;
mod rates;
mod responses;
mod seed_sections;
mod seeds;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

pub use acr::{AcrConfig, AcrRunScript};
pub(crate) use devops::is_token;
pub use devops::{
    AgentPackageSeed, DEFAULT_AGENT_PLATFORM, DEFAULT_AGENT_VERSION, DEFAULT_ORGANIZATION, DEFAULT_POOL, DevopsConfig,
    OrganizationSeed, PatSeed, PoolSeed, SCOPE_AGENT_POOLS_MANAGE, SCOPE_AGENT_POOLS_READ,
};
pub use faults::{FaultConfig, FaultRule};
pub use image_builder::{ImageBuildScript, ImageBuilderConfig, LogLocation};
pub use platform_images::PlatformImageSeed;
pub(crate) use platform_images::marketplace;
pub(crate) use rates::Rates;
pub use responses::{CONTAINER_GROUP_DELETE_STATUSES, ResponsesConfig};
pub use seed_sections::SeedSections;
pub use seeds::{
    DEFAULT_FEDERATED_AUDIENCE, FederatedCredentialSeed, IdentityKind, ManagedIdentitySeed, ResourceGroupSeed,
    RoleAssignmentSeed, RoleGrantSeed, RoleName, ServicePrincipalSeed, SubscriptionSeed, TenantSeed,
};

use crate::error::Error;
use crate::model::operations::MAX_DURATION;
use crate::redact;

/// Name of the resource group of the default configuration.
pub const DEFAULT_RESOURCE_GROUP: &str = "rg-emulator";
/// Name of the user-assigned managed identity of the default configuration.
pub const DEFAULT_IDENTITY_NAME: &str = "id-emulator";
/// Longest `container_stop_grace_ms`.
const MAX_STOP_GRACE_MS: u64 = 60_000;

/// Everything the emulator starts with. Every field is optional in a file; a field left out keeps
/// its value from [`EmulatorConfig::default`].
#[derive(Deserialize, Clone)]
#[serde(default, deny_unknown_fields)]
pub struct EmulatorConfig {
    /// Default region of resource groups and of the ARM routing headers.
    pub location: String,
    /// Directory for `ca.pem`; a fresh `az-emulator-<uuid>` under the system temp dir (removed at
    /// shutdown) when left out.
    pub state_dir: Option<PathBuf>,
    /// Fixed ports; a free port for each listener left out.
    pub ports: Ports,
    /// How long a long-running operation stays `InProgress`, in milliseconds.
    pub operation_duration_ms: u64,
    /// `Retry-After` (seconds) of long-running operation responses.
    pub retry_after_secs: u64,
    /// Lifetime of Entra access tokens, in seconds.
    pub token_lifetime_secs: u64,
    /// Lifetime of managed identity tokens, in seconds (Azure: 24 hours).
    pub identity_token_lifetime_secs: u64,
    /// The App Service `X-IDENTITY-HEADER` secret; random when left out.
    pub identity_header: Option<String>,
    /// The bearer secret of the admin API (`Authorization: Bearer <admin_token>`); 32 random
    /// bytes from the operating system's CSPRNG, base64url, when left out.
    pub admin_token: Option<String>,
    /// Most connections each listener keeps open at once; further ones wait until one closes.
    pub max_connections: usize,
    /// Fault injection.
    pub faults: FaultConfig,
    /// Which documented answer a request gets where the API documents several (a container
    /// group DELETE: 200, 202 or 204), drawn at random from a seed.
    pub responses: ResponsesConfig,
    /// Tenants.
    pub tenants: Vec<TenantSeed>,
    /// Service principals (app registrations).
    pub service_principals: Vec<ServicePrincipalSeed>,
    /// Managed identities.
    pub managed_identities: Vec<ManagedIdentitySeed>,
    /// Subscriptions.
    pub subscriptions: Vec<SubscriptionSeed>,
    /// Resource groups.
    pub resource_groups: Vec<ResourceGroupSeed>,
    /// Role assignments by principal id (roles can also be granted inline on a principal).
    pub role_assignments: Vec<RoleAssignmentSeed>,
    /// Container images the emulator can run: image name (exactly as containers name it) →
    /// command (program and arguments) run as the container's process, the container's own
    /// `command` appended as further arguments. Containers of other images run nothing.
    pub images: BTreeMap<String, Vec<String>>,
    /// How long, in milliseconds, a container's main process has between SIGTERM and SIGKILL
    /// when its group is stopped, restarted, updated or deleted (at most 60000). 0, the default,
    /// kills every process of the container at once with SIGKILL, as Azure is observed to do.
    pub container_stop_grace_ms: u64,
    /// Azure DevOps: organizations, agent pools, PATs, the stand-in agent and its packages.
    pub devops: DevopsConfig,
    /// The marketplace images (`Microsoft.Compute` platform images): every image when empty.
    pub platform_images: Vec<PlatformImageSeed>,
    /// Azure VM Image Builder: phase durations, the log location's form, scripted runs.
    pub image_builder: ImageBuilderConfig,
    /// Azure Container Registry runs: step duration, scripted runs.
    pub acr: AcrConfig,
}

/// Shows every field but the identity header secret (and, through [`ServicePrincipalSeed`], the
/// client secrets).
impl std::fmt::Debug for EmulatorConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EmulatorConfig")
            .field("location", &self.location)
            .field("state_dir", &self.state_dir)
            .field("ports", &self.ports)
            .field("operation_duration_ms", &self.operation_duration_ms)
            .field("retry_after_secs", &self.retry_after_secs)
            .field("token_lifetime_secs", &self.token_lifetime_secs)
            .field("identity_token_lifetime_secs", &self.identity_token_lifetime_secs)
            .field("identity_header", &redact::optional(self.identity_header.as_ref()))
            .field("admin_token", &redact::optional(self.admin_token.as_ref()))
            .field("max_connections", &self.max_connections)
            .field("faults", &self.faults)
            .field("responses", &self.responses)
            .field("tenants", &self.tenants)
            .field("service_principals", &self.service_principals)
            .field("managed_identities", &self.managed_identities)
            .field("subscriptions", &self.subscriptions)
            .field("resource_groups", &self.resource_groups)
            .field("role_assignments", &self.role_assignments)
            .field("images", &self.images)
            .field("container_stop_grace_ms", &self.container_stop_grace_ms)
            .field("devops", &self.devops)
            .field("platform_images", &self.platform_images)
            .field("image_builder", &self.image_builder)
            .field("acr", &self.acr)
            .finish()
    }
}

/// Whether `token` is usable as `Authorization: Bearer <token>` (RFC 6750 `b64token`), and long
/// enough (16 characters) not to be guessed by trying.
fn is_bearer_token(token: &str) -> bool {
    let body = token.trim_end_matches('=');
    (16..=512).contains(&token.len())
        && !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'+' | b'/'))
}

/// Fixed ports of the listeners (all on 127.0.0.1).
#[derive(Deserialize, Clone, Debug, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Ports {
    /// ARM (HTTPS).
    pub arm: Option<u16>,
    /// Entra ID (HTTPS).
    pub login: Option<u16>,
    /// IMDS and App Service identity endpoint (HTTP).
    pub imds: Option<u16>,
    /// Admin API (HTTP).
    pub admin: Option<u16>,
    /// Azure DevOps (HTTPS).
    pub devops: Option<u16>,
    /// Blob Storage (HTTPS).
    pub blob: Option<u16>,
}

impl Default for EmulatorConfig {
    /// One tenant; one service principal with Owner on one subscription; that subscription's
    /// resource group `rg-emulator`; one user-assigned identity `id-emulator` in it with
    /// Contributor on it; the Azure DevOps organization of [`DevopsConfig::default`]. All ids
    /// and secrets are random.
    fn default() -> Self {
        EmulatorConfig {
            location: "eastus".to_owned(),
            state_dir: None,
            ports: Ports::default(),
            operation_duration_ms: 1500,
            retry_after_secs: 1,
            token_lifetime_secs: 3600,
            identity_token_lifetime_secs: 86_400,
            identity_header: None,
            admin_token: None,
            max_connections: 1024,
            faults: FaultConfig::default(),
            responses: ResponsesConfig::default(),
            tenants: vec![TenantSeed::default()],
            service_principals: vec![ServicePrincipalSeed {
                name: Some("az-emulator".to_owned()),
                roles: vec![RoleGrantSeed {
                    role: RoleName::Owner,
                    scope: None,
                    subscription_id: None,
                    resource_group: None,
                }],
                ..ServicePrincipalSeed::default()
            }],
            managed_identities: vec![ManagedIdentitySeed {
                name: Some(DEFAULT_IDENTITY_NAME.to_owned()),
                resource_group: Some(DEFAULT_RESOURCE_GROUP.to_owned()),
                roles: vec![RoleGrantSeed {
                    role: RoleName::Contributor,
                    scope: None,
                    subscription_id: None,
                    resource_group: Some(DEFAULT_RESOURCE_GROUP.to_owned()),
                }],
                ..ManagedIdentitySeed::default()
            }],
            subscriptions: vec![SubscriptionSeed::default()],
            resource_groups: vec![ResourceGroupSeed {
                subscription_id: None,
                name: DEFAULT_RESOURCE_GROUP.to_owned(),
                location: None,
                tags: Default::default(),
            }],
            role_assignments: Vec::new(),
            images: BTreeMap::new(),
            container_stop_grace_ms: 0,
            devops: DevopsConfig::default(),
            platform_images: Vec::new(),
            image_builder: ImageBuilderConfig::default(),
            acr: AcrConfig::default(),
        }
    }
}

impl EmulatorConfig {
    /// Reads a `.toml` or `.json` file (chosen by extension, case-insensitive).
    pub fn from_file(path: &Path) -> Result<Self, Error> {
        let extension = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        let is_toml = match extension.as_deref() {
            Some("toml") => true,
            Some("json") => false,
            _ => {
                return Err(Error::ConfigFormat { path: path.to_owned() });
            }
        };
        let text = std::fs::read_to_string(path).map_err(|source| Error::ReadConfig {
            path: path.to_owned(),
            source,
        })?;
        let origin = path.display().to_string();
        let config: EmulatorConfig = if is_toml {
            parse::toml(&text, &origin)?
        } else {
            parse::json(&text, &origin)?
        };
        config.validate()?;
        Ok(config)
    }

    /// Parses a TOML document.
    pub fn from_toml_str(s: &str) -> Result<Self, Error> {
        let config: EmulatorConfig = parse::toml(s, "<toml>")?;
        config.validate()?;
        Ok(config)
    }

    /// Parses a JSON document.
    pub fn from_json_str(s: &str) -> Result<Self, Error> {
        let config: EmulatorConfig = parse::json(s, "<json>")?;
        config.validate()?;
        Ok(config)
    }

    /// Checks the values that the schema alone cannot (references are checked at start).
    pub(crate) fn validate(&self) -> Result<(), Error> {
        if self.location.trim().is_empty() {
            return Err(Error::invalid("location", "must not be empty"));
        }
        if self.token_lifetime_secs < 2 {
            return Err(Error::invalid("token_lifetime_secs", "must be at least 2"));
        }
        if self.identity_token_lifetime_secs < 2 {
            return Err(Error::invalid("identity_token_lifetime_secs", "must be at least 2"));
        }
        if Duration::from_millis(self.operation_duration_ms) > MAX_DURATION {
            return Err(Error::invalid("operation_duration_ms", "must be at most 7 days"));
        }
        if self.max_connections == 0 {
            return Err(Error::invalid("max_connections", "must be at least 1"));
        }
        if let Some(header) = &self.identity_header
            && (header.is_empty() || hyper::header::HeaderValue::from_str(header).is_err())
        {
            return Err(Error::invalid("identity_header", "must be a non-empty header value"));
        }
        if let Some(token) = &self.admin_token
            && !is_bearer_token(token)
        {
            return Err(Error::invalid(
                "admin_token",
                "must be 16 to 512 characters of A-Z a-z 0-9 - . _ ~ + / (then = padding), a bearer token",
            ));
        }
        for (image, command) in &self.images {
            if command.first().is_none_or(|program| program.is_empty()) {
                return Err(Error::invalid(
                    format!("images.\"{image}\""),
                    "must be a non-empty command (program, then arguments)",
                ));
            }
        }
        if self.container_stop_grace_ms > MAX_STOP_GRACE_MS {
            return Err(Error::invalid("container_stop_grace_ms", "must be at most 60000"));
        }
        self.responses.validate("responses")?;
        self.devops.validate("devops")?;
        for (i, seed) in self.platform_images.iter().enumerate() {
            seed.validate(&format!("platform_images[{i}]"))?;
        }
        self.image_builder.validate("image_builder")?;
        self.acr.validate("acr")?;
        self.faults.validate("faults")
    }
}
