//! The crate's error type.

use std::path::PathBuf;

/// Why the emulator could not load its configuration or start.
#[non_exhaustive]
#[derive(thiserror::Error, Debug)]
pub enum Error {
    /// The configuration file could not be read.
    #[error("cannot read config file {}", path.display())]
    ReadConfig {
        /// The file that was asked for.
        path: PathBuf,
        /// What the file system said.
        #[source]
        source: std::io::Error,
    },
    /// The configuration file name ends in neither `.toml` nor `.json`.
    #[error("config file {} must end in .toml or .json", path.display())]
    ConfigFormat {
        /// The file that was asked for.
        path: PathBuf,
    },
    /// The configuration is not valid TOML or JSON, or does not fit the schema.
    #[error("{origin}:{line}:{column}: {message}")]
    ParseConfig {
        /// The file name, or `<toml>` / `<json>` for a string.
        origin: String,
        /// 1-based line of the offending text.
        line: usize,
        /// 1-based column of the offending text.
        column: usize,
        /// What is wrong, naming the field where the parser knows it.
        message: String,
        /// The parser's own error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A value in the configuration (or in an admin seed) is out of range or refers to nothing.
    #[error("invalid config: {field}: {message}")]
    InvalidConfig {
        /// Path of the field, e.g. `faults.routes[0].rate_429`.
        field: String,
        /// What is wrong with it.
        message: String,
    },
    /// The state directory could not be created or written.
    #[error("cannot write {}", path.display())]
    StateDir {
        /// The directory or file.
        path: PathBuf,
        /// What the file system said.
        #[source]
        source: std::io::Error,
    },
    /// The CA or leaf certificate could not be generated.
    #[error("cannot generate the emulator's certificates")]
    Certificate(#[source] rcgen::Error),
    /// rustls rejected the generated key material.
    #[error("cannot configure TLS")]
    Tls(#[source] rustls::Error),
    /// The operating system's random generator failed.
    #[error("cannot generate random key material: the operating system's generator failed")]
    Random,
    /// A listener could not be bound.
    #[error("cannot listen on 127.0.0.1:{port} for the {listener} endpoint")]
    Bind {
        /// Which endpoint family.
        listener: &'static str,
        /// The port asked for (0 means any).
        port: u16,
        /// What the operating system said.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Whether the error is the caller's configuration (as opposed to the machine).
    pub fn is_config(&self) -> bool {
        matches!(
            self,
            Error::ReadConfig { .. }
                | Error::ConfigFormat { .. }
                | Error::ParseConfig { .. }
                | Error::InvalidConfig { .. }
        )
    }

    pub(crate) fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::InvalidConfig {
            field: field.into(),
            message: message.into(),
        }
    }
}
