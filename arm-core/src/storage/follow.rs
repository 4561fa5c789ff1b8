//! Following an append blob as it grows (a build log), the way the Azure CLI streams ACR run
//! logs: read from the last offset, `416 InvalidRange` meaning "nothing new yet", and the end
//! announced by a metadata key the writer sets when it is done.

use crate::clock::Clock;
use crate::storage::client::StorageClient;
use crate::storage::error::Error;
use crate::storage::location::BlobLocation;
use crate::storage::read::get_range;
use crate::waiter::Backoff;
use azure_core::Bytes;
use azure_core::http::StatusCode;
use azure_storage_blob::BlobClient;
use azure_storage_blob::models::BlobClientGetPropertiesResultHeaders;
use futures::Stream;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

/// Options of [`StorageClient::follow_append_blob`].
#[derive(Clone, Debug)]
pub struct FollowOptions {
    /// Where to start reading (default 0).
    pub offset: u64,
    /// The most bytes one read asks for, and the largest chunk yielded (default 4 MiB).
    pub chunk_size: u64,
    /// The delay between polls while the writer is active (default 250 ms), so that new bytes
    /// are seen within about that long.
    pub active_delay: Duration,
    /// How long after the last new bytes the writer counts as active (default 10 s); after it
    /// the delay doubles from `active_delay` up to `max_idle_delay`.
    pub active_window: Duration,
    /// The longest delay between two polls of an idle blob (default 5 s).
    pub max_idle_delay: Duration,
    /// The metadata key whose presence says the writer is done (default `complete`, as ACR
    /// sets on run logs); compared without regard to case, as Azure treats metadata names.
    pub complete_key: String,
    /// How long to wait for a blob that does not exist yet (404) before giving up (default 5
    /// minutes).
    pub max_wait_for_blob: Duration,
}

impl Default for FollowOptions {
    fn default() -> Self {
        Self {
            offset: 0,
            chunk_size: 4 * 1024 * 1024,
            active_delay: Duration::from_millis(250),
            active_window: Duration::from_secs(10),
            max_idle_delay: Duration::from_secs(5),
            complete_key: "complete".to_owned(),
            max_wait_for_blob: Duration::from_secs(300),
        }
    }
}

/// The new bytes of an append blob as they arrive, as a [`Stream`] of chunks; it ends once the
/// blob carries the completion metadata and every byte has been yielded, or with the first
/// error (a 404 after the blob was seen, a denied request, the wait for the blob passing).
pub struct AppendFollower {
    inner: Pin<Box<dyn Stream<Item = Result<Bytes, Error>> + Send>>,
}

impl std::fmt::Debug for AppendFollower {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppendFollower").finish_non_exhaustive()
    }
}

