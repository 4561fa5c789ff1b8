//! Packing a folder as a stream: a blocking thread walks the folder and writes a `tar.gz` or a
//! `zip` into the [`pipe`](arm_core::storage::pipe), never a temporary copy, with bounded memory.

use super::zip::{ZipWriter, dos_time};
use crate::error::Error;
use arm_core::storage::pipe::{PipeReader, PipeWriter, Written, pipe};
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
    let mut tar = tar::Builder::new(GzEncoder::new(pipe, Compression::new(super::COMPRESSION_LEVEL)));
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

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::read::{DeflateDecoder, GzDecoder};
    use std::collections::BTreeMap;
    use std::io::Read;
    use tokio::io::AsyncReadExt;

    fn folder() -> tempdir::Dir {
        let dir = tempdir::Dir::new();
        fs::create_dir_all(dir.path().join("bin/empty")).unwrap();
        fs::write(dir.path().join("bin/run.sh"), b"#!/bin/sh\necho hi\n").unwrap();
        let random: Vec<u8> = (0..300_000u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        fs::write(dir.path().join("data.bin"), &random).unwrap();
        fs::write(dir.path().join("_readme é.txt"), "x".repeat(100_000)).unwrap();
        dir
    }

    mod tempdir {
        /// A folder under the target directory, removed when dropped.
        pub struct Dir(std::path::PathBuf);
        impl Dir {
            pub fn new() -> Self {
                let path = std::env::temp_dir().join(format!("ib-pack-{}-{}", std::process::id(), fastrand()));
                std::fs::create_dir_all(&path).unwrap();
                Self(path)
            }
            pub fn path(&self) -> &std::path::Path {
                &self.0
            }
        }
        impl Drop for Dir {
            fn drop(&mut self) {
                let _ = std::fs::remove_dir_all(&self.0);
            }
        }
        fn fastrand() -> u128 {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        }
    }

    fn expected(root: &Path) -> BTreeMap<String, Vec<u8>> {
        walk(root)
            .unwrap()
            .into_iter()
            .filter(|i| i.metadata.is_file())
            .map(|i| (i.name, fs::read(i.path).unwrap()))
            .collect()
    }

    async fn packed(root: &Path, format: ArchiveFormat) -> (Vec<u8>, Written) {
        let (mut reader, handle) = start(root.to_owned(), format);
        let mut archive = Vec::new();
        reader.read_to_end(&mut archive).await.unwrap();
        (archive, handle.await.unwrap().unwrap())
    }

    fn sha256(data: &[u8]) -> String {
        ring::digest::digest(&ring::digest::SHA256, data)
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    #[tokio::test]
    async fn a_tar_gz_reads_back_with_every_file_and_its_digest() {
        let dir = folder();
        let (archive, written) = packed(dir.path(), ArchiveFormat::TarGz).await;
        assert_eq!(written.bytes, archive.len() as u64);
        assert_eq!(written.sha256, sha256(&archive));
        let mut files = BTreeMap::new();
        let mut dirs = Vec::new();
        let mut tar = tar::Archive::new(GzDecoder::new(&archive[..]));
        for entry in tar.entries().unwrap() {
            let mut entry = entry.unwrap();
            let name = entry.path().unwrap().to_string_lossy().into_owned();
            if entry.header().entry_type().is_dir() {
                dirs.push(name);
            } else {
                let mut data = Vec::new();
                entry.read_to_end(&mut data).unwrap();
                files.insert(name, data);
            }
        }
        assert_eq!(files, expected(dir.path()));
        assert!(dirs.iter().any(|d| d.trim_end_matches('/') == "bin/empty"), "{dirs:?}");
    }

    /// A zip reader for the test: the end record, the central directory, each local entry
    /// inflated and its CRC checked.
    fn read_zip(archive: &[u8]) -> (BTreeMap<String, Vec<u8>>, Vec<String>) {
        let u16_at = |at: usize| u16::from_le_bytes([archive[at], archive[at + 1]]) as usize;
        let u32_at = |at: usize| u32::from_le_bytes(archive[at..at + 4].try_into().unwrap()) as usize;
        let end = archive.len() - 22;
        assert_eq!(u32_at(end), 0x0605_4b50, "end of central directory at the end");
        let count = u16_at(end + 10);
        let mut at = u32_at(end + 16);
        assert_eq!(at + u32_at(end + 12), end, "directory size and offset agree");
        let (mut files, mut dirs) = (BTreeMap::new(), Vec::new());
        for _ in 0..count {
            assert_eq!(u32_at(at), 0x0201_4b50);
            assert_eq!(u16_at(at + 8) & 0x0808, 0x0808, "data descriptor and UTF-8 flags");
            let (method, crc, compressed, size) = (u16_at(at + 10), u32_at(at + 16), u32_at(at + 20), u32_at(at + 24));
            let (name_len, extra_len, comment_len) = (u16_at(at + 28), u16_at(at + 30), u16_at(at + 32));
            let offset = u32_at(at + 42);
            let name = String::from_utf8(archive[at + 46..at + 46 + name_len].to_vec()).unwrap();
            at += 46 + name_len + extra_len + comment_len;
            assert_eq!(u32_at(offset), 0x0403_4b50, "{name}: local header");
            let data_at = offset + 30 + u16_at(offset + 26) + u16_at(offset + 28);
            let raw = &archive[data_at..data_at + compressed];
            let descriptor = data_at + compressed;
            assert_eq!(u32_at(descriptor), 0x0807_4b50, "{name}: data descriptor");
            assert_eq!(
                (u32_at(descriptor + 4), u32_at(descriptor + 8), u32_at(descriptor + 12)),
                (crc, compressed, size)
            );
            if name.ends_with('/') {
                dirs.push(name);
                continue;
            }
            assert_eq!(method, 8, "{name}: deflated");
            let mut data = Vec::new();
            DeflateDecoder::new(raw).read_to_end(&mut data).unwrap();
            assert_eq!(data.len(), size);
            let mut check = flate2::Crc::new();
            check.update(&data);
            assert_eq!(check.sum() as usize, crc, "{name}: CRC-32");
            files.insert(name, data);
        }
        (files, dirs)
    }

    #[tokio::test]
    async fn a_zip_reads_back_with_every_file_and_its_digest() {
        let dir = folder();
        let (archive, written) = packed(dir.path(), ArchiveFormat::Zip).await;
        assert_eq!(written.sha256, sha256(&archive));
        let (files, dirs) = read_zip(&archive);
        assert_eq!(files, expected(dir.path()));
        assert_eq!(dirs, ["bin/", "bin/empty/"]);
        let again = packed(dir.path(), ArchiveFormat::Zip).await.1;
        assert_eq!(again.sha256, written.sha256, "the same folder packs the same");
    }

    #[cfg(unix)]
    #[tokio::test]
    async fn a_zip_refuses_symlinks_and_the_reader_sees_the_failure() {
        let dir = folder();
        std::os::unix::fs::symlink("data.bin", dir.path().join("link")).unwrap();
        let (mut reader, handle) = start(dir.path().to_owned(), ArchiveFormat::Zip);
        let read = reader.read_to_end(&mut Vec::new()).await;
        assert!(read.is_err(), "a failed pack is never a complete stream");
        let error = handle.await.unwrap().unwrap_err().to_string();
        assert!(error.contains("link") && error.contains("symlink"), "{error}");
        let tar = packed(dir.path(), ArchiveFormat::TarGz).await.0;
        let mut archive = tar::Archive::new(GzDecoder::new(&tar[..]));
        let link = archive
            .entries()
            .unwrap()
            .map(Result::unwrap)
            .find(|e| e.path().unwrap().to_str() == Some("link"))
            .unwrap();
        assert!(link.header().entry_type().is_symlink(), "tar keeps the symlink");
    }

    #[tokio::test]
    async fn a_missing_folder_or_a_file_is_one_line_naming_it() {
        let dir = folder();
        for path in [dir.path().join("nope"), dir.path().join("data.bin")] {
            let (mut reader, handle) = start(path.clone(), ArchiveFormat::TarGz);
            assert!(reader.read_to_end(&mut Vec::new()).await.is_err());
            let error = handle.await.unwrap().unwrap_err().to_string();
            assert!(error.starts_with(&format!("cannot pack {}", path.display())), "{error}");
            assert!(!error.contains('\n'));
        }
    }
}
