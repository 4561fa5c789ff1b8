//! The staging directory: checked destination, unique name on the destination's file system, locked while
//! in use, removed unless committed; the ones that killed installs left behind are removed before a new one.

use super::{InstallError, perms};
use std::ffi::{OsStr, OsString};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// A directory the package is extracted into, renamed to the destination on success and removed otherwise
/// (when dropped without [`Staging::commit`]), whichever thread drops it.
#[derive(Debug)]
pub(super) struct Staging {
    path: PathBuf,
    dest: PathBuf,
    /// The destination is an empty mount point: the staging directory is inside it and its entries are moved
    /// up one by one on commit (a mount point can neither be renamed over nor removed).
    inside: bool,
    committed: bool,
    /// Held while the directory exists, so that another install does not take it for a leftover. `None`
    /// where the file system has no locks.
    _lock: Option<perms::DirLock>,
}

impl Staging {
    /// Checks that `dest` is missing or an empty directory, then creates
    /// `{dest's parent}/.{dest's name}.partial-{16 hexadecimal digits}` (inside `dest` when `dest` is a
    /// mount point), for its owner only, and locks it.
    ///
    /// The staging directories of `dest` that an install killed before it finished left behind, beside
    /// `dest` or inside it, are removed first: those whose lock can be taken (a lock ends with its process).
    /// Those of a live install are left alone (inside `dest` they make it not empty).
    pub(super) fn create(dest: &Path) -> Result<Self, InstallError> {
        let Some(name) = dest.file_name() else {
            let e = io::Error::new(
                io::ErrorKind::InvalidInput,
                "the path has no final name; expected a directory",
            );
            return Err(InstallError::io("install the agent into", dest, e));
        };
        let parent = match dest.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        let inside = match fs::symlink_metadata(dest) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => false,
            Err(e) => return Err(InstallError::io("inspect the destination", dest, e)),
            Ok(meta) if meta.is_dir() => {
                remove_stale_partials(dest, name)?;
                let parent_meta =
                    fs::metadata(parent).map_err(|e| InstallError::io("inspect the directory", parent, e))?;
                !perms::same_device(&meta, &parent_meta)
            }
            Ok(_) => return Err(not_empty(dest)),
        };
        remove_leftovers_beside(parent, name);
        let base = if inside { dest } else { parent };
        let mut tries = 0;
        loop {
            let mut staging_name = OsString::from(".");
            staging_name.push(name);
            staging_name.push(".partial-");
            staging_name.push(random_suffix());
            let path = base.join(staging_name);
            match perms::create_private_dir(&path) {
                Ok(()) => {}
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 8 => {
                    tries += 1;
                    continue;
                }
                Err(e) => return Err(InstallError::io("create the staging directory", path, e)),
            }
            let lock = match perms::try_lock_dir(&path) {
                Ok(Some(lock)) => Some(lock),
                // Another install took it for a leftover between its creation and this lock, and removes
                // it: take another name.
                Ok(None) if tries < 8 => {
                    tries += 1;
                    continue;
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound && tries < 8 => {
                    tries += 1;
                    continue;
                }
                Ok(None) => {
                    let e = io::Error::new(io::ErrorKind::WouldBlock, "another process holds its lock");
                    return Err(InstallError::io("lock the staging directory", path, e));
                }
                Err(e) if e.kind() == io::ErrorKind::NotFound => {
                    return Err(InstallError::io("lock the staging directory", path, e));
                }
                Err(e) => {
                    tracing::debug!(staging = %path.display(), error = %e, "the staging directory cannot be locked");
                    None
                }
            };
            return Ok(Staging {
                path,
                dest: dest.to_path_buf(),
                inside,
                committed: false,
                _lock: lock,
            });
        }
    }

    /// The staging directory.
    pub(super) fn path(&self) -> &Path {
        &self.path
    }

    /// The destination.
    pub(super) fn dest(&self) -> &Path {
        &self.dest
    }

