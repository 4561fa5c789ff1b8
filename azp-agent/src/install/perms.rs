//! The few file system calls that differ between Unix and the rest: modes, symbolic links, devices.

use std::fs::{self, File, Metadata, OpenOptions};
use std::io;
use std::path::Path;

/// The permission bits kept from the archive: setuid, setgid and sticky are dropped.
const KEPT_BITS: u32 = 0o777;

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

/// Gives `file` the permission bits of `mode`, less setuid, setgid and sticky.
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

/// Gives the directory `path` the permission bits of `mode`, less setuid, setgid and sticky, and always
/// read, write and search for its owner: the agent updates itself in place.
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
