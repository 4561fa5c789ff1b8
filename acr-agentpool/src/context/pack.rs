//! Packing a [`BuildContext`] into a `tar.gz` as a stream: a blocking thread walks the folder
//! as the CLI's `_archive_file_recursively` does and writes into a bounded
//! [`pipe`](arm_core::storage::pipe), read as `AsyncRead` by the upload.
//!
//! The archive holds what the CLI's `tarfile.open(path, "w:gz")` holds, with these deliberate
//! differences (each for safety, determinism or speed; none changes what a build sees):
//! - entries in name order within each folder (the CLI takes `os.listdir`'s order), so the same
//!   folder gives the same archive;
//! - no entry for the context folder itself (the CLI writes it as `/`, an absolute name);
//! - GNU headers with whole-second times (the CLI writes PAX headers with fractional times), and
//!   no owner names (the CLI adds the user and group names; ids and permission bits are kept);
//! - a file with several hard links is stored whole each time (the CLI stores later ones as
//!   links to the first, which may be an excluded entry);
//! - the Dockerfile copy is its content even when the Dockerfile is a symlink (the CLI would
//!   store a symlink, broken once moved to the archive's top);
//! - a context folder that is a symlink is packed as the folder it points to.
//!
//! Kept as the CLI does: symlinks stored as symlinks with their target as written, directories
//! with a trailing `/`, FIFOs and devices as headers; a socket fails the pack.

use super::build_context::{BuildContext, Dockerfile};
use super::dockerignore::{DockerIgnore, Verdict};
use crate::error::Error;
use arm_core::storage::pipe::{PipeReader, PipeWriter, Written, pipe};
use flate2::Compression;
use flate2::write::GzEncoder;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::task::{Context, Poll};
use tokio::io::{AsyncRead, ReadBuf};
use tokio::task::JoinHandle;

/// The deflate level of the archive: 1 (zlib's default, and `tar -czf`'s, is 6), as
/// image-builder's artifacts. Compression is what bounds a pack: `benches/benches/acr_context.rs`
/// (20,000 source-like files, 141 MB) packs in 0.92 s here against 15.5 s for `tar -czf` of the
/// same folder in the same run (on a loaded 2-core machine; ours packs the 61% the
/// `.dockerignore` keeps), and the archive is about 1.7 times larger than level 6 would make it
/// (35.4 MB for 86 MB kept, against tar's 34.0 MB for all 141 MB).
pub const COMPRESSION_LEVEL: u32 = 1;

/// What a pack wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PackSummary {
    /// Regular files in the archive, the Dockerfile copy included.
    pub files: u64,
    /// Entries in the archive: files, folders, symlinks and others.
    pub entries: u64,
    /// The size of the archive in bytes.
    pub bytes: u64,
    /// The SHA-256 of the archive, lowercase hex.
    pub sha256: String,
}

/// A build context being packed: read it (`AsyncRead`) to its end, then
/// [`PackedContext::finish`] for the summary or the error that stopped the pack.
///
/// The packer runs on a blocking thread and holds at most the pipe's 2 MiB ahead of the reader.
/// Dropping this value stops it (its next write fails).
#[derive(Debug)]
pub struct PackedContext {
    reader: PipeReader,
    packer: JoinHandle<Result<PackSummary, Error>>,
    folder: PathBuf,
}

impl BuildContext {
    /// Starts packing on a blocking thread (call it within a tokio runtime). Read the archive
    /// from the returned [`PackedContext`].
    pub fn pack(self) -> PackedContext {
        let folder = self.folder().to_owned();
        let (writer, reader) = pipe();
        let packer = tokio::task::spawn_blocking(move || pack(self, writer));
        PackedContext { reader, packer, folder }
    }
}

impl PackedContext {
    /// Waits for the packer and returns what it wrote, or the error that stopped it (an
    /// [`Error::Pack`] naming the file at fault). Call it after reading the archive to its
    /// end: the packer cannot end before its last bytes are read.
    pub async fn finish(self) -> Result<PackSummary, Error> {
        drop(self.reader);
        self.packer.await.map_err(|error| Error::Pack {
            input: self.folder.display().to_string(),
            source: io::Error::other(format!("the packer stopped: {error}")),
        })?
    }
}

impl AsyncRead for PackedContext {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().reader).poll_read(cx, buf)
    }
}

/// A failure and the file it happened on.
type Failure = (PathBuf, io::Error);

fn pack(context: BuildContext, mut writer: PipeWriter) -> Result<PackSummary, Error> {
    let (folder, dockerfile, ignore) = context.into_parts();
    let mut counts = Counts::default();
    let result = write_archive(&folder, dockerfile.as_ref(), &ignore, &mut writer, &mut counts);
    let failed = |input: &Path, source| Error::Pack {
        input: input.display().to_string(),
        source,
    };
    match result {
        Ok(()) => {
            let Written { sha256, bytes, .. } = writer.finish().map_err(|e| failed(&folder, e))?;
            Ok(PackSummary {
                files: counts.files,
                entries: counts.entries,
                bytes,
                sha256,
            })
        }
        Err((path, error)) => {
            writer.fail(&error);
            Err(failed(&path, error))
        }
    }
}

#[derive(Default)]
struct Counts {
    files: u64,
    entries: u64,
}

