//! The blocking side of the install: gunzip and untar the body from the channel into the staging directory,
//! then check the hash and the agent, then commit.

use super::channel_reader::{ChannelReader, Message};
use super::limits::Limits;
use super::staging::Staging;
use super::unpack::{UnpackError, Unpacker};
use super::{AgentDir, InstallError, find_agent};
use flate2::bufread::GzDecoder;
use std::io;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::sync::mpsc;

/// What was installed.
#[derive(Debug)]
pub(super) struct Extracted {
    pub(super) agent: AgentDir,
    pub(super) entries: u64,
    pub(super) unpacked_bytes: u64,
}

/// Why the extraction stopped.
#[derive(Debug)]
pub(super) enum Failure {
    /// The install failed for this reason.
    Install(InstallError),
    /// The download side closed the channel without [`Message::End`]: it failed or was dropped, and knows
    /// why.
    Aborted,
}

impl From<InstallError> for Failure {
    fn from(e: InstallError) -> Self {
        Failure::Install(e)
    }
}

/// Extracts the body received on `rx` into `staging`, checks that its SHA-256 is `expected` (lowercase
/// hexadecimal) and that it holds an agent, then moves it to the destination. `total` is the size of the
/// body if known; it and the bytes received bound what the archive may unpack to. Blocks: run it with
/// `spawn_blocking`. The staging directory is removed whenever this returns an error, and when the channel
/// closes early this returns soon after.
pub(super) fn extract(
    staging: Staging,
    rx: mpsc::Receiver<Message>,
    expected: &str,
    total: Option<u64>,
    canceled: &AtomicBool,
) -> Result<Extracted, Failure> {
    let (reader, aborted) = ChannelReader::new(rx);
    let limits = Limits::new(total, reader.received());
    let read_failure = |source: io::Error| {
        if aborted.get() {
            Failure::Aborted
        } else {
            Failure::Install(InstallError::Archive { source })
        }
    };
    let mut archive = tar::Archive::new(GzDecoder::new(reader));
    let mut unpacker = Unpacker::new(staging.path(), limits);
    for entry in archive.entries().map_err(read_failure)? {
        let mut entry = entry.map_err(read_failure)?;
        unpacker.unpack(&mut entry).map_err(|e| match e {
            UnpackError::Read(source) => read_failure(source),
            UnpackError::Install(e) => Failure::Install(e),
        })?;
    }
    // The end of the tar archive; the gzip stream must go on to its trailer (length and CRC checked).
    let mut gzip = archive.into_inner();
    io::copy(&mut gzip, &mut io::sink()).map_err(read_failure)?;
    unpacker.finish()?;
    tracing::debug!(
        entries = unpacker.entries(),
        unpacked_bytes = unpacker.bytes(),
        staging = %staging.path().display(),
        "agent package extracted"
    );
    let actual = gzip.into_inner().finish().ok_or(Failure::Aborted)?;
    if actual != expected {
        return Err(InstallError::HashMismatch {
            expected: expected.to_owned(),
            actual,
        }
        .into());
    }
    tracing::debug!(sha256 = %actual, "agent package hash verified");
    let dest = staging.dest().to_path_buf();
    if !matches!(find_agent(staging.path()), Ok(Some(_))) {
        return Err(InstallError::NotAnAgent { dest }.into());
    }
    // The install was dropped while this finished the archive: nothing may appear.
    if canceled.load(Ordering::SeqCst) {
        return Err(Failure::Aborted);
    }
    staging.commit()?;
    tracing::debug!(dest = %dest.display(), "agent moved into place");
    Ok(Extracted {
        agent: AgentDir::checked(dest),
        entries: unpacker.entries(),
        unpacked_bytes: unpacker.bytes(),
    })
}
