//! What a container group definition asks for, once validated: containers, restart policy,
//! identity, and the public (secret-free) properties ARM echoes back.

use serde_json::Value;

use crate::redact;

/// When containers are restarted after they exit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum RestartPolicy {
    Always,
    OnFailure,
    Never,
}

impl RestartPolicy {
    /// Parses the `restartPolicy` value (exact, as ACI's enum).
    pub fn parse(value: &str) -> Option<RestartPolicy> {
        match value {
            "Always" => Some(RestartPolicy::Always),
            "OnFailure" => Some(RestartPolicy::OnFailure),
            "Never" => Some(RestartPolicy::Never),
            _ => None,
        }
    }

    /// Whether a container that exited with `exit_code` is started again.
    pub fn restarts(self, exit_code: i32) -> bool {
        match self {
            RestartPolicy::Always => true,
            RestartPolicy::OnFailure => exit_code != 0,
            RestartPolicy::Never => false,
        }
    }
}

/// A value that must never be shown: `Debug` prints `<redacted>`.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct SecureValue(pub String);

impl std::fmt::Debug for SecureValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(redact::REDACTED)
    }
}

/// An environment variable of a container: a plain or a secure value.
#[derive(Clone, Debug)]
pub(crate) struct EnvVar {
    pub name: String,
    pub value: Option<String>,
    pub secure_value: Option<SecureValue>,
}

impl EnvVar {
    /// The value the process sees (the secure one when both are given).
    pub fn effective(&self) -> &str {
        self.secure_value
            .as_ref()
            .map(|s| s.0.as_str())
            .or(self.value.as_deref())
            .unwrap_or_default()
    }
}

/// One container of a group.
#[derive(Clone, Debug)]
pub(crate) struct ContainerSpec {
    pub name: String,
    pub image: String,
    pub command: Vec<String>,
    pub env: Vec<EnvVar>,
}

/// A validated container group definition.
#[derive(Clone, Debug)]
pub(crate) struct GroupSpec {
    pub containers: Vec<ContainerSpec>,
    pub restart_policy: RestartPolicy,
    /// Whether the group has a managed identity (IMDS is then reachable from its containers).
    pub has_identity: bool,
    /// `identity` as ARM answers it, if any.
    pub identity: Option<Value>,
    /// `properties` as ARM answers them, secrets removed (no `provisioningState` or
    /// `instanceView`: those are computed).
    pub properties: Value,
    /// `zones`, echoed when given.
    pub zones: Option<Value>,
}
