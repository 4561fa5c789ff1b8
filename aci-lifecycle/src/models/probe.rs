//! Liveness and readiness probes.

use serde::{Deserialize, Serialize};

/// A liveness or readiness probe: a command or an HTTP GET, and its timing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerProbe {
    /// A command run in the container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exec: Option<ContainerExec>,
    /// An HTTP GET.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_get: Option<ContainerHttpGet>,
    /// Seconds before the first probe.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_delay_seconds: Option<i32>,
    /// Seconds between probes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period_seconds: Option<i32>,
    /// Failures in a row that fail the probe.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub failure_threshold: Option<i32>,
    /// Successes in a row that pass the probe.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub success_threshold: Option<i32>,
    /// Seconds before a probe times out.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i32>,
}

/// The command of a probe.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerExec {
    /// The command in exec form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
}

/// The HTTP GET of a probe.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerHttpGet {
    /// The path.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// The port.
    pub port: i32,
    /// `http` or `https`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheme: Option<Scheme>,
    /// The request headers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_headers: Option<Vec<HttpHeader>>,
}

/// An HTTP header of a probe.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HttpHeader {
    /// The header name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The header value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

arm_core::string_enum! {
    /// The scheme of an HTTP probe.
    pub enum Scheme {
        /// `http`.
        Http = "http",
        /// `https`.
        Https = "https",
    }
}
