//! Response bodies: bytes in memory, or a file streamed from disk in chunks (agent packages of
//! any size with little memory).

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use hyper::body::{Frame, SizeHint};
use tokio::io::{AsyncRead, ReadBuf};

/// Size of the chunks a file is sent in.
const CHUNK: usize = 64 * 1024;

/// A response body.
pub(crate) enum Body {
    /// Bytes in memory, sent as one frame (`None` once sent).
    Bytes(Option<Bytes>),
    /// A file, read and sent chunk by chunk.
    File(FileBody),
}

/// A file being streamed: exactly `remaining` more bytes are expected.
pub(crate) struct FileBody {
    file: tokio::fs::File,
    remaining: u64,
    buffer: Box<[u8]>,
}

impl Body {
    /// A body of these bytes.
    pub fn bytes(bytes: Bytes) -> Body {
        Body::Bytes(Some(bytes).filter(|b| !b.is_empty()))
    }

    /// The first `len` bytes of `file` (its size, so that `Content-Length` is set).
    pub fn file(file: tokio::fs::File, len: u64) -> Body {
        Body::File(FileBody {
            file,
            remaining: len,
            buffer: vec![0; CHUNK].into_boxed_slice(),
        })
    }
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        match self.get_mut() {
            Body::Bytes(bytes) => Poll::Ready(bytes.take().map(|b| Ok(Frame::data(b)))),
            Body::File(body) => body.poll_chunk(cx),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Body::Bytes(bytes) => bytes.is_none(),
            Body::File(body) => body.remaining == 0,
        }
    }

    fn size_hint(&self) -> SizeHint {
        match self {
            Body::Bytes(bytes) => SizeHint::with_exact(bytes.as_ref().map_or(0, |b| b.len() as u64)),
            Body::File(body) => SizeHint::with_exact(body.remaining),
        }
    }
}

impl FileBody {
    fn poll_chunk(&mut self, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        if self.remaining == 0 {
            return Poll::Ready(None);
        }
        let want = usize::try_from(self.remaining).map_or(CHUNK, |r| r.min(CHUNK));
        let mut buf = ReadBuf::new(&mut self.buffer[..want]);
        match Pin::new(&mut self.file).poll_read(cx, &mut buf) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Err(error)) => Poll::Ready(Some(Err(error))),
            Poll::Ready(Ok(())) if buf.filled().is_empty() => Poll::Ready(Some(Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the file became shorter while it was sent",
            )))),
            Poll::Ready(Ok(())) => {
                let chunk = Bytes::copy_from_slice(buf.filled());
                self.remaining -= chunk.len() as u64;
                Poll::Ready(Some(Ok(Frame::data(chunk))))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use http_body_util::BodyExt;
    use hyper::body::Body as _;

    use super::Body;

    #[tokio::test]
    async fn a_file_is_sent_in_chunks_with_its_exact_size() {
        let dir = std::env::temp_dir().join(format!("az-emulator-body-{}", crate::random::uuid()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("f");
        let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        std::fs::write(&path, &content).unwrap();
        let file = tokio::fs::File::open(&path).await.unwrap();
        let body = Body::file(file, content.len() as u64);
        assert_eq!(body.size_hint().exact(), Some(200_000));
        let collected = body.collect().await.unwrap().to_bytes();
        assert_eq!(collected.as_ref(), content.as_slice());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