    /// Moves what was extracted to the destination. On failure the destination is left as it was found
    /// (missing or empty) and the staging directory is removed.
    pub(super) fn commit(mut self) -> Result<(), InstallError> {
        if self.inside {
            self.move_entries_up()?;
            fs::remove_dir(&self.path).map_err(|e| InstallError::io("remove the staging directory", &self.path, e))?;
        } else {
            perms::set_agent_dir_mode(&self.path).map_err(|e| InstallError::io("set the mode of", &self.path, e))?;
            rename_over_empty(&self.path, &self.dest)?;
        }
        self.committed = true;
        Ok(())
    }

    fn move_entries_up(&self) -> Result<(), InstallError> {
        let read = |e| InstallError::io("read the staging directory", &self.path, e);
        let mut moved: Vec<PathBuf> = Vec::new();
        for entry in fs::read_dir(&self.path).map_err(read)? {
            let entry = entry.map_err(read)?;
            let to = self.dest.join(entry.file_name());
            if let Err(e) = fs::rename(entry.path(), &to) {
                for path in moved {
                    remove_any(&path);
                }
                return Err(InstallError::io("move into the destination", to, e));
            }
            moved.push(to);
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            tracing::debug!(staging = %self.path.display(), "removing the staging directory");
            remove_any(&self.path);
        }
    }
}

/// Renames `from` to `to`, which must be missing or an empty directory.
fn rename_over_empty(from: &Path, to: &Path) -> Result<(), InstallError> {
    // rename(2) replaces an empty directory atomically; elsewhere it must be removed first.
    #[cfg(not(unix))]
    if to.is_dir() {
        fs::remove_dir(to).map_err(|e| match e.kind() {
            io::ErrorKind::DirectoryNotEmpty => not_empty(to),
            _ => InstallError::io("replace the empty destination", to, e),
        })?;
    }
    fs::rename(from, to).map_err(|e| match e.kind() {
        io::ErrorKind::DirectoryNotEmpty | io::ErrorKind::AlreadyExists | io::ErrorKind::NotADirectory => not_empty(to),
        _ => InstallError::io("move the staging directory to", to, e),
    })
}

/// Checks that `dest` is empty but for staging directories left by an install killed mid-way (inside a
/// mount point), and removes those. The staging directory of a live install makes it not empty.
fn remove_stale_partials(dest: &Path, name: &OsStr) -> Result<(), InstallError> {
    let read = |e| InstallError::io("read the destination", dest, e);
    let mut stale = Vec::new();
    for entry in fs::read_dir(dest).map_err(read)? {
        let entry = entry.map_err(read)?;
        if !is_staging_name(&entry.file_name(), name) {
            return Err(not_empty(dest));
        }
        stale.push(entry.path());
    }
    for path in stale {
        if !remove_leftover(&path) {
            return Err(not_empty(dest));
        }
    }
    Ok(())
}

/// Removes the staging directories of `name` that installs killed before they finished left in `parent`,
/// beside the destination. Best effort: a parent that cannot be read is not an error here.
fn remove_leftovers_beside(parent: &Path, name: &OsStr) {
    let entries = match fs::read_dir(parent) {
        Ok(entries) => entries,
        Err(e) => {
            tracing::debug!(dir = %parent.display(), error = %e, "cannot look for leftover staging directories");
            return;
        }
    };
    for entry in entries.flatten() {
        if is_staging_name(&entry.file_name(), name) && !remove_leftover(&entry.path()) {
            tracing::debug!(path = %entry.path().display(), "a live install is using this staging directory");
        }
    }
}

/// Whether `file_name` is the name of a staging directory of `name`: `.{name}.partial-` and 16 lowercase
/// hexadecimal digits.
fn is_staging_name(file_name: &OsStr, name: &OsStr) -> bool {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".partial-");
    file_name
        .as_encoded_bytes()
        .strip_prefix(prefix.as_encoded_bytes())
        .is_some_and(|suffix| {
            suffix.len() == 16 && suffix.iter().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(b))
        })
}

