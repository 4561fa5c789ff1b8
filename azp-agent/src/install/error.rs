//! The error type of the agent install.

use std::io;
use std::path::PathBuf;

/// Why finding or installing the agent failed. Every message is one line naming the input, what was wrong
/// and what is expected. When [`install_stream`](super::install_stream) fails, nothing it created is left on
/// disk.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InstallError {
    /// The expected hash is not a SHA-256 in hexadecimal; nothing was read or written.
    #[error(
        "invalid agent package hash {value:?}: expected the package's hashValue, a SHA-256 of 64 hexadecimal digits"
    )]
    InvalidHash {
        /// The value given.
        value: String,
    },
    /// The destination exists and is not an empty directory; nothing was read or written.
    #[error(
        "cannot install the agent into {}: it exists and is not an empty directory; expected a missing path or an \
         empty directory",
        dest.display()
    )]
    DestinationNotEmpty {
        /// The destination given.
        dest: PathBuf,
    },
    /// A directory holds part of an agent: it must not be overwritten silently.
    #[error(
        "{} holds an incomplete agent: {missing} is missing; expected config.sh and an owner-executable \
         bin/Agent.Listener (remove the directory to install the agent again)",
        dir.display()
    )]
    Incomplete {
        /// The agent directory.
        dir: PathBuf,
        /// What is missing, e.g. `bin/Agent.Listener`.
        missing: &'static str,
    },
    /// The package body could not be downloaded to its end.
    #[error("downloading the agent package failed: {source}")]
    Download {
        /// The error of the body stream.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The package is not a complete, valid `.tar.gz` archive.
    #[error("the agent package is not a complete .tar.gz archive: {source}")]
    Archive {
        /// The decoder's or the tar reader's error.
        #[source]
        source: io::Error,
    },
    /// An entry of the package would write outside the agent directory, or is of a forbidden kind.
    #[error("unsafe entry in the agent package: '{entry}' {reason}")]
    UnsafeEntry {
        /// The entry's path as written in the archive.
        entry: String,
        /// What is wrong with it, e.g. `escapes the agent directory`.
        reason: String,
    },
    /// The package has more entries than an agent package can ([`MAX_ENTRIES`](super::MAX_ENTRIES)); it
    /// was not unpacked further.
    #[error(
        "the agent package has more than {limit} entries (at '{entry}'): expected at most {limit}, an agent \
         package has about 10000; it is corrupt or a decompression bomb"
    )]
    TooManyEntries {
        /// The first entry over the limit, as written in the archive.
        entry: String,
        /// The limit.
        limit: u64,
    },
    /// The package unpacks to more bytes than its size allows ([`MAX_UNPACK_RATIO`](super::MAX_UNPACK_RATIO)
    /// times, at least [`UNPACK_FLOOR`](super::UNPACK_FLOOR)); it was not unpacked further.
    #[error(
        "the agent package unpacks to more than {limit} bytes at '{entry}', from {packed} bytes of package: \
         expected at most {ratio} times the package's size (and at least {floor} bytes), an agent package \
         unpacks to about 3 times; it is corrupt or a decompression bomb",
        ratio = super::MAX_UNPACK_RATIO,
        floor = super::UNPACK_FLOOR
    )]
    TooLarge {
        /// The file being unpacked when the limit was reached, as written in the archive.
        entry: String,
        /// What the package was allowed to unpack to.
        limit: u64,
        /// The bytes of the package the limit was derived from: those received so far, no more than its
        /// known size.
        packed: u64,
    },
    /// The package's SHA-256 is not its `hashValue`.
    #[error(
        "the agent package's SHA-256 is {actual}, expected {expected} (its hashValue): the download is corrupt or \
         was tampered with"
    )]
    HashMismatch {
        /// The expected SHA-256, lowercase hexadecimal.
        expected: String,
        /// The SHA-256 of the bytes received, lowercase hexadecimal.
        actual: String,
    },
    /// The package was extracted but holds no agent at its top level.
    #[error(
        "the agent package for {} holds no agent: expected config.sh and an owner-executable bin/Agent.Listener at \
         its top level",
        dest.display()
    )]
    NotAnAgent {
        /// The destination given.
        dest: PathBuf,
    },
    /// A file system operation failed.
    #[error("cannot {action} {}: {source}", path.display())]
    Io {
        /// The file or directory.
        path: PathBuf,
        /// What was being done, e.g. `create the staging directory`.
        action: &'static str,
        /// The I/O error.
        #[source]
        source: io::Error,
    },
    /// The extraction task was cancelled before the install finished (the runtime is shutting down).
    #[error(
        "the agent install into {} was interrupted: its extraction task was cancelled; expected a running runtime",
        dest.display()
    )]
    Interrupted {
        /// The destination given.
        dest: PathBuf,
    },
}

impl InstallError {
    pub(super) fn io(action: &'static str, path: impl Into<PathBuf>, source: io::Error) -> Self {
        InstallError::Io {
            path: path.into(),
            action,
            source,
        }
    }

    pub(super) fn unsafe_entry(entry: impl Into<String>, reason: impl Into<String>) -> Self {
        InstallError::UnsafeEntry {
            entry: entry.into(),
            reason: reason.into(),
        }
    }
}
