//! Azure clouds: the endpoints and token scopes of each sovereign cloud, and custom clouds.

use crate::env::EnvSource;
use crate::error::{ConfigError, Error};
use std::fmt;
use std::str::FromStr;
use url::Url;

/// Name of the variable that selects the cloud (an `az cloud list` name, or a custom name).
pub const AZ_CLOUD: &str = "AZ_CLOUD";
/// Name of the variable that gives the ARM endpoint of a custom cloud.
pub const AZ_ARM_ENDPOINT: &str = "AZ_ARM_ENDPOINT";
/// Name of the variable that gives the Entra ID authority host of a custom cloud.
pub const AZ_AUTHORITY_HOST: &str = "AZ_AUTHORITY_HOST";
/// Name of the optional variable that gives the Azure DevOps endpoint of a custom cloud.
pub const AZ_DEVOPS_ENDPOINT: &str = "AZ_DEVOPS_ENDPOINT";
/// Name of the optional variable that gives the storage endpoint suffix of a custom cloud.
pub const AZ_STORAGE_SUFFIX: &str = "AZ_STORAGE_SUFFIX";

/// The Entra ID scope of Azure DevOps, the same in every cloud.
pub const AZURE_DEVOPS_SCOPE: &str = "499b84ac-1321-427f-aa17-267ca6975798/.default";

/// An Azure cloud: where ARM and Entra ID live, and which scope ARM tokens need.
///
/// ```
/// use arm_core::Cloud;
///
/// let cloud: Cloud = "azurechinacloud".parse()?;
/// assert_eq!(cloud.arm_endpoint().as_str(), "https://management.chinacloudapi.cn/");
/// assert_eq!(cloud.arm_scope(), "https://management.chinacloudapi.cn/.default");
/// assert!("AzureGermanCloud".parse::<Cloud>().unwrap_err().to_string().contains("October 2021"));
/// # Ok::<(), arm_core::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cloud {
    name: String,
    kind: CloudKind,
    arm_endpoint: Url,
    authority_host: Url,
    devops_endpoint: Option<Url>,
    storage_suffix: String,
}

/// Which of the known clouds a [`Cloud`] is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CloudKind {
    /// Azure public cloud (`AzureCloud`).
    Public,
    /// Azure operated by 21Vianet (`AzureChinaCloud`).
    China,
    /// Azure US Government (`AzureUSGovernment`).
    UsGovernment,
    /// A cloud given by explicit endpoints (Azure Stack, the emulator).
    Custom,
}

struct KnownCloud {
    name: &'static str,
    kind: CloudKind,
    arm: &'static str,
    authority: &'static str,
    storage_suffix: &'static str,
}

const KNOWN: [KnownCloud; 3] = [
    KnownCloud {
        name: "AzureCloud",
        kind: CloudKind::Public,
        arm: "https://management.azure.com",
        authority: "https://login.microsoftonline.com",
        storage_suffix: "core.windows.net",
    },
    KnownCloud {
        name: "AzureChinaCloud",
        kind: CloudKind::China,
        arm: "https://management.chinacloudapi.cn",
        authority: "https://login.chinacloudapi.cn",
        storage_suffix: "core.chinacloudapi.cn",
    },
    KnownCloud {
        name: "AzureUSGovernment",
        kind: CloudKind::UsGovernment,
        arm: "https://management.usgovcloudapi.net",
        authority: "https://login.microsoftonline.us",
        storage_suffix: "core.usgovcloudapi.net",
    },
];

const GERMAN_CLOUD: &str = "AzureGermanCloud";

impl Cloud {
    /// The Azure public cloud, the default.
    pub fn public() -> Self {
        Self::known(&KNOWN[0])
    }

    /// Azure operated by 21Vianet.
    pub fn china() -> Self {
        Self::known(&KNOWN[1])
    }

    /// Azure US Government.
    pub fn us_government() -> Self {
        Self::known(&KNOWN[2])
    }

    fn known(known: &KnownCloud) -> Self {
        Self {
            name: known.name.to_owned(),
            kind: known.kind,
            arm_endpoint: Url::parse(known.arm).expect("static URL"),
            authority_host: Url::parse(known.authority).expect("static URL"),
            devops_endpoint: Some(Url::parse("https://dev.azure.com").expect("static URL")),
            storage_suffix: known.storage_suffix.to_owned(),
        }
    }