impl Stream for AppendFollower {
    type Item = Result<Bytes, Error>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl StorageClient {
    /// Follows the append blob `blob` from `options.offset`: see [`AppendFollower`].
    ///
    /// ```no_run
    /// use arm_core::storage::{BlobLocation, StorageClient};
    /// use futures::StreamExt;
    ///
    /// # async fn run(storage: StorageClient, log: BlobLocation) -> Result<(), arm_core::storage::Error> {
    /// let mut follower = storage.follow_append_blob(&log, None)?;
    /// while let Some(chunk) = follower.next().await {
    ///     print!("{}", String::from_utf8_lossy(&chunk?));
    /// }
    /// # Ok(()) }
    /// ```
    pub fn follow_append_blob(
        &self,
        blob: &BlobLocation,
        options: Option<FollowOptions>,
    ) -> Result<AppendFollower, Error> {
        let options = options.unwrap_or_default();
        if options.chunk_size == 0 {
            return Err(Error::invalid_input("chunk_size", "must be at least 1"));
        }
        let state = Follower {
            client: self.blob_client(blob)?,
            blob: blob.clone(),
            offset: options.offset,
            clock: self.clock.clone(),
            started: self.clock.now(),
            last_data: None,
            idle_polls: 0,
            seen: false,
            sleep_first: None,
            reread: false,
            done: false,
            options,
        };
        let inner = futures::stream::unfold(state, |mut state| async move {
            let item = state.next().await?;
            Some((item, state))
        });
        Ok(AppendFollower { inner: Box::pin(inner) })
    }
}

struct Follower {
    client: BlobClient,
    blob: BlobLocation,
    offset: u64,
    clock: Arc<dyn Clock>,
    started: Instant,
    last_data: Option<Instant>,
    idle_polls: u32,
    seen: bool,
    sleep_first: Option<Duration>,
    /// Whether the last poll already read again at once because more bytes were announced.
    reread: bool,
    done: bool,
    options: FollowOptions,
}

/// What one poll found when there were no new bytes.
enum Idle {
    /// The writer is done and every byte was read.
    Complete,
    /// More bytes than read so far exist (they arrived since the read): read again now.
    MoreNow,
    /// Nothing new: wait.
    Wait,
}

impl Follower {
    async fn next(&mut self) -> Option<Result<Bytes, Error>> {
        loop {
            if self.done {
                return None;
            }
            if let Some(delay) = self.sleep_first.take() {
                self.clock.sleep(delay).await;
            }
            let range = self.offset..self.offset.saturating_add(self.options.chunk_size);
            let read = get_range(&self.client, &self.blob, range).await;
            let empty = match read {
                Ok(bytes) if !bytes.is_empty() => {
                    self.seen = true;
                    self.offset += bytes.len() as u64;
                    self.last_data = Some(self.clock.now());
                    self.idle_polls = 0;
                    self.reread = false;
                    // A full chunk: more is probably there already.
                    if (bytes.len() as u64) < self.options.chunk_size {
                        self.sleep_first = Some(self.options.active_delay);
                    }
                    return Some(Ok(bytes));
                }
                Ok(_) => true,
                Err(e) if e.status() == Some(StatusCode::RequestedRangeNotSatisfiable) => true,
                Err(e) if e.status() == Some(StatusCode::NotFound) && !self.seen => false,
                Err(e) => return self.fail(e),
            };
            if empty {
                self.seen = true;
                match self.idle().await {
                    Ok(Idle::Complete) => {
                        self.done = true;
                        return None;
                    }
                    // Once: a service whose length and ranges disagree must not be polled flat out.
                    Ok(Idle::MoreNow) if !self.reread => {
                        self.reread = true;
                        continue;
                    }
                    Ok(_) => {}
                    Err(e) => return self.fail(e),
                }
            } else {
                let waited = self.clock.now().saturating_duration_since(self.started);
                if waited >= self.options.max_wait_for_blob {
                    return self.fail(Error::TimedOut {
                        what: format!("the blob {}", self.blob.url()),
                        after: self.options.max_wait_for_blob,
                    });
                }
            }
            self.sleep_first = Some(self.idle_delay());
        }
    }

    fn fail(&mut self, error: Error) -> Option<Result<Bytes, Error>> {
        self.done = true;
        Some(Err(error))
    }

    /// Get Blob Properties: done when the completion key is set and nothing is left to read.
    async fn idle(&mut self) -> Result<Idle, Error> {
        let failed = |e| Error::from_azure("Get Blob Properties", self.blob.url(), e);
        let properties = self.client.get_properties(None).await.map_err(failed)?;
        let complete = properties
            .metadata()
            .map_err(failed)?
            .keys()
            .any(|k| k.eq_ignore_ascii_case(&self.options.complete_key));
        let length = properties.content_length().map_err(failed)?.unwrap_or(0);
        Ok(if length > self.offset {
            Idle::MoreNow
        } else if complete {
            Idle::Complete
        } else {
            Idle::Wait
        })
    }

    /// `active_delay` within `active_window` of the last new bytes, then doubling up to
    /// `max_idle_delay`.
    fn idle_delay(&mut self) -> Duration {
        let now = self.clock.now();
        let active = self
            .last_data
            .is_some_and(|at| now.saturating_duration_since(at) < self.options.active_window);
        if active {
            return self.options.active_delay;
        }
        let backoff = Backoff {
            min_delay: self.options.active_delay,
            max_delay: self.options.max_idle_delay,
            jitter: false,
        };
        let delay = backoff.delay(self.idle_polls);
        self.idle_polls = self.idle_polls.saturating_add(1);
        delay
    }
}
