//! The one error type of this crate.

use crate::install::InstallError;

/// Why a call failed. Every message is one line naming what failed and, for bad input, what
/// is expected.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value given by the caller is invalid; nothing was sent or started.
    #[error("{input}: {message}")]
    InvalidInput {
        /// The input (a variable, an option, a field).
        input: String,
        /// What is wrong and what is expected.
        message: String,
    },
    /// Azure DevOps did not accept the credential (401, or 203 with a sign-in page).
    #[error("Azure DevOps refused the credential for {method} {url} (HTTP {status}): the token is invalid or expired")]
    Unauthorized {
        /// HTTP method.
        method: String,
        /// URL without query.
        url: String,
        /// 401 or 203.
        status: u16,
    },
    /// The credential is valid but lacks a permission (403).
    #[error(
        "Azure DevOps denied {method} {url} (HTTP 403): the token needs the Agent Pools (read, manage) scope and \
         administration rights on the pool: {message}"
    )]
    Forbidden {
        /// HTTP method.
        method: String,
        /// URL without query.
        url: String,
        /// Azure DevOps' message.
        message: String,
    },
    /// Something named does not exist.
    #[error("{what} was not found{}", detail(.message))]
    NotFound {
        /// What was looked for, e.g. `agent pool 'Default' in https://dev.azure.com/contoso`.
        what: String,
        /// Azure DevOps' message, if it gave one.
        message: Option<String>,
    },
    /// Azure DevOps answered with another error status.
    #[error("{method} {url} failed with HTTP {status}{}: {message}", type_key.as_deref().map(|k| format!(" ({k})")).unwrap_or_default())]
    Service {
        /// HTTP method.
        method: String,
        /// URL without query.
        url: String,
        /// HTTP status.
        status: u16,
        /// Azure DevOps' exception type (`typeKey`), e.g. `TaskAgentExistsException`.
        type_key: Option<String>,
        /// Azure DevOps' message (or the start of the body).
        message: String,
        /// The `ActivityId` / `x-vss-e2eid` of the response, for support requests.
        activity_id: Option<String>,
    },
    /// The request layer failed: the request could not be sent or its response not read
    /// ([`arm_core::Error::Transport`]), no Entra token could be had
    /// ([`arm_core::Error::Credential`]), or a response did not have the expected shape
    /// ([`arm_core::Error::Decode`]).
    #[error("{0}")]
    Request(#[from] arm_core::Error),
    /// Installing the agent failed.
    #[error(transparent)]
    Install(#[from] InstallError),
    /// `config.sh` failed.
    #[error("{0}")]
    Configure(#[from] crate::configure::ConfigureError),
    /// A file or process operation failed.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done, e.g. `start`.
        action: &'static str,
        /// The file or program.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

fn detail(message: &Option<String>) -> String {
    message.as_deref().map(|m| format!(": {m}")).unwrap_or_default()
}

impl Error {
    pub(crate) fn invalid_input(input: &str, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            input: input.to_owned(),
            message: message.into(),
        }
    }

    pub(crate) fn io(action: &'static str, path: impl std::fmt::Display, source: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.to_string(),
            source,
        }
    }

    /// Whether this is an invalid input error (nothing was touched).
    pub fn is_invalid_input(&self) -> bool {
        matches!(self, Error::InvalidInput { .. })
    }

    /// Whether Azure DevOps said "not found".
    pub fn is_not_found(&self) -> bool {
        matches!(self, Error::NotFound { .. })
    }

    /// The HTTP status of a service answer, if this error is one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Unauthorized { status, .. } | Error::Service { status, .. } => Some(*status),
            Error::Forbidden { .. } => Some(403),
            _ => None,
        }
    }
}