    /// Starts a custom cloud from its ARM endpoint and Entra ID authority host; both must be https.
    ///
    /// ```
    /// let cloud = arm_core::Cloud::custom("AzureEmulator", "https://127.0.0.1:8443", "https://127.0.0.1:8444")?
    ///     .with_storage_suffix("blob.local");
    /// assert_eq!(cloud.arm_scope(), "https://127.0.0.1:8443/.default");
    /// assert!(arm_core::Cloud::custom("x", "http://arm.local", "https://login.local").is_err());
    /// # Ok::<(), arm_core::Error>(())
    /// ```
    pub fn custom(name: &str, arm_endpoint: &str, authority_host: &str) -> Result<Self, Error> {
        if name.trim().is_empty() {
            return Err(ConfigError::new(AZ_CLOUD, "a custom cloud needs a non-empty name").into());
        }
        if Self::lookup(name).is_some() || name.eq_ignore_ascii_case(GERMAN_CLOUD) {
            return Err(ConfigError::new(
                AZ_CLOUD,
                format!("'{name}' is a built-in cloud and cannot be given custom endpoints"),
            )
            .into());
        }
        Ok(Self {
            name: name.to_owned(),
            kind: CloudKind::Custom,
            arm_endpoint: https_url(AZ_ARM_ENDPOINT, arm_endpoint)?,
            authority_host: https_url(AZ_AUTHORITY_HOST, authority_host)?,
            devops_endpoint: None,
            storage_suffix: String::new(),
        })
    }

    /// Sets the Azure DevOps endpoint of a custom cloud (must be https).
    pub fn with_devops_endpoint(mut self, endpoint: &str) -> Result<Self, Error> {
        self.devops_endpoint = Some(https_url(AZ_DEVOPS_ENDPOINT, endpoint)?);
        Ok(self)
    }

    /// Sets the storage endpoint suffix of a custom cloud (for example `core.windows.net`).
    pub fn with_storage_suffix(mut self, suffix: &str) -> Self {
        self.storage_suffix = suffix.trim_start_matches('.').to_owned();
        self
    }

    /// Reads the cloud from `AZ_CLOUD`, `AZ_ARM_ENDPOINT`, `AZ_AUTHORITY_HOST` and optionally
    /// `AZ_DEVOPS_ENDPOINT` and `AZ_STORAGE_SUFFIX`.
    ///
    /// With no variable set this is the public cloud. `AZ_ARM_ENDPOINT` and `AZ_AUTHORITY_HOST`
    /// make a custom cloud (named by `AZ_CLOUD`, or `Custom`), and must come together.
    pub fn from_env(env: &dyn EnvSource) -> Result<Self, Error> {
        let name = env.var(AZ_CLOUD);
        let arm = env.var(AZ_ARM_ENDPOINT);
        let authority = env.var(AZ_AUTHORITY_HOST);
        match (arm, authority) {
            (None, None) => {
                for optional in [AZ_DEVOPS_ENDPOINT, AZ_STORAGE_SUFFIX] {
                    if env.var(optional).is_some() {
                        return Err(ConfigError::new(
                            optional,
                            "is only used with a custom cloud: set AZ_ARM_ENDPOINT and AZ_AUTHORITY_HOST too",
                        )
                        .into());
                    }
                }
                name.map_or_else(|| Ok(Self::public()), |n| n.parse())
            }
            (Some(arm), Some(authority)) => {
                let name = name.unwrap_or_else(|| "Custom".to_owned());
                let mut cloud = Self::custom(&name, &arm, &authority)?;
                if let Some(devops) = env.var(AZ_DEVOPS_ENDPOINT) {
                    cloud = cloud.with_devops_endpoint(&devops)?;
                }
                if let Some(suffix) = env.var(AZ_STORAGE_SUFFIX) {
                    cloud = cloud.with_storage_suffix(&suffix);
                }
                Ok(cloud)
            }
            (Some(_), None) => Err(ConfigError::new(
                AZ_AUTHORITY_HOST,
                "is missing: a custom cloud needs both AZ_ARM_ENDPOINT and AZ_AUTHORITY_HOST",
            )
            .into()),
            (None, Some(_)) => Err(ConfigError::new(
                AZ_ARM_ENDPOINT,
                "is missing: a custom cloud needs both AZ_ARM_ENDPOINT and AZ_AUTHORITY_HOST",
            )
            .into()),
        }
    }

