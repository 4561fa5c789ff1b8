//! The steps that customize the build VM, and the script/file steps that validators share.

use serde::{Deserialize, Serialize};

arm_core::tagged_union! {
    /// One customization step (`ImageTemplateCustomizer`, discriminator `type`), run in order.
    pub enum ImageTemplateCustomizer tag "type" {
        /// A shell script (Linux): `Shell`.
        Shell(ShellScript) = "Shell",
        /// A PowerShell script (Windows): `PowerShell`.
        PowerShell(PowerShellScript) = "PowerShell",
        /// A file download onto the VM: `File`.
        File(FileDownload) = "File",
        /// A Windows restart: `WindowsRestart`.
        WindowsRestart(WindowsRestart) = "WindowsRestart",
        /// Windows Update: `WindowsUpdate`.
        WindowsUpdate(WindowsUpdate) = "WindowsUpdate",
    }
}

/// A shell script, from `scriptUri` or `inline` (exactly one of them): the properties of the
/// spec's `ImageTemplateShellCustomizer` and `ImageTemplateShellValidator`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShellScript {
    /// A friendly name, shown in the build log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The URI of the script (a public URL, a blob the template identity can read, or a SAS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script_uri: Option<String>,
    /// The SHA-256 of the script at `scriptUri`, lowercase hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256_checksum: Option<String>,
    /// The commands, run one after the other.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inline: Option<Vec<String>>,
}

impl ShellScript {
    /// A step named `name` that runs the `commands`.
    pub fn inline<I, S>(name: impl Into<String>, commands: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            name: Some(name.into()),
            inline: Some(commands.into_iter().map(Into::into).collect()),
            ..Self::default()
        }
    }
}

/// A PowerShell script, from `scriptUri` or `inline` (exactly one of them): the properties of
/// the spec's `ImageTemplatePowerShellCustomizer` and `ImageTemplatePowerShellValidator`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PowerShellScript {
    /// A friendly name, shown in the build log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The URI of the script.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub script_uri: Option<String>,
    /// The SHA-256 of the script at `scriptUri`, lowercase hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256_checksum: Option<String>,
    /// The commands, run one after the other.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inline: Option<Vec<String>>,
    /// Run with elevated privileges.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_elevated: Option<bool>,
    /// Run as the Local System user; only together with `runElevated: true`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub run_as_system: Option<bool>,
    /// Exit codes that count as success (default `[0]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_exit_codes: Option<Vec<i32>>,
}

impl PowerShellScript {
    /// A step named `name` that runs the `commands`.
    pub fn inline<I, S>(name: impl Into<String>, commands: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self {
            name: Some(name.into()),
            inline: Some(commands.into_iter().map(Into::into).collect()),
            ..Self::default()
        }
    }
}

/// A file downloaded onto the VM (`ImageTemplateFileCustomizer`, `ImageTemplateFileValidator`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileDownload {
    /// A friendly name, shown in the build log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The URI of the file (a public URL, a blob the template identity can read, or a SAS).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source_uri: Option<String>,
    /// The SHA-256 of the file, lowercase hex.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sha256_checksum: Option<String>,
    /// The absolute path on the VM; its directories must exist.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
}

impl FileDownload {
    /// A step named `name` that downloads `source_uri` to `destination`.
    pub fn new(name: impl Into<String>, source_uri: impl Into<String>, destination: impl Into<String>) -> Self {
        Self {
            name: Some(name.into()),
            source_uri: Some(source_uri.into()),
            sha256_checksum: None,
            destination: Some(destination.into()),
        }
    }
}

/// A Windows restart (`ImageTemplateRestartCustomizer`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowsRestart {
    /// A friendly name, shown in the build log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The command that restarts (default `shutdown /r /f /t 0 /c "packer restart"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart_command: Option<String>,
    /// The command that checks the restart succeeded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart_check_command: Option<String>,
    /// How long to wait, a magnitude and a unit, e.g. `5m` (default) or `2h`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart_timeout: Option<String>,
}

/// Windows Update (`ImageTemplateWindowsUpdateCustomizer`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct WindowsUpdate {
    /// A friendly name, shown in the build log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The search criteria, e.g. `IsInstalled=0`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub search_criteria: Option<String>,
    /// Filters of updates, e.g. `exclude:$_.Title -like '*Preview*'`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filters: Option<Vec<String>>,
    /// The most updates applied at a time (0 = default, 1000).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub update_limit: Option<u32>,
}

impl WindowsUpdate {
    /// The configuration the Image Builder DevOps task runs: important and recommended updates
    /// that are not previews (learn.microsoft.com "Azure VM Image Builder service DevOps task").
    pub fn devops_task_default() -> Self {
        Self {
            name: Some("Windows Update".to_owned()),
            search_criteria: Some("IsInstalled=0".to_owned()),
            filters: Some(vec![
                "exclude:$_.Title -like '*Preview*'".to_owned(),
                "include:$true".to_owned(),
            ]),
            update_limit: None,
        }
    }
}
