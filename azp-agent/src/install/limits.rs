//! Bounds on what the package may unpack to, so that a decompression bomb (a small `.tar.gz` of a huge file
//! of zeros, or of very many entries) fails before it fills the disk or the memory.
//!
//! The real agent package is about 100 MB and unpacks to about 300 MB in about 10,000 entries: a ratio of
//! about 3, far below [`MAX_UNPACK_RATIO`], and a count far below [`MAX_ENTRIES`].

use super::InstallError;
use std::cell::Cell;
use std::rc::Rc;

/// The most entries (files, directories, links, headers) an agent package may have: 20 times the real
/// agent's.
pub const MAX_ENTRIES: u64 = 200_000;

/// The most bytes of files an agent package may unpack to per byte of the package: 20, about 7 times the
/// real agent's ratio. It applies at every moment to the bytes of the package received so far (never more
/// than its `Content-Length` when that is known), so that a forged `Content-Length` cannot raise it.
pub const MAX_UNPACK_RATIO: u64 = 20;

/// What any package may unpack to whatever its ratio: 64 MiB, so that a small package, or a very
/// compressible file at the start of a large one, is not refused.
pub const UNPACK_FLOOR: u64 = 64 * 1024 * 1024;

/// Bytes of the body read by the extraction so far; shared by the reader that counts them and the
/// unpacker that checks the limits.
pub(super) type Received = Rc<Cell<u64>>;

/// The limits of one install.
#[derive(Debug)]
pub(super) struct Limits {
    /// The size of the body (its `Content-Length`), if known.
    total: Option<u64>,
    received: Received,
}

impl Limits {
    /// Limits for a body of `total` bytes if known, of which `received` were read so far.
    pub(super) fn new(total: Option<u64>, received: Received) -> Self {
        Limits { total, received }
    }

    /// The bytes of the package that the limit is derived from: those received so far, no more than the
    /// announced total.
    fn packed(&self) -> u64 {
        let received = self.received.get();
        self.total.map_or(received, |total| received.min(total))
    }

    /// What the files may unpack to, given `packed` bytes of the package.
    fn budget(packed: u64) -> u64 {
        packed.saturating_mul(MAX_UNPACK_RATIO).max(UNPACK_FLOOR)
    }

    /// Checks that one more entry, the `seen`-th (from 1), is allowed.
    pub(super) fn check_entry(&self, seen: u64, entry: &str) -> Result<(), InstallError> {
        if seen > MAX_ENTRIES {
            return Err(InstallError::TooManyEntries {
                entry: entry.to_owned(),
                limit: MAX_ENTRIES,
            });
        }
        Ok(())
    }

    /// Checks, before a file of `size` bytes is written, that it fits in what the whole package may unpack
    /// to, after `unpacked` bytes of earlier files: refused at once when it cannot fit even when the whole
    /// body (its known total) has arrived.
    pub(super) fn check_declared(&self, unpacked: u64, size: u64, entry: &str) -> Result<(), InstallError> {
        match self.total {
            Some(total) if unpacked.saturating_add(size) > Self::budget(total) => {
                Err(self.too_large(entry, Self::budget(total), total))
            }
            _ => Ok(()),
        }
    }

    /// Checks that `unpacked` bytes of files, about to be written, are allowed by the bytes of the package
    /// received so far.
    pub(super) fn check_unpacked(&self, unpacked: u64, entry: &str) -> Result<(), InstallError> {
        let packed = self.packed();
        let limit = Self::budget(packed);
        if unpacked > limit {
            return Err(self.too_large(entry, limit, packed));
        }
        Ok(())
    }

    fn too_large(&self, entry: &str, limit: u64, packed: u64) -> InstallError {
        InstallError::TooLarge {
            entry: entry.to_owned(),
            limit,
            packed,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(total: Option<u64>, received: u64) -> Limits {
        Limits::new(total, Rc::new(Cell::new(received)))
    }

    #[test]
    fn the_budget_is_twenty_times_the_bytes_received_and_at_least_the_floor() {
        let l = limits(None, 0);
        l.check_unpacked(UNPACK_FLOOR, "f").unwrap();
        let err = l.check_unpacked(UNPACK_FLOOR + 1, "f").unwrap_err();
        assert!(
            matches!(err, InstallError::TooLarge { limit: UNPACK_FLOOR, packed: 0, ref entry } if entry == "f"),
            "{err}"
        );
        let l = limits(None, 100_000_000);
        l.check_unpacked(2_000_000_000, "f").unwrap();
        assert!(l.check_unpacked(2_000_000_001, "f").is_err());
    }

    #[test]
    fn a_known_total_caps_the_bytes_received_and_refuses_a_declared_size_at_once() {
        // More received than announced does not raise the limit.
        let l = limits(Some(10_000_000), 50_000_000);
        l.check_unpacked(200_000_000, "f").unwrap();
        assert!(l.check_unpacked(200_000_001, "f").is_err());
        // A file that cannot fit even once the whole body arrived is refused before it is written.
        let l = limits(Some(10_000_000), 1000);
        l.check_declared(100_000_000, 100_000_000, "f").unwrap();
        let err = l.check_declared(100_000_000, 100_000_001, "big").unwrap_err();
        assert!(
            matches!(
                err,
                InstallError::TooLarge {
                    limit: 200_000_000,
                    packed: 10_000_000,
                    ..
                }
            ),
            "{err}"
        );
        limits(None, 0).check_declared(0, u64::MAX, "f").unwrap();
    }

    #[test]
    fn the_entry_count_is_capped() {
        let l = limits(None, 0);
        l.check_entry(MAX_ENTRIES, "e").unwrap();
        let err = l.check_entry(MAX_ENTRIES + 1, "e").unwrap_err();
        assert_eq!(
            err.to_string(),
            "the agent package has more than 200000 entries (at 'e'): expected at most 200000, an agent package \
             has about 10000; it is corrupt or a decompression bomb"
        );
    }
}
