//! Packing the stand-in agent into a `.tar.gz` (blocking; run it on a blocking thread), and the
//! SHA-256 of an archive, read in chunks.

use std::fs::File;
use std::io::{self, BufWriter, Read, Write};
use std::path::Path;

use flate2::Compression;
use flate2::write::GzEncoder;
use ring::digest::{Context, SHA256};

use super::layout::{Content, LayoutFile};

/// Writes `files` as a gzip-compressed tar to `target` (through a temporary file renamed into
/// place, so that a reader never sees half an archive).
pub(crate) fn pack(target: &Path, files: &[LayoutFile]) -> io::Result<()> {
    let temporary = target.with_extension(format!("partial-{}", crate::random::uuid()));
    let result = write_archive(&temporary, files).and_then(|()| std::fs::rename(&temporary, target));
    if result.is_err() {
        let _ = std::fs::remove_file(&temporary);
    }
    result
}

fn write_archive(path: &Path, files: &[LayoutFile]) -> io::Result<()> {
    let output = BufWriter::new(File::create(path)?);
    let mut archive = tar::Builder::new(GzEncoder::new(output, Compression::fast()));
    let mtime = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut directories: Vec<&str> = Vec::new();
    for file in files {
        if let Some((directory, _)) = file.path.rsplit_once('/')
            && !directories.contains(&directory)
        {
            directories.push(directory);
            let mut header = header(tar::EntryType::Directory, 0o755, 0, mtime);
            archive.append_data(&mut header, format!("{directory}/"), io::empty())?;
        }
        match &file.content {
            Content::Text(text) => {
                let mut header = header(tar::EntryType::Regular, file.mode, text.len() as u64, mtime);
                archive.append_data(&mut header, file.path, text.as_bytes())?;
            }
            Content::Copy(source) => {
                let input = File::open(source)?;
                let size = input.metadata()?.len();
                let mut header = header(tar::EntryType::Regular, file.mode, size, mtime);
                archive.append_data(&mut header, file.path, input.take(size))?;
            }
        }
    }
    let mut output = archive.into_inner()?.finish()?;
    output.flush()?;
    output.into_inner().map_err(io::IntoInnerError::into_error)?.sync_all()
}

fn header(kind: tar::EntryType, mode: u32, size: u64, mtime: u64) -> tar::Header {
    let mut header = tar::Header::new_gnu();
    header.set_entry_type(kind);
    header.set_mode(mode);
    header.set_size(size);
    header.set_mtime(mtime);
    header.set_uid(0);
    header.set_gid(0);
    header
}

/// The lowercase hex SHA-256 of a file and its size.
pub(crate) fn sha256(path: &Path) -> io::Result<(String, u64)> {
    let mut file = File::open(path)?;
    let mut context = Context::new(&SHA256);
    let mut buffer = vec![0u8; 256 * 1024];
    let mut size = 0u64;
    loop {
        let read = file.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        context.update(&buffer[..read]);
        size += read as u64;
    }
    let hex = context.finish().as_ref().iter().map(|b| format!("{b:02x}")).collect();
    Ok((hex, size))
}

#[cfg(test)]
mod tests {
    use std::io::Read;
    use std::path::PathBuf;

    use super::{pack, sha256};
    use crate::packages::layout::{Content, LayoutFile};

    #[test]
    fn packs_files_with_modes_and_hashes_the_archive() {
        let dir = std::env::temp_dir().join(format!("az-emulator-pack-{}", crate::random::uuid()));
        std::fs::create_dir_all(&dir).unwrap();
        let binary = dir.join("binary");
        std::fs::write(&binary, b"\x7fELF...").unwrap();
        let files = vec![
            LayoutFile {
                path: "config.sh",
                mode: 0o755,
                content: Content::Text("#!/bin/sh\n".into()),
            },
            LayoutFile {
                path: "bin/Agent.Listener",
                mode: 0o755,
                content: Content::Copy(binary.clone()),
            },
        ];
        let target = dir.join("agent.tar.gz");
        pack(&target, &files).unwrap();
        let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(std::fs::File::open(&target).unwrap()));
        let mut seen = Vec::new();
        for entry in archive.entries().unwrap() {
            let mut entry = entry.unwrap();
            let path: PathBuf = entry.path().unwrap().into_owned();
            let mode = entry.header().mode().unwrap();
            let mut content = Vec::new();
            entry.read_to_end(&mut content).unwrap();
            seen.push((path.display().to_string(), mode, content.len()));
        }
        assert_eq!(
            seen,
            [
                ("config.sh".to_owned(), 0o755, 10),
                ("bin/".to_owned(), 0o755, 0),
                ("bin/Agent.Listener".to_owned(), 0o755, 7),
            ]
        );
        let (hash, size) = sha256(&target).unwrap();
        assert_eq!(hash.len(), 64);
        assert_eq!(size, std::fs::metadata(&target).unwrap().len());
        std::fs::remove_dir_all(dir).unwrap();
    }
}
