//! Content checksums the Blob service verifies and reports: MD5 (`Content-MD5`) and Azure
//! Storage's CRC64 (`x-ms-content-crc64`), computed while a body streams to disk.
//!
//! The CRC64 is CRC-64/NVME: polynomial 0xAD93D23594C93659 (reflected 0x9A6C9329AC4BC9B5),
//! initial value and final XOR all ones, the polynomial azure-storage-net's `Crc64` and the
//! Storage SDKs' `StorageCrc64Calculator` use; the header is the base64 of its 8 bytes,
//! little-endian.

use std::pin::Pin;
use std::task::{Context, Poll};

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use md5::{Digest, Md5};
use tokio::io::AsyncWrite;

/// The reflected CRC-64/NVME polynomial.
const CRC64_POLYNOMIAL: u64 = 0x9A6C_9329_AC4B_C9B5;

/// The byte-at-a-time table of [`CRC64_POLYNOMIAL`].
const CRC64_TABLE: [u64; 256] = {
    let mut table = [0u64; 256];
    let mut i = 0;
    while i < 256 {
        let mut crc = i as u64;
        let mut bit = 0;
        while bit < 8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ CRC64_POLYNOMIAL
            } else {
                crc >> 1
            };
            bit += 1;
        }
        table[i] = crc;
        i += 1;
    }
    table
};

/// A running CRC-64/NVME.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Crc64(u64);

impl Default for Crc64 {
    fn default() -> Self {
        Crc64(u64::MAX)
    }
}

impl Crc64 {
    /// Adds `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        let mut crc = self.0;
        for &byte in bytes {
            crc = CRC64_TABLE[usize::from((crc as u8) ^ byte)] ^ (crc >> 8);
        }
        self.0 = crc;
    }

    /// The checksum of what was added.
    pub fn value(self) -> u64 {
        !self.0
    }
}

/// MD5 and CRC64 of everything written, computed on the way to the inner writer.
pub(crate) struct Checksummed<W> {
    inner: W,
    md5: Md5,
    crc64: Crc64,
}

/// The checksums of a body, raw.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sums {
    /// MD5, 16 bytes.
    pub md5: [u8; 16],
    /// CRC64, little-endian bytes.
    pub crc64: [u8; 8],
}

impl Sums {
    /// `Content-MD5`: base64 of the MD5.
    pub fn md5_base64(&self) -> String {
        STANDARD.encode(self.md5)
    }

    /// `x-ms-content-crc64`: base64 of the CRC64, little-endian.
    pub fn crc64_base64(&self) -> String {
        STANDARD.encode(self.crc64)
    }
}

impl<W> Checksummed<W> {
    /// A writer to `inner` that checksums what passes.
    pub fn new(inner: W) -> Self {
        Checksummed {
            inner,
            md5: Md5::new(),
            crc64: Crc64::default(),
        }
    }

    /// The inner writer and the checksums of what was written.
    pub fn finish(self) -> (W, Sums) {
        let md5: [u8; 16] = self.md5.finalize().into();
        (
            self.inner,
            Sums {
                md5,
                crc64: self.crc64.value().to_le_bytes(),
            },
        )
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for Checksummed<W> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let written = std::task::ready!(Pin::new(&mut this.inner).poll_write(cx, buf))?;
        this.md5.update(&buf[..written]);
        this.crc64.update(&buf[..written]);
        Poll::Ready(Ok(written))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// The MD5 of `bytes`.
pub(crate) fn md5(bytes: &[u8]) -> [u8; 16] {
    Md5::digest(bytes).into()
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncWriteExt;

    use super::*;

    #[test]
    fn crc64_nvme_check_value() {
        // The catalogue's check value of CRC-64/NVME over "123456789".
        let mut crc = Crc64::default();
        crc.update(b"1234");
        crc.update(b"56789");
        assert_eq!(crc.value(), 0xAE8B_1486_0A79_9888);
        assert_eq!(Crc64::default().value(), 0);
    }

    #[tokio::test]
    async fn writes_are_checksummed_on_the_way() {
        let mut writer = Checksummed::new(Vec::new());
        writer.write_all(b"hello ").await.unwrap();
        writer.write_all(b"world").await.unwrap();
        let (inner, sums) = writer.finish();
        assert_eq!(inner, b"hello world");
        // md5("hello world") = 5eb63bbbe01eeed093cb22bb8f5acdc3.
        assert_eq!(sums.md5_base64(), "XrY7u+Ae7tCTyyK7j1rNww==");
        assert_eq!(sums.md5, md5(b"hello world"));
    }
}
