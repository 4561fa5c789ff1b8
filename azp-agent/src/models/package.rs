//! `PackageMetadata`: the agent packages route.

use serde::{Deserialize, Serialize};

/// A downloadable agent package.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PackageMetadata {
    /// Creation time (RFC 3339).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created_on: Option<String>,
    /// Direct download link (a CDN; no credential is sent there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub download_url: Option<String>,
    /// File name, e.g. `vsts-agent-linux-x64-4.258.1.tar.gz`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filename: Option<String>,
    /// SHA-256 of the archive, hex (the swagger's "MD5 as base64" description is outdated).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hash_value: Option<String>,
    /// Documentation link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub info_url: Option<String>,
    /// Platform, e.g. `linux-x64`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub platform: Option<String>,
    /// Package type, `agent`.
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    pub package_type: Option<String>,
    /// Version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<PackageVersion>,
}

/// A package version.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PackageVersion {
    /// Major.
    #[serde(default)]
    pub major: i32,
    /// Minor.
    #[serde(default)]
    pub minor: i32,
    /// Patch.
    #[serde(default)]
    pub patch: i32,
}

impl std::fmt::Display for PackageVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}
