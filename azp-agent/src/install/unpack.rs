//! Checks one entry of the archive, then writes it into the staging directory.

use super::limits::Limits;
use super::links::LinkTracker;
use super::{InstallError, paths, perms};
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime};
use tar::EntryType;

/// Bytes copied from the archive to a file at a time.
const COPY_BUFFER: usize = 128 * 1024;

/// Why an entry could not be unpacked.
#[derive(Debug)]
pub(super) enum UnpackError {
    /// Reading the archive failed: it is truncated or corrupt, or the download went away.
    Read(io::Error),
    /// The entry is unsafe, or writing it failed.
    Install(InstallError),
}

impl From<InstallError> for UnpackError {
    fn from(e: InstallError) -> Self {
        UnpackError::Install(e)
    }
}

enum Kind {
    File,
    Dir,
    Symlink,
    HardLink,
}

/// Unpacks entries into a directory, each checked before anything is written.
pub(super) struct Unpacker {
    root: PathBuf,
    links: LinkTracker,
    limits: Limits,
    /// Headers met so far, unpacked or skipped: what the entry limit counts.
    headers: u64,
    /// Directories and their archive modes, applied at the end so that a read-only directory can still be
    /// filled.
    dirs: Vec<(PathBuf, u32)>,
    buf: Box<[u8]>,
    entries: u64,
    bytes: u64,
}

impl Unpacker {
    pub(super) fn new(root: &Path, limits: Limits) -> Self {
        Unpacker {
            root: root.to_path_buf(),
            links: LinkTracker::default(),
            limits,
            headers: 0,
            dirs: Vec::new(),
            buf: vec![0; COPY_BUFFER].into_boxed_slice(),
            entries: 0,
            bytes: 0,
        }
    }

    /// Entries unpacked so far.
    pub(super) fn entries(&self) -> u64 {
        self.entries
    }

    /// Bytes of regular files written so far.
    pub(super) fn bytes(&self) -> u64 {
        self.bytes
    }

    /// Checks `entry`, then writes it.
    pub(super) fn unpack<R: Read>(&mut self, entry: &mut tar::Entry<'_, R>) -> Result<(), UnpackError> {
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        self.headers += 1;
        self.limits.check_entry(self.headers, &name)?;
        let kind = match entry.header().entry_type() {
            EntryType::Regular | EntryType::Continuous => Kind::File,
            EntryType::Directory => Kind::Dir,
            EntryType::Symlink => Kind::Symlink,
            EntryType::Link => Kind::HardLink,
            EntryType::XGlobalHeader => {
                tracing::trace!("skipping a pax global header");
                return Ok(());
            }
            other => {
                let reason = format!(
                    "is {}; only regular files, directories, symbolic links and hard links are allowed",
                    describe(other)
                );
                return Err(unsafe_entry(&name, reason).into());
            }
        };
        let path = entry.path().map_err(UnpackError::Read)?;
        let rel = match paths::relative(&path) {
            Ok(Some(rel)) => rel,
            // `./`: the agent directory itself.
            Ok(None) if matches!(kind, Kind::Dir) => return Ok(()),
            Ok(None) => return Err(unsafe_entry(&name, "names the agent directory itself").into()),
            Err(problem) => return Err(unsafe_entry(&name, problem.reason()).into()),
        };
        if let Some(link) = self.links.link_above(&rel) {
            let reason = format!("lies under the symbolic link '{}'", link.display());
            return Err(unsafe_entry(&name, reason).into());
        }
        let mode = entry.header().mode().map_err(UnpackError::Read)?;
        match kind {
            Kind::Dir => self.dir(&rel, mode)?,
            Kind::File => self.file(entry, &rel, &name, mode)?,
            Kind::Symlink => {
                let target = link_target(entry, &name)?;
                self.symlink(&rel, &name, &target)?;
            }
            Kind::HardLink => {
                let target = link_target(entry, &name)?;
                self.hard_link(&rel, &name, &target)?;
            }
        }
        self.entries += 1;
        Ok(())
    }

    /// Gives the directories their modes from the archive. Call once, after the last entry.
    pub(super) fn finish(&mut self) -> Result<(), InstallError> {
        for (dir, mode) in self.dirs.drain(..) {
            perms::set_dir_mode(&dir, mode).map_err(|e| InstallError::io("set the mode of", dir, e))?;
        }
        Ok(())
    }

    fn dir(&mut self, rel: &Path, mode: u32) -> Result<(), InstallError> {
        let full = self.root.join(rel);
        match fs::symlink_metadata(&full) {
            Ok(meta) if meta.is_dir() => {}
            Ok(_) => {
                self.remove(rel, &full)?;
                perms::create_dir_all(&full).map_err(|e| InstallError::io("create the directory", &full, e))?;
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                perms::create_dir_all(&full).map_err(|e| InstallError::io("create the directory", &full, e))?;
            }
            Err(e) => return Err(InstallError::io("inspect", full, e)),
        }
        self.dirs.push((full, mode));
        Ok(())
    }

