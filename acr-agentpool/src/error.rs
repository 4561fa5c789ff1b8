//! The error type of acr-agentpool.

/// Everything that can go wrong with agent pools, runs and tasks.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A caller-supplied value was refused before any request was sent, because Azure would
    /// refuse it too (or because it cannot be understood at all).
    #[error("invalid {field}: {message}")]
    InvalidInput {
        /// The input at fault, e.g. `--name`, `tier` or `properties.count`.
        field: String,
        /// The rule that was broken and what is expected, on one line.
        message: String,
    },
    /// A check against the state in Azure refused the operation before any write: the registry
    /// is not Premium, the region offers no agent pools, the vCPU quota would be exceeded, the
    /// pool has 0 instances, the task already names a pool, the subnet blocks a required
    /// destination.
    #[error("{check}: {message}")]
    Refused {
        /// The check, e.g. `quota`, `sku`, `region`, `scale`, `agent pool`, `network`.
        check: String,
        /// What was found, with the numbers, and what would pass, on one line.
        message: String,
    },
    /// The request to Azure failed; the ARM error code, message, HTTP status and request id are
    /// in the [`arm_core::Error`], which is also this error's `source()`.
    #[error("{0}")]
    Arm(#[from] arm_core::Error),
    /// A Blob transfer failed (build context upload, log read); the Storage error code and
    /// request id are in the [`arm_core::storage::Error`]. Never holds a SAS query.
    #[error("{0}")]
    Storage(#[source] Box<arm_core::storage::Error>),
    /// Packing a build context failed (a file unreadable, changed while read).
    #[error("cannot pack {input}: {source}")]
    Pack {
        /// The file or folder at fault.
        input: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A request whose answer was lost (a `5xx`, a timeout, a dropped connection after it was
    /// sent) could not be settled by reading what Azure holds: e.g. several new runs could be
    /// the one a lost `scheduleRun` created. Nothing more was sent; the message names what was
    /// found and what to do.
    #[error("{operation}: {message}")]
    Unsettled {
        /// The request whose answer was lost, e.g. `scheduleRun on registry myregistry`.
        operation: String,
        /// What was found (the run ids), on one line.
        message: String,
    },
    /// A wait (a pool's provisioning, a run, a deletion) ended without the state it waited for.
    #[error("{resource}: {reason}")]
    Wait {
        /// The resource's id (or a run's id).
        resource: String,
        /// Why, with the state last seen.
        reason: String,
    },
}

impl From<arm_core::storage::Error> for Error {
    fn from(error: arm_core::storage::Error) -> Self {
        Error::Storage(Box::new(error))
    }
}

impl Error {
    /// An [`Error::InvalidInput`] about `field`.
    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidInput {
            field: field.into(),
            message: message.into(),
        }
    }

    /// An [`Error::Refused`] by `check`.
    pub(crate) fn refused(check: impl Into<String>, message: impl Into<String>) -> Self {
        Error::Refused {
            check: check.into(),
            message: message.into(),
        }
    }
}
