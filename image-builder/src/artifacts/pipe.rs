//! The pipe between the blocking packer thread and the async uploader: bounded chunks, the
//! SHA-256 and size of everything written, and an explicit end so that a packer that fails or
//! panics is an error for the reader, never a short archive taken as whole.

use ring::digest::{Context, SHA256};
use std::io::{self, Write};
use std::pin::Pin;
use std::task::{Poll, ready};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::sync::mpsc;

/// The size of one chunk sent through the pipe.
const CHUNK: usize = 256 * 1024;
/// Chunks in flight: the pipe holds at most `CHUNK * DEPTH` bytes (2 MiB).
const DEPTH: usize = 8;

enum Message {
    Data(Vec<u8>),
    Failed(io::Error),
    Done,
}

/// A pipe: the [`PipeWriter`] goes to the packer thread, the [`PipeReader`] to the uploader.
pub(crate) fn pipe() -> (PipeWriter, PipeReader) {
    let (tx, rx) = mpsc::channel(DEPTH);
    (
        PipeWriter {
            tx,
            buffer: Vec::with_capacity(CHUNK),
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

/// What went through the pipe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Written {
    /// The SHA-256 of the bytes, lowercase hex.
    pub sha256: String,
    /// How many bytes.
    pub bytes: u64,
}

/// The blocking end: hashes and counts what it is given and sends it in chunks.
pub(crate) struct PipeWriter {
    tx: mpsc::Sender<Message>,
    buffer: Vec<u8>,
    digest: Context,
    bytes: u64,
}

impl PipeWriter {
    fn send(&mut self, message: Message) -> io::Result<()> {
        self.tx
            .blocking_send(message)
            .map_err(|_| io::Error::new(io::ErrorKind::BrokenPipe, "the upload stopped reading"))
    }

    fn send_buffer(&mut self) -> io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buffer, Vec::with_capacity(CHUNK));
        self.send(Message::Data(chunk))
    }

    /// Sends what is buffered and the end of the stream; returns the digest and size.
    pub(crate) fn finish(mut self) -> io::Result<Written> {
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

    /// Tells the reader that packing failed with `error` (its read fails with it).
    pub(crate) fn fail(mut self, error: &io::Error) {
        let _ = self.send(Message::Failed(io::Error::new(error.kind(), error.to_string())));
    }
}

impl Write for PipeWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let take = data.len().min(CHUNK - self.buffer.len());
        self.buffer.extend_from_slice(&data[..take]);
        self.digest.update(&data[..take]);
        self.bytes += take as u64;
        if self.buffer.len() == CHUNK {
            self.send_buffer()?;
        }
        Ok(take)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// The async end: yields the chunks; fails when the packer failed or stopped without an end.
pub(crate) struct PipeReader {
    rx: mpsc::Receiver<Message>,
    current: Vec<u8>,
    position: usize,
    done: bool,
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
                        "the packer stopped before the end of the archive",
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
        let data: Vec<u8> = (0..CHUNK * 3 + 17).map(|i| (i % 251) as u8).collect();
        let expected = data.clone();
        let packer = tokio::task::spawn_blocking(move || {
            writer.write_all(&data)?;
            writer.finish()
        });
        let mut read = Vec::new();
        reader.read_to_end(&mut read).await.unwrap();
        let written = packer.await.unwrap().unwrap();
        assert_eq!(read, expected);
        assert_eq!(written.bytes, expected.len() as u64);
        let digest = ring::digest::digest(&SHA256, &expected);
        let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(written.sha256, hex);
    }

    #[tokio::test]
    async fn a_failed_or_vanished_packer_is_a_read_error() {
        let (mut writer, mut reader) = pipe();
        tokio::task::spawn_blocking(move || {
            writer.write_all(b"partial").unwrap();
            writer.send_buffer().unwrap();
            writer.fail(&io::Error::new(io::ErrorKind::PermissionDenied, "secret.key: denied"));
        });
        let mut read = Vec::new();
        let error = reader.read_to_end(&mut read).await.unwrap_err();
        assert_eq!(error.to_string(), "secret.key: denied");

        let (writer, mut reader) = pipe();
        drop(writer);
        let error = reader.read_to_end(&mut Vec::new()).await.unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::UnexpectedEof);
    }
}
