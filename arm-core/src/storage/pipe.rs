//! A bounded pipe from a blocking producer (a thread that packs a folder into an archive) to an
//! async consumer (an upload through [`StorageClient::upload_stream`](super::StorageClient::upload_stream)).
//!
//! The producer writes through [`PipeWriter`] (`std::io::Write`), which hashes (SHA-256) and
//! counts every byte and sends it in chunks of [`PIPE_CHUNK`] bytes over a channel holding at
//! most [`PIPE_DEPTH`] chunks: memory stays bounded whatever the archive's size, and a producer
//! faster than the upload simply blocks. The consumer reads through [`PipeReader`]
//! (`tokio::io::AsyncRead`).
//!
//! The end of the stream is explicit: the reader sees end-of-file only after
//! [`PipeWriter::finish`]. A producer that fails calls [`PipeWriter::fail`] and the reader's
//! next read fails with that error; a producer that panics or drops its writer without
//! finishing makes the read fail with `UnexpectedEof`. So a failed pack is never taken for a
//! short but complete archive, and an upload reading it never commits it. A reader that is
//! dropped (an upload that failed or was cancelled) makes the producer's next write fail with
//! `BrokenPipe`, which stops it.
//!
//! ```
//! use arm_core::storage::pipe::pipe;
//! use std::io::Write;
//! use tokio::io::AsyncReadExt;
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> std::io::Result<()> {
//! let (mut writer, mut reader) = pipe();
//! let producer = tokio::task::spawn_blocking(move || {
//!     writer.write_all(b"archive bytes")?;
//!     writer.finish()
//! });
//! let mut read = Vec::new();
//! reader.read_to_end(&mut read).await?;
//! let written = producer.await.expect("the producer ran")?;
//! assert_eq!(written.bytes, read.len() as u64);
//! # Ok(()) }
//! ```

use ring::digest::{Context, SHA256};
use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Poll, ready};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::mpsc;

/// The size of one chunk sent through the pipe: 256 KiB.
pub const PIPE_CHUNK: usize = 256 * 1024;
/// How many chunks the pipe holds: at most `PIPE_CHUNK * PIPE_DEPTH` bytes (2 MiB) are in
/// flight between the producer and the consumer, plus the chunk each side holds.
pub const PIPE_DEPTH: usize = 8;

enum Message {
    Data(Vec<u8>),
    Failed(io::Error),
    Done,
}

/// A pipe: the [`PipeWriter`] goes to the blocking producer, the [`PipeReader`] to the async
/// consumer. Writing blocks the thread (it uses `blocking_send`): call it from a blocking
/// thread (`tokio::task::spawn_blocking`, `std::thread`), never from an async task.
pub fn pipe() -> (PipeWriter, PipeReader) {
    let (tx, rx) = mpsc::channel(PIPE_DEPTH);
    (
        PipeWriter {
            tx,
            buffer: Vec::with_capacity(PIPE_CHUNK),
            digest: Context::new(&SHA256),
            bytes: 0,
        },
        PipeReader {
            rx,
            current: Vec::new(),
            position: 0,
            done: false,
        },
    )
}

/// What went through a pipe, returned by [`PipeWriter::finish`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Written {
    /// The SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// How many bytes.
    pub bytes: u64,
}

/// The blocking end of a [`pipe`]: hashes and counts what it is given and sends it in chunks.
pub struct PipeWriter {
    tx: mpsc::Sender<Message>,
    buffer: Vec<u8>,
    digest: Context,
    bytes: u64,
}

impl std::fmt::Debug for PipeWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PipeWriter")
            .field("bytes", &self.bytes)
            .finish_non_exhaustive()
    }
}

impl PipeWriter {
    fn send(&mut self, message: Message) -> io::Result<()> {
        self.tx
            .blocking_send(message)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the reader of the pipe stopped reading"))
    }

