//! Diagnostics: where a group's logs go.

use arm_core::azure_core::credentials::Secret;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The diagnostics of a container group.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerGroupDiagnostics {
    /// The Log Analytics workspace the logs go to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_analytics: Option<LogAnalytics>,
}

/// A Log Analytics workspace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LogAnalytics {
    /// The workspace id.
    pub workspace_id: String,
    /// The workspace key: required in requests, never returned by Azure.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_key: Option<Secret>,
    /// The log type.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub log_type: Option<LogAnalyticsLogType>,
    /// Metadata.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata: Option<BTreeMap<String, String>>,
    /// The workspace resource id. The spec marks it secret (`x-ms-secret`): Azure does not
    /// return it, and this crate does not print it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workspace_resource_id: Option<Secret>,
}

arm_core::string_enum! {
    /// The log type of a Log Analytics workspace.
    pub enum LogAnalyticsLogType {
        /// Container insights.
        ContainerInsights = "ContainerInsights",
        /// Container instance logs.
        ContainerInstanceLogs = "ContainerInstanceLogs",
    }
}
