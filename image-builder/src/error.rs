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