    fn file<R: Read>(
        &mut self,
        entry: &mut tar::Entry<'_, R>,
        rel: &Path,
        name: &str,
        mode: u32,
    ) -> Result<(), UnpackError> {
        let size = entry.size();
        self.limits.check_declared(self.bytes, size, name)?;
        let full = self.prepare(rel, name)?;
        let mut file = perms::create_new_file(&full).map_err(|e| InstallError::io("create", &full, e))?;
        let mut left = size;
        while left > 0 {
            let want = self.buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
            let n = entry.read(&mut self.buf[..want]).map_err(UnpackError::Read)?;
            if n == 0 {
                let message = format!("'{name}' ends after {} of its {size} bytes", size - left);
                return Err(UnpackError::Read(io::Error::new(io::ErrorKind::UnexpectedEof, message)));
            }
            // What the files will add up to with these bytes, checked before they are written.
            let unpacked = self.bytes + (size - left) + n as u64;
            self.limits.check_unpacked(unpacked, name)?;
            file.write_all(&self.buf[..n])
                .map_err(|e| InstallError::io("write", &full, e))?;
            left -= n as u64;
        }
        perms::set_file_mode(&file, mode).map_err(|e| InstallError::io("set the mode of", &full, e))?;
        // Modification times are kept when they can be; they matter to nobody.
        if let Some(mtime) = entry
            .header()
            .mtime()
            .ok()
            .and_then(|secs| SystemTime::UNIX_EPOCH.checked_add(Duration::from_secs(secs)))
        {
            let _ = file.set_modified(mtime);
        }
        self.bytes += size;
        Ok(())
    }

    fn symlink(&mut self, rel: &Path, name: &str, target: &Path) -> Result<(), InstallError> {
        let walked = self
            .links
            .check(rel, target)
            .map_err(|reason| unsafe_entry(name, reason))?;
        let full = self.prepare(rel, name)?;
        perms::symlink(target, &full).map_err(|e| InstallError::io("create the symbolic link", &full, e))?;
        self.links.record(rel, walked);
        Ok(())
    }

    fn hard_link(&mut self, rel: &Path, name: &str, raw_target: &Path) -> Result<(), InstallError> {
        let shown = raw_target.display();
        let target = match paths::relative(raw_target) {
            Ok(Some(target)) => target,
            Ok(None) => return Err(unsafe_entry(name, "is a hard link to the agent directory itself")),
            Err(problem) => {
                let reason = format!("is a hard link to '{shown}', whose path {}", problem.reason());
                return Err(unsafe_entry(name, reason));
            }
        };
        if let Some(link) = self.links.link_above(&target) {
            let reason = format!(
                "is a hard link to '{shown}', under the symbolic link '{}'",
                link.display()
            );
            return Err(unsafe_entry(name, reason));
        }
        if target == rel {
            return Err(unsafe_entry(name, "is a hard link to itself"));
        }
        let full_target = self.root.join(&target);
        match fs::symlink_metadata(&full_target) {
            Ok(meta) if meta.is_file() => {}
            Ok(_) => return Err(not_extracted_before(name, raw_target)),
            Err(e) if matches!(e.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {
                return Err(not_extracted_before(name, raw_target));
            }
            Err(e) => return Err(InstallError::io("inspect", full_target, e)),
        }
        let full = self.prepare(rel, name)?;
        fs::hard_link(&full_target, &full).map_err(|e| InstallError::io("create the hard link", &full, e))
    }

    /// Makes room for a file or a link at `rel`: its directories created, an earlier file or link of the
    /// archive there removed. An earlier directory is never replaced.
    fn prepare(&mut self, rel: &Path, name: &str) -> Result<PathBuf, InstallError> {
        let full = self.root.join(rel);
        if let Some(parent) = full.parent() {
            perms::create_dir_all(parent).map_err(|e| InstallError::io("create the directory", parent, e))?;
        }
        match fs::symlink_metadata(&full) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(InstallError::io("inspect", full, e)),
            Ok(meta) if meta.is_dir() => {
                return Err(unsafe_entry(name, "would replace a directory extracted before it"));
            }
            Ok(_) => self.remove(rel, &full)?,
        }
        Ok(full)
    }

    fn remove(&mut self, rel: &Path, full: &Path) -> Result<(), InstallError> {
        fs::remove_file(full).map_err(|e| InstallError::io("replace", full, e))?;
        self.links.removed(rel);
        Ok(())
    }
}

fn link_target<R: Read>(entry: &tar::Entry<'_, R>, name: &str) -> Result<PathBuf, UnpackError> {
    match entry.link_name().map_err(UnpackError::Read)? {
        Some(target) => Ok(target.into_owned()),
        None => Err(unsafe_entry(name, "is a link without a target").into()),
    }
}

fn not_extracted_before(name: &str, target: &Path) -> InstallError {
    let reason = format!(
        "is a hard link to '{}', which is not a regular file extracted before it",
        target.display()
    );
    unsafe_entry(name, reason)
}

fn unsafe_entry(name: &str, reason: impl Into<String>) -> InstallError {
    InstallError::unsafe_entry(name, reason)
}

fn describe(kind: EntryType) -> String {
    match kind {
        EntryType::Char => "a character device".to_owned(),
        EntryType::Block => "a block device".to_owned(),
        EntryType::Fifo => "a FIFO".to_owned(),
        EntryType::GNUSparse => "a GNU sparse file".to_owned(),
        other => format!("an entry of type '{}'", other.as_byte().escape_ascii()),
    }
}
