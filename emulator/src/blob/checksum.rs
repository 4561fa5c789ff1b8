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

/// Slicing-by-8 tables of [`CRC64_POLYNOMIAL`]: `CRC64_TABLES[0]` is the classic byte-at-a-time
/// table, and `CRC64_TABLES[k][i]` is the CRC of byte `i` followed by `k` zero bytes, so that
/// eight bytes are folded in with eight independent look-ups.
const CRC64_TABLES: [[u64; 256]; 8] = {
    let mut tables = [[0u64; 256]; 8];
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
        tables[0][i] = crc;
        i += 1;
    }
    let mut k = 1;
    while k < 8 {
        let mut i = 0;
        while i < 256 {
            let previous = tables[k - 1][i];
            tables[k][i] = tables[0][(previous & 0xFF) as usize] ^ (previous >> 8);
            i += 1;
        }
        k += 1;
    }
    tables
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
    /// Adds `bytes`, eight at a time (slicing-by-8), the rest one at a time.
    pub fn update(&mut self, bytes: &[u8]) {
        let t = &CRC64_TABLES;
        let mut crc = self.0;
        let mut words = bytes.chunks_exact(8);
        for word in &mut words {
            let mut eight = [0u8; 8];
            eight.copy_from_slice(word);
            let v = crc ^ u64::from_le_bytes(eight);
            crc = t[7][(v & 0xFF) as usize]
                ^ t[6][((v >> 8) & 0xFF) as usize]
                ^ t[5][((v >> 16) & 0xFF) as usize]
                ^ t[4][((v >> 24) & 0xFF) as usize]
                ^ t[3][((v >> 32) & 0xFF) as usize]
                ^ t[2][((v >> 40) & 0xFF) as usize]
                ^ t[1][((v >> 48) & 0xFF) as usize]
                ^ t[0][(v >> 56) as usize];
        }
        for &byte in words.remainder() {
            crc = t[0][usize::from((crc as u8) ^ byte)] ^ (crc >> 8);
        }
        self.0 = crc;
    }

    /// The checksum of what was added.
    pub fn value(self) -> u64 {
        !self.0
    }
}

/// Which checksums of a body to compute: each costs CPU over every byte, so only those the
/// request carries or the answer must carry are computed.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Wanted {
    /// The MD5.
    pub md5: bool,
    /// The CRC64.
    pub crc64: bool,
}

/// The wanted checksums of everything written, computed on the way to the inner writer.
pub(crate) struct Checksummed<W> {
    inner: W,
    md5: Option<Md5>,
    crc64: Option<Crc64>,
}

/// The checksums of a body that were computed, raw.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Sums {
    /// MD5, 16 bytes.
    pub md5: Option<[u8; 16]>,
    /// CRC64, little-endian bytes.
    pub crc64: Option<[u8; 8]>,
}

impl Sums {
    /// The wanted checksums of `bytes`.
    pub fn of(bytes: &[u8], wanted: Wanted) -> Sums {
        let crc64 = || {
            let mut crc64 = Crc64::default();
            crc64.update(bytes);
            crc64.value().to_le_bytes()
        };
        Sums {
            md5: wanted.md5.then(|| md5(bytes)),
            crc64: wanted.crc64.then(crc64),
        }
    }

    /// `Content-MD5`: base64 of the MD5, if computed.
    pub fn md5_base64(&self) -> Option<String> {
        self.md5.map(|md5| STANDARD.encode(md5))
    }

    /// `x-ms-content-crc64`: base64 of the CRC64, little-endian, if computed.
    pub fn crc64_base64(&self) -> Option<String> {
        self.crc64.map(|crc64| STANDARD.encode(crc64))
    }
}

impl<W> Checksummed<W> {
    /// A writer to `inner` that computes the `wanted` checksums of what passes.
    pub fn new(inner: W, wanted: Wanted) -> Self {
        Checksummed {
            inner,
            md5: wanted.md5.then(Md5::new),
            crc64: wanted.crc64.then(Crc64::default),
        }
    }

    /// The inner writer and the checksums of what was written.
    pub fn finish(self) -> (W, Sums) {
        let sums = Sums {
            md5: self.md5.map(|md5| md5.finalize().into()),
            crc64: self.crc64.map(|crc64| crc64.value().to_le_bytes()),
        };
        (self.inner, sums)
    }
}

impl<W: AsyncWrite + Unpin> AsyncWrite for Checksummed<W> {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<std::io::Result<usize>> {
        let this = self.get_mut();
        let written = std::task::ready!(Pin::new(&mut this.inner).poll_write(cx, buf))?;
        if let Some(md5) = &mut this.md5 {
            md5.update(&buf[..written]);
        }
        if let Some(crc64) = &mut this.crc64 {
            crc64.update(&buf[..written]);
        }
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

    #[test]
    fn slicing_by_8_matches_the_bitwise_definition_at_every_length_and_alignment() {
        let bitwise = |bytes: &[u8]| {
            let mut crc = u64::MAX;
            for &byte in bytes {
                crc ^= u64::from(byte);
                for _ in 0..8 {
                    crc = if crc & 1 == 1 {
                        (crc >> 1) ^ CRC64_POLYNOMIAL
                    } else {
                        crc >> 1
                    };
                }
            }
            !crc
        };
        let data: Vec<u8> = (0..300u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        for start in 0..9 {
            for end in start..data.len() {
                let mut crc = Crc64::default();
                crc.update(&data[start..end]);
                assert_eq!(crc.value(), bitwise(&data[start..end]), "bytes {start}..{end}");
            }
        }
    }

    #[tokio::test]
    async fn writes_are_checksummed_on_the_way() {
        let both = Wanted { md5: true, crc64: true };
        let mut writer = Checksummed::new(Vec::new(), both);
        writer.write_all(b"hello ").await.unwrap();
        writer.write_all(b"world").await.unwrap();
        let (inner, sums) = writer.finish();
        assert_eq!(inner, b"hello world");
        // md5("hello world") = 5eb63bbbe01eeed093cb22bb8f5acdc3.
        assert_eq!(sums.md5_base64().as_deref(), Some("XrY7u+Ae7tCTyyK7j1rNww=="));
        assert_eq!(sums.md5, Some(md5(b"hello world")));
        assert_eq!(sums, Sums::of(b"hello world", both));
    }

    #[tokio::test]
    async fn only_the_wanted_checksums_are_computed() {
        let mut writer = Checksummed::new(
            Vec::new(),
            Wanted {
                md5: false,
                crc64: true,
            },
        );
        writer.write_all(b"123456789").await.unwrap();
        let (_, sums) = writer.finish();
        assert_eq!(sums.md5, None);
        assert_eq!(sums.crc64, Some(0xAE8B_1486_0A79_9888u64.to_le_bytes()));
        assert_eq!(Sums::of(b"x", Wanted::default()), Sums::default());
    }
}
