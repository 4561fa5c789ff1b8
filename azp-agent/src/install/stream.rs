//! The async side of the install: pull the body, hash it, report progress, feed the extraction task.

use super::channel_reader::Message;
use super::extract::{Extracted, Failure, extract};
use super::hash::{self, Sha256};
use super::staging::Staging;
use super::{AgentDir, InstallError, InstallOptions};
use bytes::Bytes;
use futures::{Stream, StreamExt};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;
use tokio::sync::mpsc;

/// Chunks in flight between the download and the extraction: enough to keep both busy, few enough that
/// memory stays small whatever the size of the package.
const CHANNEL_CHUNKS: usize = 8;

/// Streams the agent package `body` (a `.tar.gz`) into `dest`, with no archive on disk, and returns the
/// installed agent.
///
/// `expected_sha256` is the package's `hashValue`: 64 hexadecimal digits, any case. `dest` must be missing or
/// an empty directory. Both are checked before anything is read ([`InstallError::InvalidHash`],
/// [`InstallError::DestinationNotEmpty`]). An empty `dest` that is a mount point (a container volume) cannot
/// be renamed over: the staging directory is then made inside it and its entries moved up at the end; the
/// staging directories an install killed mid-way left in it do not count as content and are removed.
///
/// The body is hashed and reported to [`InstallOptions::progress`] here while a blocking task gunzips and
/// untars it, entry by entry, into a hidden staging directory beside `dest`
/// (`.{name}.partial-{16 hexadecimal digits}`), accessible to its owner only and locked (`flock`) while the
/// install runs. Staging directories of `dest` that an install killed mid-way left beside it are removed
/// first: those whose lock is free (a lock ends with its process); a live install's is left alone. Every entry is checked before it is written: paths must stay inside,
/// symbolic links must point inside, only regular files, directories and links are allowed
/// ([`InstallError::UnsafeEntry`]). At most [`MAX_ENTRIES`](super::MAX_ENTRIES) entries are read
/// ([`InstallError::TooManyEntries`]), and the files may add up to at most
/// [`MAX_UNPACK_RATIO`](super::MAX_UNPACK_RATIO) times the bytes of the body received so far (no more than
/// [`InstallOptions::total`] when it is known), and at least [`UNPACK_FLOOR`](super::UNPACK_FLOOR)
/// ([`InstallError::TooLarge`]): a decompression bomb fails early and leaves nothing. File modes are kept
/// but for setuid, setgid, sticky and write permission for group and others: nothing unpacked is writable
/// by anyone but its owner. Directories always stay readable, writable and searchable by their owner (the
/// agent updates itself in place); modification times of files are kept; ownership is not.
/// The archive must be complete ([`InstallError::Archive`]), then the SHA-256 of every byte of the body
/// must match ([`InstallError::HashMismatch`]), then the staging directory must hold an agent
/// ([`InstallError::NotAnAgent`]); only then is it renamed to `dest`.
///
/// On any error nothing is left behind: neither the staging directory nor `dest`. If this future is dropped
/// mid-way, the extraction task notices that the body stopped, and removes the staging directory shortly
/// after.
pub async fn install_stream<S, E>(
    mut body: S,
    expected_sha256: &str,
    dest: &Path,
    options: &InstallOptions,
) -> Result<AgentDir, InstallError>
where
    S: Stream<Item = Result<Bytes, E>> + Send + Unpin + 'static,
    E: std::error::Error + Send + Sync + 'static,
{
    let expected = hash::parse_expected(expected_sha256)?;
    let started = Instant::now();
    tracing::debug!(dest = %dest.display(), "checking the destination of the agent install");
    let staging = {
        let dest = dest.to_path_buf();
        join(
            dest.clone(),
            tokio::task::spawn_blocking(move || Staging::create(&dest)),
        )
        .await??
    };
    tracing::debug!(staging = %staging.path().display(), "streaming the agent package");
    let (tx, rx) = mpsc::channel(CHANNEL_CHUNKS);
    let canceled = Arc::new(AtomicBool::new(false));
    let _cancel_on_drop = CancelOnDrop(canceled.clone());
    let total = options.total;
    let extraction = tokio::task::spawn_blocking(move || extract(staging, rx, &expected, total, &canceled));

    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    let download = loop {
        let item = tokio::select! {
            biased;
            // The extraction stopped early (an unsafe entry, a corrupt archive): its result says why.
            () = tx.closed() => break Ok(()),
            item = body.next() => item,
        };
        match item {
            Some(Ok(chunk)) => {
                hasher.update(&chunk);
                bytes += chunk.len() as u64;
                options.report(bytes);
                if tx.send(Message::Chunk(chunk)).await.is_err() {
                    break Ok(());
                }
            }
            Some(Err(e)) => break Err(InstallError::Download { source: Box::new(e) }),
            None => {
                let sha256 = hasher.finish_hex();
                tracing::debug!(bytes, %sha256, "agent package downloaded");
                let _ = tx.send(Message::End { sha256 }).await;
                break Ok(());
            }
        }
    };
    // On a download error this closes the channel: the extraction stops and cleans up before it returns.
    drop(tx);
    let extracted = join(dest.to_path_buf(), extraction).await?;
    match (extracted, download) {
        (Ok(extracted), _) => {
            log_success(dest, bytes, &extracted, started);
            Ok(extracted.agent)
        }
        (Err(Failure::Install(e)), _) => Err(e),
        (Err(Failure::Aborted), Err(e)) => Err(e),
        (Err(Failure::Aborted), Ok(())) => Err(InstallError::Interrupted {
            dest: dest.to_path_buf(),
        }),
    }
}

/// Marks the extraction canceled when the install future is dropped before it finished, so that
/// the blocking side does not move the agent into place afterwards.
struct CancelOnDrop(Arc<AtomicBool>);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

/// The result of a blocking task; its panic goes on here.
async fn join<T>(dest: std::path::PathBuf, task: tokio::task::JoinHandle<T>) -> Result<T, InstallError> {
    match task.await {
        Ok(value) => Ok(value),
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        Err(_) => Err(InstallError::Interrupted { dest }),
    }
}

fn log_success(dest: &Path, bytes: u64, extracted: &Extracted, started: Instant) {
    let elapsed = started.elapsed();
    let mb_per_s = bytes as f64 / 1e6 / elapsed.as_secs_f64().max(1e-9);
    tracing::info!(
        dest = %dest.display(),
        bytes,
        entries = extracted.entries,
        unpacked_bytes = extracted.unpacked_bytes,
        elapsed_ms = elapsed.as_millis() as u64,
        mb_per_s = format_args!("{mb_per_s:.1}"),
        "agent installed"
    );
}