    fn lookup(name: &str) -> Option<&'static KnownCloud> {
        KNOWN.iter().find(|k| k.name.eq_ignore_ascii_case(name))
    }

    /// The cloud's name (`AzureCloud`, ..., or the custom name).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Which cloud this is.
    pub fn kind(&self) -> CloudKind {
        self.kind
    }

    /// The ARM endpoint, e.g. `https://management.azure.com/`.
    pub fn arm_endpoint(&self) -> &Url {
        &self.arm_endpoint
    }

    /// The Entra ID authority host, e.g. `https://login.microsoftonline.com/`.
    pub fn authority_host(&self) -> &Url {
        &self.authority_host
    }

    /// The Azure DevOps endpoint, if known for this cloud.
    pub fn devops_endpoint(&self) -> Option<&Url> {
        self.devops_endpoint.as_ref()
    }

    /// The storage endpoint suffix (`core.windows.net`, ...), empty if unknown for a custom cloud.
    pub fn storage_suffix(&self) -> &str {
        &self.storage_suffix
    }

    /// The scope of ARM tokens: the ARM endpoint followed by `/.default`.
    pub fn arm_scope(&self) -> String {
        format!("{}/.default", self.arm_endpoint.as_str().trim_end_matches('/'))
    }

    /// The matching azure_core cloud configuration, used to point azure_identity credentials at
    /// the right authority host.
    pub fn to_cloud_configuration(&self) -> azure_core::cloud::CloudConfiguration {
        use azure_core::cloud::{CloudConfiguration, CustomConfiguration};
        match self.kind {
            CloudKind::Public => CloudConfiguration::AzurePublic,
            CloudKind::China => CloudConfiguration::AzureChina,
            CloudKind::UsGovernment => CloudConfiguration::AzureGovernment,
            CloudKind::Custom => {
                let mut custom = CustomConfiguration::default();
                custom.authority_host = self.authority_host.as_str().trim_end_matches('/').to_owned();
                custom.into()
            }
        }
    }
}

impl Default for Cloud {
    fn default() -> Self {
        Self::public()
    }
}

impl fmt::Display for Cloud {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

impl FromStr for Cloud {
    type Err = Error;

