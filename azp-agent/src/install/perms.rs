//! The few file system calls that differ between Unix and the rest: modes, symbolic links, devices.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::path::Path;

/// The permission bits kept from the archive: setuid, setgid and sticky are dropped, and so is write
/// permission for the group and for others. The agent runs as the one user who owns its files; a file that
/// another user (or any member of a shared group, such as the root group of many container images) could
/// write would let them change what the agent runs.
const KEPT_BITS: u32 = 0o755;

/// The mode of directories that the archive implies but does not list, and of the agent directory itself.
#[cfg(unix)]
const DIR_MODE: u32 = 0o755;

/// Whether the owner may execute the file described by `meta`.
#[cfg(unix)]
pub(super) fn is_owner_executable(meta: &Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o100 != 0
}

/// Whether the owner may execute the file described by `meta` (no mode bits here: any file).
#[cfg(not(unix))]
pub(super) fn is_owner_executable(_meta: &Metadata) -> bool {
    true
}

/// Creates a new file, failing if anything (even a dangling symbolic link) is at `path`.
pub(super) fn create_new_file(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

/// Creates the directory `path` and its missing parents, readable and searchable by all but writable by
/// its owner only, whatever the umask allows.
pub(super) fn create_dir_all(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, DIR_MODE);
    builder.create(path)
}

/// Creates the directory `path` (not its parents), for its owner only: the staging directory.
pub(super) fn create_private_dir(path: &Path) -> io::Result<()> {
    let mut builder = fs::DirBuilder::new();
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

/// Gives the agent directory `path` its final mode: readable and searchable by all, writable by its
/// owner only.
#[cfg(unix)]
pub(super) fn set_agent_dir_mode(path: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(DIR_MODE))
}

/// Gives the agent directory `path` its final mode (nothing to do here).
#[cfg(not(unix))]
pub(super) fn set_agent_dir_mode(_path: &Path) -> io::Result<()> {
    Ok(())
}

/// Gives `file` the permission bits of `mode`, less setuid, setgid, sticky and write for group and others.
#[cfg(unix)]
pub(super) fn set_file_mode(file: &File, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    file.set_permissions(fs::Permissions::from_mode(mode & KEPT_BITS))
}

/// Gives `file` the permission bits of `mode` (nothing to do here).
#[cfg(not(unix))]
pub(super) fn set_file_mode(_file: &File, _mode: u32) -> io::Result<()> {
    Ok(())
}

/// Gives the directory `path` the permission bits of `mode`, less setuid, setgid, sticky and write for
/// group and others, and always read, write and search for its owner: the agent updates itself in place.
#[cfg(unix)]
pub(super) fn set_dir_mode(path: &Path, mode: u32) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode((mode & KEPT_BITS) | 0o700))
}

/// Gives the directory `path` the permission bits of `mode` (nothing to do here).
#[cfg(not(unix))]
pub(super) fn set_dir_mode(_path: &Path, _mode: u32) -> io::Result<()> {
    Ok(())
}

/// Creates the symbolic link `link` pointing to `target`.
#[cfg(unix)]
pub(super) fn symlink(target: &Path, link: &Path) -> io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

/// Symbolic links are not supported here.
#[cfg(not(unix))]
pub(super) fn symlink(_target: &Path, _link: &Path) -> io::Result<()> {
    Err(io::Error::new(
        io::ErrorKind::Unsupported,
        "symbolic links are not supported on this platform",
    ))
}

/// An advisory lock (`flock`) on a directory, held while an install fills it: released when dropped or
/// when the process ends, however it ends. A staging directory whose lock can be taken is a leftover.
#[derive(Debug)]
pub(super) struct DirLock {
    #[cfg(unix)]
    _lock: nix::fcntl::Flock<File>,
}

/// Takes the lock on the directory `path` without waiting: `None` if another process holds it.
#[cfg(unix)]
pub(super) fn try_lock_dir(path: &Path) -> io::Result<Option<DirLock>> {
    use nix::fcntl::{Flock, FlockArg};
    let dir = File::open(path)?;
    match Flock::lock(dir, FlockArg::LockExclusiveNonblock) {
        Ok(lock) => Ok(Some(DirLock { _lock: lock })),
        Err((_, nix::errno::Errno::EWOULDBLOCK)) => Ok(None),
        Err((_, errno)) => Err(io::Error::from(errno)),
    }
}

/// Locks are not supported here: every directory counts as unlocked.
#[cfg(not(unix))]
pub(super) fn try_lock_dir(_path: &Path) -> io::Result<Option<DirLock>> {
    Ok(Some(DirLock {}))
}

/// Whether `a` and `b` are on the same file system (a mount point is not on its parent's).
#[cfg(unix)]
pub(super) fn same_device(a: &Metadata, b: &Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev()
}

/// Whether `a` and `b` are on the same file system (assumed here).
#[cfg(not(unix))]
pub(super) fn same_device(_a: &Metadata, _b: &Metadata) -> bool {
    true
}
