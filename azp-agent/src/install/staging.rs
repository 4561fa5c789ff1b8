//! The staging directory: checked destination, unique name on the destination's file system, removed unless
//! committed.

use super::{InstallError, perms};
use std::ffi::OsString;
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
}

impl Staging {
    /// Checks that `dest` is missing or an empty directory, then creates
    /// `{dest's parent}/.{dest's name}.partial-{random}` (inside `dest` when `dest` is a mount point).
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
        let base = if inside { dest } else { parent };
        let mut tries = 0;
        loop {
            let mut staging_name = OsString::from(".");
            staging_name.push(name);
            staging_name.push(".partial-");
            staging_name.push(random_suffix());
            let path = base.join(staging_name);
            match fs::create_dir(&path) {
                Ok(()) => {
                    return Ok(Staging {
                        path,
                        dest: dest.to_path_buf(),
                        inside,
                        committed: false,
                    });
                }
                Err(e) if e.kind() == io::ErrorKind::AlreadyExists && tries < 8 => tries += 1,
                Err(e) => return Err(InstallError::io("create the staging directory", path, e)),
            }
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
/// mount point), and removes those.
fn remove_stale_partials(dest: &Path, name: &std::ffi::OsStr) -> Result<(), InstallError> {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".partial-");
    let read = |e| InstallError::io("read the destination", dest, e);
    let mut stale = Vec::new();
    for entry in fs::read_dir(dest).map_err(read)? {
        let entry = entry.map_err(read)?;
        if !entry
            .file_name()
            .as_encoded_bytes()
            .starts_with(prefix.as_encoded_bytes())
        {
            return Err(not_empty(dest));
        }
        stale.push(entry.path());
    }
    for path in stale {
        tracing::debug!(path = %path.display(), "removing the staging directory of an earlier, interrupted install");
        remove_any(&path);
    }
    Ok(())
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
