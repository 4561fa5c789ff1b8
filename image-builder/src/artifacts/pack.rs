//! Packing a folder as a stream: a blocking thread walks the folder and writes a `tar.gz` or a
//! `zip` into the [`pipe`](super::pipe), never a temporary copy, with bounded memory.

use super::pipe::{PipeReader, PipeWriter, Written, pipe};
use super::zip::{ZipWriter, dos_time};
use crate::error::Error;
use flate2::Compression;
use flate2::write::GzEncoder;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use tokio::task::JoinHandle;

/// The archive a folder is packed into, after the build VM's operating system.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArchiveFormat {
    /// A gzip-compressed tar (Linux: unpacked with `tar -xzf`; modes and symlinks kept).
    TarGz,
    /// A zip with deflated entries (Windows: unpacked with `Expand-Archive`). Symlinks are
    /// refused: a zip cannot hold them in a way Expand-Archive restores.
    Zip,
}

impl ArchiveFormat {
    /// The file extension, without a dot: `tar.gz` or `zip`.
    pub fn extension(self) -> &'static str {
        match self {
            ArchiveFormat::TarGz => "tar.gz",
            ArchiveFormat::Zip => "zip",
        }
    }

    /// The blob's `Content-Type`.
    pub fn content_type(self) -> &'static str {
        match self {
            ArchiveFormat::TarGz => "application/gzip",
            ArchiveFormat::Zip => "application/zip",
        }
    }
}

/// One thing in the folder: its path on disk and its name in the archive (`/`-separated).
struct Item {
    path: PathBuf,
    name: String,
    metadata: fs::Metadata,
}

/// Starts packing `folder` into `format` on a blocking thread: the reader yields the archive,
/// the handle gives its SHA-256 and size once the whole archive has been read (or the error
/// that stopped it, which the reader reports too).
pub(crate) fn start(folder: PathBuf, format: ArchiveFormat) -> (PipeReader, JoinHandle<Result<Written, Error>>) {
    let (writer, reader) = pipe();
    let handle = tokio::task::spawn_blocking(move || pack(&folder, format, writer));
    (reader, handle)
}

fn pack(folder: &Path, format: ArchiveFormat, writer: PipeWriter) -> Result<Written, Error> {
    let failed = |input: &Path, source: io::Error| Error::Pack {
        input: input.display().to_string(),
        source,
    };
    let items = match walk(folder) {
        Ok(items) => items,
        Err((path, error)) => {
            writer.fail(&error);
            return Err(failed(&path, error));
        }
    };
    let mut writer = Some(writer);
    let result = match format {
        ArchiveFormat::TarGz => write_tar_gz(&items, &mut writer),
        ArchiveFormat::Zip => write_zip(&items, &mut writer),
    };
    match (result, writer) {
        (Ok(()), Some(writer)) => writer.finish().map_err(|e| failed(folder, e)),
        (Err((path, error)), Some(writer)) => {
            writer.fail(&error);
            Err(failed(&path, error))
        }
        (Err((path, error)), None) => Err(failed(&path, error)),
        (Ok(()), None) => Err(failed(folder, io::Error::other("the archive writer was lost"))),
    }
}

type PackResult = Result<(), (PathBuf, io::Error)>;

/// Every directory, file and symlink below `folder`, parents before children, in name order
/// (the archive is the same for the same folder).
fn walk(folder: &Path) -> Result<Vec<Item>, (PathBuf, io::Error)> {
    let root = fs::metadata(folder).map_err(|e| (folder.to_owned(), e))?;
    if !root.is_dir() {
        return Err((
            folder.to_owned(),
            io::Error::new(io::ErrorKind::NotADirectory, "not a directory"),
        ));
    }
    let mut items = Vec::new();
    let mut pending = vec![(folder.to_owned(), String::new())];
    while let Some((dir, prefix)) = pending.pop() {
        let mut entries = fs::read_dir(&dir)
            .and_then(|list| list.collect::<Result<Vec<_>, _>>())
            .map_err(|e| (dir.clone(), e))?;
        entries.sort_by_key(|e| e.file_name());
        let mut subdirs = Vec::new();
        for entry in entries {
            let path = entry.path();
            let file_name = entry.file_name();
            let Some(file_name) = file_name.to_str() else {
                return Err((
                    path,
                    io::Error::new(io::ErrorKind::InvalidData, "the name is not UTF-8"),
                ));
            };
            let name = format!("{prefix}{file_name}");
            let metadata = fs::symlink_metadata(&path).map_err(|e| (path.clone(), e))?;
            if metadata.is_dir() {
                subdirs.push((path.clone(), format!("{name}/")));
            }
            items.push(Item { path, name, metadata });
        }
        pending.extend(subdirs.into_iter().rev());
    }
    items.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(items)
}

fn write_tar_gz(items: &[Item], writer: &mut Option<PipeWriter>) -> PackResult {
    let Some(pipe) = writer.take() else {
        return Ok(());
    };
    let mut tar = tar::Builder::new(GzEncoder::new(pipe, Compression::default()));
    tar.follow_symlinks(false);
    for item in items {
        tar.append_path_with_name(&item.path, &item.name)
            .map_err(|e| (item.path.clone(), e))?;
    }
    let gzip = tar.into_inner().map_err(|e| (PathBuf::from("archive"), e))?;
    let pipe = gzip.finish().map_err(|e| (PathBuf::from("archive"), e))?;
    *writer = Some(pipe);
    Ok(())
}

fn write_zip(items: &[Item], writer: &mut Option<PipeWriter>) -> PackResult {
    let Some(pipe) = writer.take() else {
        return Ok(());
    };
    let mut zip = ZipWriter::new(pipe);
    for item in items {
        let modified = item.metadata.modified().unwrap_or(std::time::UNIX_EPOCH);
        let at = |e| (item.path.clone(), e);
        if item.metadata.is_symlink() {
            return Err(at(io::Error::new(
                io::ErrorKind::Unsupported,
                "a symlink cannot be packed into a zip for Windows; replace it with the file",
            )));
        } else if item.metadata.is_dir() {
            zip.add_directory(&item.name, dos_time(modified)).map_err(at)?;
        } else {
            let file = fs::File::open(&item.path).map_err(at)?;
            zip.add_file(&item.name, file, item.metadata.len(), dos_time(modified))
                .map_err(at)?;
        }
    }
    let mut pipe = zip.finish().map_err(|e| (PathBuf::from("archive"), e))?;
    pipe.flush().map_err(|e| (PathBuf::from("archive"), e))?;
    *writer = Some(pipe);
    Ok(())
}
