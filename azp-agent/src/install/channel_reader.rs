//! The package body as a blocking [`BufRead`]: chunks sent by the download side through a bounded channel.

use super::limits::Received;
use bytes::{Buf, Bytes};
use std::cell::Cell;
use std::io::{self, BufRead, Read};
use std::rc::Rc;
use tokio::sync::mpsc;

/// What the download side sends to the extraction side.
#[derive(Debug)]
pub(super) enum Message {
    /// The next bytes of the body.
    Chunk(Bytes),
    /// The body ended normally; its SHA-256, lowercase hexadecimal.
    End {
        /// SHA-256 of every byte of the body.
        sha256: String,
    },
}

/// Set when the channel closed without [`Message::End`]: the download side failed or was dropped.
pub(super) type Aborted = Rc<Cell<bool>>;

/// Reads the chunks of a channel, blocking the thread while it waits. Must not be used on an async thread.
pub(super) struct ChannelReader {
    rx: mpsc::Receiver<Message>,
    chunk: Bytes,
    end: Option<String>,
    aborted: Aborted,
    received: Received,
}

impl ChannelReader {
    pub(super) fn new(rx: mpsc::Receiver<Message>) -> (Self, Aborted) {
        let aborted = Aborted::default();
        let reader = ChannelReader {
            rx,
            chunk: Bytes::new(),
            end: None,
            aborted: aborted.clone(),
            received: Received::default(),
        };
        (reader, aborted)
    }

    /// The count of bytes received from the channel so far, kept up to date as chunks arrive.
    pub(super) fn received(&self) -> Received {
        self.received.clone()
    }

    /// Skips what is left of the body (bytes after the archive) and returns its SHA-256 from
    /// [`Message::End`]; `None` if the download side went away first.
    pub(super) fn finish(mut self) -> Option<String> {
        loop {
            match self.fill_buf() {
                Ok([]) => return self.end.take(),
                Ok(bytes) => {
                    let n = bytes.len();
                    self.consume(n);
                }
                Err(_) => return None,
            }
        }
    }
}

impl BufRead for ChannelReader {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        while self.chunk.is_empty() && self.end.is_none() {
            match self.rx.blocking_recv() {
                Some(Message::Chunk(chunk)) => {
                    self.received.set(self.received.get() + chunk.len() as u64);
                    self.chunk = chunk;
                }
                Some(Message::End { sha256 }) => self.end = Some(sha256),
                None => {
                    self.aborted.set(true);
                    // Not `Interrupted`: readers retry on that kind.
                    return Err(io::Error::new(
                        io::ErrorKind::BrokenPipe,
                        "the download stopped before the end of the package",
                    ));
                }
            }
        }
        Ok(&self.chunk)
    }

    fn consume(&mut self, amt: usize) {
        self.chunk.advance(amt);
    }
}

impl Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(buf.len());
        buf[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_chunks_until_end_then_eof() {
        let (tx, rx) = mpsc::channel(4);
        let sender = std::thread::spawn(move || {
            for part in [&b"hel"[..], b"", b"lo ", b"world"] {
                tx.blocking_send(Message::Chunk(Bytes::from_static(part))).unwrap();
            }
            tx.blocking_send(Message::End { sha256: "h".into() }).unwrap();
        });
        let (mut reader, aborted) = ChannelReader::new(rx);
        let received = reader.received();
        let mut first = [0u8; 4];
        reader.read_exact(&mut first).unwrap();
        assert_eq!(&first, b"hell");
        assert_eq!(received.get(), 6, "the chunks read from so far");
        let mut rest = String::new();
        reader.read_to_string(&mut rest).unwrap();
        assert_eq!(rest, "o world");
        assert_eq!(reader.read(&mut first).unwrap(), 0);
        assert_eq!(received.get(), 11);
        assert_eq!(reader.finish().as_deref(), Some("h"));
        assert!(!aborted.get());
        sender.join().unwrap();
    }

    #[test]
    fn finish_skips_trailing_bytes() {
        let (tx, rx) = mpsc::channel(4);
        tx.try_send(Message::Chunk(Bytes::from_static(b"ab"))).unwrap();
        tx.try_send(Message::Chunk(Bytes::from_static(b"cd"))).unwrap();
        tx.try_send(Message::End { sha256: "x".into() }).unwrap();
        let (mut reader, _) = ChannelReader::new(rx);
        let mut one = [0u8; 1];
        reader.read_exact(&mut one).unwrap();
        assert_eq!(reader.finish().as_deref(), Some("x"));
    }

    #[test]
    fn a_closed_channel_is_an_abort_not_an_eof() {
        let (tx, rx) = mpsc::channel(4);
        tx.try_send(Message::Chunk(Bytes::from_static(b"ab"))).unwrap();
        drop(tx);
        let (mut reader, aborted) = ChannelReader::new(rx);
        let mut all = Vec::new();
        let err = reader.read_to_end(&mut all).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::BrokenPipe);
        assert_eq!(all, b"ab");
        assert!(aborted.get());
        assert_eq!(reader.finish(), None);
    }
}
