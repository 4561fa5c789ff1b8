//! What a started emulator reports: endpoints, CA file, environment and default identities.
//! The binary prints [`StartupInfo`] as its one JSON line.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::redact;

/// Everything a client needs to use a running emulator. Its `Debug` output leaves out secrets.
#[derive(Serialize, Deserialize, Clone)]
pub struct StartupInfo {
    /// Base URLs of the endpoint families.
    pub endpoints: Endpoints,
    /// The CA certificate (PEM) that signs the HTTPS listeners' certificate (`ca.pem`).
    pub ca_file: PathBuf,
    /// The system's trusted roots followed by the emulator's CA (`ca-bundle.pem`), for variables
    /// that replace a process's whole trust store (`SSL_CERT_FILE`, `REQUESTS_CA_BUNDLE`).
    #[serde(default)]
    pub ca_bundle_file: PathBuf,
    /// Environment variables that point a process at the emulator.
    pub env: BTreeMap<String, String>,
    /// The first tenant, service principal, subscription, resource group, user-assigned
    /// identity and Azure DevOps organization (empty strings where the configuration has none).
    pub defaults: Defaults,
    /// The bearer secret every request to the admin API must carry as
    /// `Authorization: Bearer <admin_token>` (empty in lines of emulators older than it).
    #[serde(default)]
    pub admin_token: String,
}

/// Base URLs of the listeners, without trailing slash.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Endpoints {
    /// Azure Resource Manager, `https://127.0.0.1:PORT`.
    pub arm: String,
    /// Entra ID (authority host), `https://127.0.0.1:PORT`.
    pub login: String,
    /// Instance Metadata Service, `http://127.0.0.1:PORT` (serves `/metadata/identity/oauth2/token`).
    pub imds: String,
    /// The App Service `IDENTITY_ENDPOINT`, `http://127.0.0.1:PORT/msi/token`.
    pub app_service_identity: String,
    /// The admin API, `http://127.0.0.1:PORT`.
    pub admin: String,
    /// Azure DevOps, `https://127.0.0.1:PORT`; an organization's URL is `{devops}/{org}`.
    #[serde(default)]
    pub devops: String,
    /// Blob Storage, `https://127.0.0.1:PORT`: an account's Blob endpoint is `{blob}/{account}`
    /// (path-style, as Azurite), or any `https://{account}.blob.<suffix>` host name that
    /// resolves to this port (host-style).
    #[serde(default)]
    pub blob: String,
}

/// The identities and resources a client can use without looking anything up. Its `Debug`
/// output leaves out the client secret, the identity header and the PAT.
#[derive(Serialize, Deserialize, Clone)]
pub struct Defaults {
    /// First tenant.
    pub tenant_id: String,
    /// First service principal's client id.
    pub client_id: String,
    /// First service principal's secret.
    pub client_secret: String,
    /// First subscription.
    pub subscription_id: String,
    /// First resource group's name.
    pub resource_group: String,
    /// First user-assigned identity's client id.
    pub identity_client_id: String,
    /// First user-assigned identity's principal (object) id.
    pub identity_principal_id: String,
    /// First user-assigned identity's resource id.
    pub identity_resource_id: String,
    /// The App Service `X-IDENTITY-HEADER` secret.
    pub identity_header: String,
    /// Default region.
    pub location: String,
    /// First Azure DevOps organization's name.
    #[serde(default)]
    pub devops_organization: String,
    /// First Azure DevOps organization's URL, `{endpoints.devops}/{devops_organization}`.
    #[serde(default)]
    pub devops_url: String,
    /// First agent pool of that organization.
    #[serde(default)]
    pub devops_pool: String,
    /// First PAT of that organization with scope `vso.agentpools_manage`.
    #[serde(default)]
    pub devops_pat: String,
}

impl std::fmt::Debug for StartupInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let env: BTreeMap<&str, &str> = self
            .env
            .iter()
            .map(|(name, value)| {
                let shown = if SECRET_VARIABLES.contains(&name.as_str()) {
                    redact::REDACTED
                } else {
                    value.as_str()
                };
                (name.as_str(), shown)
            })
            .collect();
        f.debug_struct("StartupInfo")
            .field("endpoints", &self.endpoints)
            .field("ca_file", &self.ca_file)
            .field("ca_bundle_file", &self.ca_bundle_file)
            .field("env", &env)
            .field("defaults", &self.defaults)
            .field("admin_token", &redact::REDACTED)
            .finish()
    }
}

impl std::fmt::Debug for Defaults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Defaults")
            .field("tenant_id", &self.tenant_id)
            .field("client_id", &self.client_id)
            .field("client_secret", &redact::REDACTED)
            .field("subscription_id", &self.subscription_id)
            .field("resource_group", &self.resource_group)
            .field("identity_client_id", &self.identity_client_id)
            .field("identity_principal_id", &self.identity_principal_id)
            .field("identity_resource_id", &self.identity_resource_id)
            .field("identity_header", &redact::REDACTED)
            .field("location", &self.location)
            .field("devops_organization", &self.devops_organization)
            .field("devops_url", &self.devops_url)
            .field("devops_pool", &self.devops_pool)
            .field("devops_pat", &redact::REDACTED)
            .finish()
    }
}

/// Variables of [`StartupInfo::env`] whose values are secrets.
const SECRET_VARIABLES: &[&str] = &["AZ_SERVICE_PRINCIPAL_KEY", "AZURE_CLIENT_SECRET"];

/// Name of the custom cloud the `AZ_CLOUD` variable selects.
pub const CLOUD_NAME: &str = "AzureEmulator";

/// The environment variables of [`StartupInfo::env`].
pub(crate) fn environment(
    endpoints: &Endpoints,
    ca_file: &std::path::Path,
    ca_bundle_file: &std::path::Path,
    defaults: &Defaults,
) -> BTreeMap<String, String> {
    let ca = ca_file.display().to_string();
    let bundle = ca_bundle_file.display().to_string();
    [
        ("AZ_CLOUD", CLOUD_NAME),
        ("AZ_ARM_ENDPOINT", endpoints.arm.as_str()),
        ("AZ_AUTHORITY_HOST", endpoints.login.as_str()),
        ("AZURE_AUTHORITY_HOST", endpoints.login.as_str()),
        ("AZ_TENANT_ID", defaults.tenant_id.as_str()),
        ("AZ_SERVICE_PRINCIPAL", defaults.client_id.as_str()),
        ("AZ_SERVICE_PRINCIPAL_KEY", defaults.client_secret.as_str()),
        ("AZ_SUBSCRIPTION_ID", defaults.subscription_id.as_str()),
        ("AZURE_TENANT_ID", defaults.tenant_id.as_str()),
        ("AZURE_CLIENT_ID", defaults.client_id.as_str()),
        ("AZURE_CLIENT_SECRET", defaults.client_secret.as_str()),
        ("AZURE_SUBSCRIPTION_ID", defaults.subscription_id.as_str()),
        ("AZ_CA_BUNDLE", ca.as_str()),
        ("SSL_CERT_FILE", bundle.as_str()),
        ("REQUESTS_CA_BUNDLE", bundle.as_str()),
        ("AZURE_POD_IDENTITY_AUTHORITY_HOST", endpoints.imds.as_str()),
        ("AZP_URL", defaults.devops_url.as_str()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .collect()
}