fn write_archive(
    folder: &Path,
    dockerfile: Option<&Dockerfile>,
    ignore: &DockerIgnore,
    writer: &mut PipeWriter,
    counts: &mut Counts,
) -> Result<(), Failure> {
    let mut tar = tar::Builder::new(GzEncoder::new(writer, Compression::new(COMPRESSION_LEVEL)));
    tar.follow_symlinks(false);
    let mut walk = Walk {
        tar: &mut tar,
        ignore,
        counts,
    };
    let root = ignore.decide("", ignore.start());
    walk.folder(folder, "", root)?;
    if let Some(dockerfile) = dockerfile {
        walk.dockerfile(dockerfile)?;
    }
    let at_end = |e| (folder.to_owned(), e);
    let gzip = tar.into_inner().map_err(at_end)?;
    gzip.finish().map_err(at_end)?;
    Ok(())
}

struct Walk<'a, W: Write> {
    tar: &'a mut tar::Builder<W>,
    ignore: &'a DockerIgnore,
    counts: &'a mut Counts,
}

impl<W: Write> Walk<'_, W> {
    /// Decides for and writes every entry of `dir` (named `prefix` in the archive, `""` or
    /// ending in `/`), then walks each subfolder, excluded or not, with its verdict.
    fn folder(&mut self, dir: &Path, prefix: &str, verdict: Verdict) -> Result<(), Failure> {
        let mut names = fs::read_dir(dir)
            .and_then(|list| {
                list.map(|entry| entry.map(|e| e.file_name()))
                    .collect::<Result<Vec<_>, _>>()
            })
            .map_err(|e| (dir.to_owned(), e))?;
        names.sort();
        for file_name in names {
            let path = dir.join(&file_name);
            let name = format!("{prefix}{}", file_name.to_string_lossy());
            let metadata = fs::symlink_metadata(&path).map_err(|e| (path.clone(), e))?;
            let decided = self.ignore.decide(&name, verdict);
            let archive_name = Path::new(prefix).join(&file_name);
            if !decided.excluded {
                self.entry(&path, &archive_name, &metadata)?;
            }
            if metadata.is_dir() {
                self.folder(&path, &format!("{name}/"), decided)?;
            }
        }
        Ok(())
    }

    fn entry(&mut self, path: &Path, name: &Path, metadata: &fs::Metadata) -> Result<(), Failure> {
        let at = |e| (path.to_owned(), e);
        let mut header = header(metadata);
        let file_type = metadata.file_type();
        if file_type.is_file() {
            let file = fs::File::open(path).map_err(at)?;
            self.append_file(&mut header, name, file, metadata.len()).map_err(at)?;
        } else if file_type.is_symlink() {
            let target = fs::read_link(path).map_err(at)?;
            self.tar.append_link(&mut header, name, target).map_err(at)?;
        } else if file_type.is_dir() {
            let mut folder_name = name.as_os_str().to_owned();
            folder_name.push("/");
            self.tar
                .append_data(&mut header, folder_name, io::empty())
                .map_err(at)?;
        } else {
            refuse_socket(metadata).map_err(at)?;
            self.tar.append_data(&mut header, name, io::empty()).map_err(at)?;
        }
        self.counts.entries += 1;
        Ok(())
    }

    /// The Dockerfile's copy at the archive's top, its content even through a symlink.
    fn dockerfile(&mut self, dockerfile: &Dockerfile) -> Result<(), Failure> {
        let at = |e| (dockerfile.path.clone(), e);
        let file = fs::File::open(&dockerfile.path).map_err(at)?;
        let metadata = file.metadata().map_err(at)?;
        let mut header = header(&metadata);
        self.append_file(
            &mut header,
            Path::new(&dockerfile.name_in_archive),
            file,
            metadata.len(),
        )
        .map_err(at)?;
        self.counts.entries += 1;
        Ok(())
    }

    fn append_file(&mut self, header: &mut tar::Header, name: &Path, file: fs::File, size: u64) -> io::Result<()> {
        self.tar.append_data(header, name, ExactSize { file, left: size })?;
        self.counts.files += 1;
        Ok(())
    }
}

/// A header with the entry's type, size, permission bits, owner ids and time, as the CLI's
/// `tarfile.gettarinfo` keeps them (`st_mode & 0o7777`).
fn header(metadata: &fs::Metadata) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_metadata_in_mode(metadata, tar::HeaderMode::Complete);
    if let Ok(mode) = header.mode() {
        header.set_mode(mode & 0o7777);
    }
    header
}

#[cfg(unix)]
fn refuse_socket(metadata: &fs::Metadata) -> io::Result<()> {
    use std::os::unix::fs::FileTypeExt;
    if metadata.file_type().is_socket() {
        return Err(io::Error::new(
            io::ErrorKind::Unsupported,
            "a socket cannot be packed (the Azure CLI fails on it too: unsupported type); remove it or list it in .dockerignore",
        ));
    }
    Ok(())
}

#[cfg(not(unix))]
fn refuse_socket(_: &fs::Metadata) -> io::Result<()> {
    Ok(())
}

/// A file read for exactly the size its header announced: one that shrank while it was packed
/// is an error (as the CLI's `copyfileobj` fails), one that grew is cut at that size.
struct ExactSize {
    file: fs::File,
    left: u64,
}

impl Read for ExactSize {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.left == 0 {
            return Ok(0);
        }
        let want = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let read = self.file.read(&mut buf[..want])?;
        if read == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the file shrank while it was packed ({} bytes missing)", self.left),
            ));
        }
        self.left -= read as u64;
        Ok(read)
    }
}
