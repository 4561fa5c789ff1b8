//! The error type of image-builder.

/// Everything that can go wrong with image templates.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A caller-supplied value was refused before any request was sent, because Azure would
    /// refuse it too (or because it cannot be understood at all).
    #[error("invalid {field}: {message}")]
    InvalidInput {
        /// The input at fault, as the template's JSON path names it, e.g.
        /// `properties.customize[1].inline` or `name`.
        field: String,
        /// The rule that was broken and what is expected, on one line.
        message: String,
    },
    /// The request to Azure failed; the ARM error code, message, HTTP status and request id are
    /// in the [`arm_core::Error`], which is also this error's `source()`.
    #[error("{0}")]
    Arm(#[from] arm_core::Error),
    /// A Blob transfer failed (artifact upload, user-delegation SAS, log download); the
    /// Storage error code and request id are in the [`arm_core::storage::Error`]. Never holds a
    /// SAS query.
    #[error("{0}")]
    Storage(#[source] Box<arm_core::storage::Error>),
    /// Packing an artifact folder failed (a file unreadable, changed while read, too large).
    #[error("cannot pack {input}: {source}")]
    Pack {
        /// The file or folder at fault.
        input: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// A template of that name already exists: Azure cannot update a template in place (its
    /// PUT answers `409 Conflict`).
    #[error(
        "image template {template} already exists and cannot be updated in place: delete it or choose another name ({message})"
    )]
    AlreadyExists {
        /// The template's resource id.
        template: String,
        /// Azure's message.
        message: String,
    },
    /// A wait on a template (a run, a cancel, a delete) ended without the state it waited for.
    #[error("image template {template}: {reason}")]
    Wait {
        /// The template's resource id.
        template: String,
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
}