    fn send_buffer(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buffer, Vec::with_capacity(PIPE_CHUNK));
        self.send(Message::Data(chunk))
    }

    /// Sends what is buffered and the end of the stream; returns the SHA-256 and the size of
    /// everything written. Fails with `BrokenPipe` when the reader is gone.
    pub fn finish(mut self) -> io::Result<Written> {
        self.send_buffer()?;
        self.send(Message::Done)?;
        let sha256 = self
            .digest
            .clone()
            .finish()
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        Ok(Written {
            sha256,
            bytes: self.bytes,
        })
    }

    /// Tells the reader that producing failed with `error`: its next read fails with an error
    /// of the same kind and message (what was buffered is dropped, never delivered as whole).
    pub fn fail(mut self, error: &io::Error) {
        let _ = self.send(Message::Failed(io::Error::new(error.kind(), error.to_string())));
    }
}

impl Write for PipeWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let take = data.len().min(PIPE_CHUNK - self.buffer.len());
        self.buffer.extend_from_slice(&data[..take]);
        self.digest.update(&data[..take]);
        self.bytes += take as u64;
        if self.buffer.len() == PIPE_CHUNK {
            self.send_buffer()?;
        }
        Ok(take)
    }

    /// Does nothing: chunks leave when full, the rest with [`PipeWriter::finish`] (so that a
    /// producer's flushes do not send small chunks).
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The async end of a [`pipe`]: yields the chunks; fails when the producer failed or stopped
/// without [`PipeWriter::finish`].
pub struct PipeReader {
    rx: mpsc::Receiver<Message>,
    current: Vec<u8>,
    position: usize,
    done: bool,
}

impl std::fmt::Debug for PipeReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PipeReader")
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl AsyncRead for PipeReader {
    fn poll_read(self: Pin<&mut Self>, cx: &mut std::task::Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        loop {
            if this.position < this.current.len() {
                let n = buf.remaining().min(this.current.len() - this.position);
                buf.put_slice(&this.current[this.position..this.position + n]);
                this.position += n;
                return Poll::Ready(Ok(()));
            }
            if this.done {
                return Poll::Ready(Ok(()));
            }
            match ready!(this.rx.poll_recv(cx)) {
                Some(Message::Data(chunk)) => {
                    this.current = chunk;
                    this.position = 0;
                }
                Some(Message::Done) => this.done = true,
                Some(Message::Failed(error)) => return Poll::Ready(Err(error)),
                None => {
                    return Poll::Ready(Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "the producer stopped before the end of the stream",
                    )));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::AsyncReadExt;

    #[tokio::test]
    async fn bytes_hash_and_end_arrive() {
        let (mut writer, mut reader) = pipe();
        let data: Vec<u8> = (0..PIPE_CHUNK * 3 + 17).map(|i| (i % 251) as u8).collect();
        let expected = data.clone();
        let producer = tokio::task::spawn_blocking(move || {
            writer.write_all(&data)?;
            writer.finish()
        });
        let mut read = Vec::new();
        reader.read_to_end(&mut read).await.unwrap();
        let written = producer.await.unwrap().unwrap();
        assert_eq!(read, expected);
        assert_eq!(written.bytes, expected.len() as u64);
        let digest = ring::digest::digest(&SHA256, &expected);
        let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(written.sha256, hex);
    }

    #[tokio::test]
    async fn a_failed_or_vanished_producer_is_a_read_error() {
        let (mut writer, mut reader) = pipe();
        tokio::task::spawn_blocking(move || {
            writer.write_all(b"partial").unwrap();
            writer.send_buffer().unwrap();
            writer.fail(&io::Error::new(io::ErrorKind::PermissionDenied, "secret.key: denied"));
        });
        let mut read = Vec::new();
        let error = reader.read_to_end(&mut read).await.unwrap_err();
        assert_eq!(error.to_string(), "secret.key: denied");
        assert_eq!(error.kind(), io::ErrorKind::PermissionDenied);

        let (writer, mut reader) = pipe();
        drop(writer);
        let error = reader.read_to_end(&mut Vec::new()).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[tokio::test]
    async fn a_dropped_reader_stops_the_producer() {
        let (mut writer, reader) = pipe();
        drop(reader);
        let error = tokio::task::spawn_blocking(move || writer.write_all(&vec![0; PIPE_CHUNK]))
            .await
            .unwrap()
            .unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::BrokenPipe);
    }
}