/// Removes `path`, a staging directory, unless a live install holds its lock; false if one does. Where
/// locks are not supported, every staging directory counts as left behind.
fn remove_leftover(path: &Path) -> bool {
    let _lock = match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => match perms::try_lock_dir(path) {
            Ok(Some(lock)) => Some(lock),
            Ok(None) => return false,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return true,
            Err(e) => {
                tracing::debug!(path = %path.display(), error = %e, "cannot lock a staging directory");
                None
            }
        },
        Ok(_) => None,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return true,
        Err(_) => None,
    };
    tracing::info!(path = %path.display(), "removing the staging directory of an earlier, interrupted install");
    remove_any(path);
    true
}

fn remove_any(path: &Path) {
    let result = match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) => Err(e),
    };
    match result {
        Err(e) if e.kind() != io::ErrorKind::NotFound => {
            tracing::warn!(path = %path.display(), error = %e, "cannot remove a partial agent install");
        }
        _ => {}
    }
}

fn not_empty(dest: &Path) -> InstallError {
    InstallError::DestinationNotEmpty {
        dest: dest.to_path_buf(),
    }
}

/// 16 hexadecimal digits from the system's random source.
fn random_suffix() -> String {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 8];
    if ring::rand::SystemRandom::new().fill(&mut bytes).is_err() {
        // Only uniqueness matters here (create_dir fails on a clash): time and a counter will do.
        static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        bytes = (u64::from(nanos) ^ (n << 32) ^ u64::from(std::process::id())).to_le_bytes();
    }
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use crate::install::test_dir::TestDir;

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<_> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn staging_is_a_hidden_sibling_removed_on_drop() {
        let base = TestDir::new("staging-drop");
        let dest = base.path().join("agent");
        let staging = Staging::create(&dest).unwrap();
        assert_eq!(staging.path().parent(), Some(base.path()));
        let name = staging.path().file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name.starts_with(".agent.partial-") && name.len() == ".agent.partial-".len() + 16,
            "{name}"
        );
        fs::create_dir_all(staging.path().join("bin/x")).unwrap();
        fs::write(staging.path().join("bin/x/f"), b"x").unwrap();
        drop(staging);
        assert!(names(base.path()).is_empty());
    }

    #[test]
    fn commit_renames_over_a_missing_or_empty_destination() {
        for existing in [false, true] {
            let base = TestDir::new("staging-commit");
            let dest = base.path().join("agent");
            if existing {
                fs::create_dir(&dest).unwrap();
            }
            let staging = Staging::create(&dest).unwrap();
            fs::write(staging.path().join("config.sh"), b"x").unwrap();
            staging.commit().unwrap();
            assert_eq!(names(base.path()), ["agent"]);
            assert_eq!(names(&dest), ["config.sh"]);
        }
    }

    #[test]
    fn a_destination_with_something_in_it_is_refused() {
        let base = TestDir::new("staging-refused");
        let dest = base.path().join("agent");
        fs::create_dir(&dest).unwrap();
        fs::write(dest.join(".keep"), b"").unwrap();
        assert!(matches!(
            Staging::create(&dest),
            Err(InstallError::DestinationNotEmpty { .. })
        ));
        let file = base.path().join("file");
        fs::write(&file, b"").unwrap();
        assert!(matches!(
            Staging::create(&file),
            Err(InstallError::DestinationNotEmpty { .. })
        ));
        assert!(matches!(Staging::create(Path::new("/")), Err(InstallError::Io { .. })));
        assert_eq!(names(base.path()), ["agent", "file"]);
    }

    #[test]
    fn a_destination_filled_meanwhile_is_not_overwritten() {
        let base = TestDir::new("staging-race");
        let dest = base.path().join("agent");
        let staging = Staging::create(&dest).unwrap();
        fs::create_dir(&dest).unwrap();
        fs::write(dest.join("mine"), b"").unwrap();
        let err = staging.commit().unwrap_err();
        assert!(matches!(err, InstallError::DestinationNotEmpty { .. }), "{err}");
        assert_eq!(names(base.path()), ["agent"]);
        assert_eq!(names(&dest), ["mine"]);
    }

    #[test]
    fn inside_a_mount_point_entries_are_moved_up() {
        let base = TestDir::new("staging-inside");
        let dest = base.path().join("agent");
        fs::create_dir(&dest).unwrap();
        let mut staging = Staging::create(&dest).unwrap();
        // Pretend `dest` is a mount point: stage inside it.
        let inner = dest.join(".agent.partial-test");
        fs::rename(staging.path(), &inner).unwrap();
        staging.path = inner;
        staging.inside = true;
        fs::create_dir(staging.path().join("bin")).unwrap();
        fs::write(staging.path().join("config.sh"), b"x").unwrap();
        staging.commit().unwrap();
        assert_eq!(names(&dest), ["bin", "config.sh"]);
    }

    #[test]
    fn leftovers_beside_the_destination_are_removed_but_not_those_in_use() {
        let base = TestDir::new("staging-leftovers");
        let dest = base.path().join("agent");
        // Left by installs killed before they finished: no process holds their lock any more.
        fs::create_dir_all(base.path().join(".agent.partial-0123456789abcdef/bin")).unwrap();
        fs::write(base.path().join(".agent.partial-0123456789abcdef/bin/x"), b"x").unwrap();
        fs::write(base.path().join(".agent.partial-fedcba9876543210"), b"").unwrap();
        // Not ours: other names, or another destination's.
        for other in [
            ".agent.partial-keep",
            ".agent.partial-0123456789ABCDEF",
            ".other.partial-0123456789abcdef",
        ] {
            fs::create_dir(base.path().join(other)).unwrap();
        }
        // A live install's, locked.
        let live = base.path().join(".agent.partial-00000000000000aa");
        fs::create_dir(&live).unwrap();
        let lock = perms::try_lock_dir(&live).unwrap().expect("the lock is free");
        let staging = Staging::create(&dest).unwrap();
        let ours = staging.path().file_name().unwrap().to_string_lossy().into_owned();
        let mut expected = vec![
            ".agent.partial-00000000000000aa".to_owned(),
            ".agent.partial-0123456789ABCDEF".to_owned(),
            ".agent.partial-keep".to_owned(),
            ".other.partial-0123456789abcdef".to_owned(),
            ours,
        ];
        expected.sort();
        assert_eq!(names(base.path()), expected);
        drop(lock);
        drop(staging);
        assert!(live.exists());
    }

    #[test]
    fn a_live_staging_directory_is_not_taken_for_a_leftover() {
        let base = TestDir::new("staging-live");
        let dest = base.path().join("agent");
        let first = Staging::create(&dest).unwrap();
        let second = Staging::create(&dest).unwrap();
        assert!(first.path().is_dir() && second.path().is_dir());
        let first_path = first.path().to_path_buf();
        drop(first);
        assert!(!first_path.exists());
        // A third install after the second was killed (its lock released, its directory left).
        let mut second = second;
        let second_path = second.path().to_path_buf();
        drop(second._lock.take());
        std::mem::forget(second);
        let third = Staging::create(&dest).unwrap();
        assert!(!second_path.exists(), "the leftover is removed");
        assert_eq!(names(base.path()).len(), 1);
        drop(third);
    }

    #[test]
    fn the_staging_directory_is_private_until_committed() {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| fs::metadata(p).unwrap().permissions().mode() & 0o7777;
        let base = TestDir::new("staging-mode");
        let dest = base.path().join("agent");
        let staging = Staging::create(&dest).unwrap();
        assert_eq!(mode(staging.path()), 0o700);
        staging.commit().unwrap();
        assert_eq!(mode(&dest), 0o755);
    }

    #[test]
    fn stale_staging_directories_in_the_destination_are_removed() {
        let base = TestDir::new("staging-stale");
        let dest = base.path().join("agent");
        fs::create_dir_all(dest.join(".agent.partial-0123456789abcdef/bin")).unwrap();
        let staging = Staging::create(&dest).unwrap();
        assert!(names(&dest).is_empty());
        drop(staging);
        fs::create_dir_all(dest.join(".agent.partial-0123456789abcdef/bin")).unwrap();
        fs::write(dest.join(".other"), b"").unwrap();
        assert!(matches!(
            Staging::create(&dest),
            Err(InstallError::DestinationNotEmpty { .. })
        ));
    }
}
