//! The endpoint families the emulator serves, one listener each.

use serde::{Deserialize, Serialize};

/// Which listener (endpoint family) a request arrived on.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[serde(rename_all = "lowercase")]
pub enum ListenerKind {
    /// Azure Resource Manager (HTTPS).
    Arm,
    /// Entra ID token endpoint (HTTPS).
    Login,
    /// Managed identity: the IMDS path and the App Service `IDENTITY_ENDPOINT` (plain HTTP).
    Imds,
    /// The emulator's own admin API (plain HTTP). Faults never apply to it.
    Admin,
    /// Azure DevOps agent pools and agent packages (HTTPS).
    Devops,
    /// Azure Blob Storage, the data plane of storage accounts (HTTPS).
    Blob,
}

impl ListenerKind {
    /// The lowercase name used in the journal and in fault rules.
    pub fn as_str(self) -> &'static str {
        match self {
            ListenerKind::Arm => "arm",
            ListenerKind::Login => "login",
            ListenerKind::Imds => "imds",
            ListenerKind::Admin => "admin",
            ListenerKind::Devops => "devops",
            ListenerKind::Blob => "blob",
        }
    }
}

impl std::fmt::Display for ListenerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