    /// Parses an `az cloud list` name, case-insensitively.
    fn from_str(name: &str) -> Result<Self, Error> {
        let trimmed = name.trim();
        if trimmed.eq_ignore_ascii_case(GERMAN_CLOUD) {
            return Err(ConfigError::new(
                AZ_CLOUD,
                "AzureGermanCloud closed in October 2021; use AzureCloud (for example the Germany West Central region)",
            )
            .into());
        }
        Self::lookup(trimmed).map(Self::known).ok_or_else(|| {
            ConfigError::new(
                AZ_CLOUD,
                format!(
                    "unknown cloud '{trimmed}': expected AzureCloud, AzureChinaCloud or AzureUSGovernment, or a custom cloud with AZ_ARM_ENDPOINT and AZ_AUTHORITY_HOST"
                ),
            )
            .into()
        })
    }
}

fn https_url(variable: &'static str, value: &str) -> Result<Url, Error> {
    let url = Url::parse(value.trim()).map_err(|e| {
        ConfigError::new(
            variable,
            format!("'{value}' is not a URL ({e}); expected https://host[:port]"),
        )
    })?;
    if url.scheme() != "https" {
        return Err(ConfigError::new(
            variable,
            format!("'{value}' must use https (Entra ID tokens are only sent over TLS)"),
        )
        .into());
    }
    if url.host_str().is_none_or(str::is_empty) || url.query().is_some() || url.fragment().is_some() {
        return Err(ConfigError::new(
            variable,
            format!("'{value}' must be a plain https://host[:port] endpoint"),
        )
        .into());
    }
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn every_known_name_parses_case_insensitively() {
        let cases = [
            (
                "AzureCloud",
                CloudKind::Public,
                "https://management.azure.com/",
                "https://login.microsoftonline.com/",
                "core.windows.net",
            ),
            (
                "azurecloud",
                CloudKind::Public,
                "https://management.azure.com/",
                "https://login.microsoftonline.com/",
                "core.windows.net",
            ),
            (
                "AZURECHINACLOUD",
                CloudKind::China,
                "https://management.chinacloudapi.cn/",
                "https://login.chinacloudapi.cn/",
                "core.chinacloudapi.cn",
            ),
            (
                "AzureUSGovernment",
                CloudKind::UsGovernment,
                "https://management.usgovcloudapi.net/",
                "https://login.microsoftonline.us/",
                "core.usgovcloudapi.net",
            ),
            (
                " azureusgovernment ",
                CloudKind::UsGovernment,
                "https://management.usgovcloudapi.net/",
                "https://login.microsoftonline.us/",
                "core.usgovcloudapi.net",
            ),
        ];
        for (name, kind, arm, login, storage) in cases {
            let cloud: Cloud = name.parse().unwrap();
            assert_eq!(cloud.kind(), kind, "{name}");
            assert_eq!(cloud.arm_endpoint().as_str(), arm, "{name}");
            assert_eq!(cloud.authority_host().as_str(), login, "{name}");
            assert_eq!(cloud.storage_suffix(), storage, "{name}");
            assert_eq!(cloud.arm_scope(), format!("{}.default", arm), "{name}");
        }
    }

    #[test]
    fn german_cloud_is_rejected_with_its_closing_date() {
        let err = "azuregermancloud".parse::<Cloud>().unwrap_err().to_string();
        assert!(
            err.contains("AZ_CLOUD") && err.contains("closed in October 2021"),
            "{err}"
        );
    }

    #[test]
    fn unknown_name_lists_the_expected_names() {
        let err = "AzureMoon".parse::<Cloud>().unwrap_err().to_string();
        assert!(err.contains("AzureMoon") && err.contains("AzureChinaCloud"), "{err}");
    }

    #[test]
    fn custom_cloud_requires_https_plain_endpoints() {
        let ok = Cloud::custom("Stack", "https://arm.local:8443/", "https://login.local").unwrap();
        assert_eq!(ok.arm_scope(), "https://arm.local:8443/.default");
        assert_eq!(ok.kind(), CloudKind::Custom);
        for (arm, login, var) in [
            ("http://arm.local", "https://login.local", AZ_ARM_ENDPOINT),
            ("https://arm.local", "http://login.local", AZ_AUTHORITY_HOST),
            ("not a url", "https://login.local", AZ_ARM_ENDPOINT),
            ("https://arm.local?x=1", "https://login.local", AZ_ARM_ENDPOINT),
        ] {
            let err = Cloud::custom("Stack", arm, login).unwrap_err().to_string();
            assert!(err.contains(var), "{err}");
        }
        assert!(Cloud::custom("AzureCloud", "https://a.local", "https://b.local").is_err());
        assert!(Cloud::custom("", "https://a.local", "https://b.local").is_err());
        let devops = ok
            .clone()
            .with_devops_endpoint("http://dev.local")
            .unwrap_err()
            .to_string();
        assert!(devops.contains(AZ_DEVOPS_ENDPOINT), "{devops}");
    }

    #[test]
    fn from_env_defaults_to_public_and_reads_custom_endpoints() {
        assert_eq!(Cloud::from_env(&env(&[])).unwrap(), Cloud::public());
        assert_eq!(
            Cloud::from_env(&env(&[(AZ_CLOUD, "AzureChinaCloud")])).unwrap(),
            Cloud::china()
        );
        let custom = Cloud::from_env(&env(&[
            (AZ_CLOUD, "AzureEmulator"),
            (AZ_ARM_ENDPOINT, "https://127.0.0.1:1234"),
            (AZ_AUTHORITY_HOST, "https://127.0.0.1:1235"),
            (AZ_STORAGE_SUFFIX, ".blob.local"),
            (AZ_DEVOPS_ENDPOINT, "https://127.0.0.1:1236"),
        ]))
        .unwrap();
        assert_eq!(custom.name(), "AzureEmulator");
        assert_eq!(custom.storage_suffix(), "blob.local");
        assert_eq!(custom.devops_endpoint().unwrap().as_str(), "https://127.0.0.1:1236/");
        match custom.to_cloud_configuration() {
            azure_core::cloud::CloudConfiguration::Custom(c) => {
                assert_eq!(c.authority_host, "https://127.0.0.1:1235")
            }
            other => panic!("expected a custom configuration, got {other:?}"),
        }
    }

    #[test]
    fn from_env_rejects_partial_or_contradictory_settings() {
        let cases = [
            (env(&[(AZ_ARM_ENDPOINT, "https://a.local")]), AZ_AUTHORITY_HOST),
            (env(&[(AZ_AUTHORITY_HOST, "https://a.local")]), AZ_ARM_ENDPOINT),
            (env(&[(AZ_STORAGE_SUFFIX, "x.local")]), AZ_STORAGE_SUFFIX),
            (
                env(&[
                    (AZ_CLOUD, "AzureCloud"),
                    (AZ_ARM_ENDPOINT, "https://a.local"),
                    (AZ_AUTHORITY_HOST, "https://b.local"),
                ]),
                AZ_CLOUD,
            ),
        ];
        for (vars, named) in cases {
            let err = Cloud::from_env(&vars).unwrap_err().to_string();
            assert!(err.contains(named), "{vars:?}: {err}");
        }
    }
}
