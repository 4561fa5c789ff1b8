//! Request bodies as handlers get them: a stream of chunks (hyper's `Incoming`), never buffered by
//! the HTTP layer. A route that needs the whole body (JSON, forms) reads it with a limit
//! ([`RequestBody::read_limited`]); an upload copies it chunk by chunk to a writer
//! ([`RequestBody::copy_to`]: memory stays bounded whatever the size). Every byte read is counted,
//! so that the journal records a body's size and never its content.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use bytes::{Bytes, BytesMut};
use http_body_util::BodyExt;
use hyper::body::{Body as _, Incoming};
use tokio::io::{AsyncWrite, AsyncWriteExt};

/// The largest body a route that reads its whole body accepts unless it says otherwise: every
/// JSON and form request of ARM, Entra ID, managed identity, Azure DevOps and the admin API.
pub(crate) const MAX_JSON_BODY: usize = 4 * 1024 * 1024;

/// How a family wants the body of a request (decided from the method and path, before reading).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BodyPolicy {
    /// Read whole into [`super::Request::body`] before the handler runs; more than `limit` bytes
    /// (declared or sent) is answered 413 without calling the handler.
    Buffer {
        /// Most bytes accepted.
        limit: usize,
    },
    /// Left unread for the handler to take ([`super::Request::take_body`]) and stream.
    Stream,
}

impl Default for BodyPolicy {
    fn default() -> Self {
        BodyPolicy::Buffer { limit: MAX_JSON_BODY }
    }
}

/// Why a body could not be read.
#[derive(Debug)]
pub(crate) enum BodyError {
    /// More than the limit was declared or sent.
    TooLarge,
    /// The connection broke or the body was malformed (e.g. a bad chunk).
    Broken(hyper::Error),
    /// The writer of [`RequestBody::copy_to`] failed.
    Write(std::io::Error),
}

impl std::fmt::Display for BodyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BodyError::TooLarge => f.write_str("the request body is too large"),
            BodyError::Broken(error) => write!(f, "the request body could not be read: {error}"),
            BodyError::Write(error) => write!(f, "the request body could not be stored: {error}"),
        }
    }
}

/// A request body, unread.
pub(crate) struct RequestBody {
    incoming: Option<Incoming>,
    /// Bytes read so far (shared with the pipeline, which journals it).
    received: Arc<AtomicU64>,
}

impl RequestBody {
    /// The body of a request, counting what is read into `received`.
    pub fn new(incoming: Incoming, received: Arc<AtomicU64>) -> RequestBody {
        RequestBody {
            incoming: Some(incoming),
            received,
        }
    }

    /// The length the client declared (`Content-Length`), if it did.
    pub fn declared_len(&self) -> Option<u64> {
        self.incoming.as_ref().and_then(|body| body.size_hint().exact())
    }

    /// The next chunk of data; `None` at the end (trailers are skipped).
    pub async fn chunk(&mut self) -> Option<Result<Bytes, BodyError>> {
        let incoming = self.incoming.as_mut()?;
        loop {
            match incoming.frame().await? {
                Err(error) => return Some(Err(BodyError::Broken(error))),
                Ok(frame) => {
                    if let Ok(data) = frame.into_data() {
                        self.received.fetch_add(data.len() as u64, Ordering::Relaxed);
                        return Some(Ok(data));
                    }
                }
            }
        }
    }

    /// The whole body, at most `limit` bytes: a larger declared length is refused before a byte
    /// is read, a larger body as soon as it goes past the limit.
    pub async fn read_limited(mut self, limit: usize) -> Result<Bytes, BodyError> {
        if self.declared_len().is_some_and(|len| len > limit as u64) {
            return Err(BodyError::TooLarge);
        }
        let declared = self.declared_len().and_then(|len| usize::try_from(len).ok());
        let mut buffer = BytesMut::with_capacity(declared.unwrap_or(0));
        while let Some(chunk) = self.chunk().await {
            let chunk = chunk?;
            if buffer.len() + chunk.len() > limit {
                return Err(BodyError::TooLarge);
            }
            buffer.extend_from_slice(&chunk);
        }
        Ok(buffer.freeze())
    }

    /// Copies the body to `writer` chunk by chunk (memory: one chunk), at most `limit` bytes;
    /// the number of bytes copied. The generic upload path: the admin sink writes to
    /// `tokio::io::sink()`, Blob uploads will write to a file.
    pub async fn copy_to<W: AsyncWrite + Unpin>(mut self, writer: &mut W, limit: u64) -> Result<u64, BodyError> {
        if self.declared_len().is_some_and(|len| len > limit) {
            return Err(BodyError::TooLarge);
        }
        let mut copied = 0u64;
        while let Some(chunk) = self.chunk().await {
            let chunk = chunk?;
            copied += chunk.len() as u64;
            if copied > limit {
                return Err(BodyError::TooLarge);
            }
            writer.write_all(&chunk).await.map_err(BodyError::Write)?;
        }
        writer.flush().await.map_err(BodyError::Write)?;
        Ok(copied)
    }
}
