//! Reading a build context: the uploaded `tar.gz`, streamed from its blob file through
//! `flate2` and `tar` (never held in memory: only the one file looked for is kept, up to
//! [`MAX_FILE`]), hashed as it streams. The caller runs this on a blocking thread.

use std::io::Read;

/// Longest file (a Dockerfile, a task file) read out of a context.
const MAX_FILE: u64 = 1024 * 1024;

/// What a context gave: the file looked for, and the SHA-256 of the whole archive.
#[derive(Debug)]
pub(super) struct Found {
    pub file: Vec<u8>,
    /// SHA-256 of the archive bytes.
    pub archive_sha256: [u8; 32],
}

/// A reader that hashes what passes through it.
struct Hashing<R> {
    inner: R,
    context: ring::digest::Context,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.context.update(&buffer[..read]);
        Ok(read)
    }
}

/// `path` without `./` and leading `/`.
fn normalize(path: &str) -> String {
    let mut path = path.trim_start_matches('/');
    while let Some(rest) = path.strip_prefix("./") {
        path = rest.trim_start_matches('/');
    }
    path.to_owned()
}

/// Reads `archive` (a `tar.gz`) to its end and returns file `wanted` (relative to the context)
/// from it; the error is the line the run's log shows.
pub(super) fn find_file(archive: impl Read, wanted: &str) -> Result<Found, String> {
    let wanted = normalize(wanted);
    let mut hashing = Hashing {
        inner: archive,
        context: ring::digest::Context::new(&ring::digest::SHA256),
    };
    let mut file = None;
    {
        let mut tar = tar::Archive::new(flate2::read::GzDecoder::new(&mut hashing));
        let entries = tar
            .entries()
            .map_err(|error| format!("the build context is not a readable tar.gz: {error}"))?;
        for entry in entries {
            let mut entry = entry.map_err(|error| format!("the build context is not a readable tar.gz: {error}"))?;
            let path = entry
                .path()
                .map(|path| normalize(&path.to_string_lossy()))
                .unwrap_or_default();
            if file.is_none() && path == wanted && entry.header().entry_type().is_file() {
                if entry.size() > MAX_FILE {
                    return Err(format!("{wanted} is larger than {MAX_FILE} bytes"));
                }
                let mut content = Vec::new();
                entry
                    .read_to_end(&mut content)
                    .map_err(|error| format!("{wanted} cannot be read from the build context: {error}"))?;
                file = Some(content);
            }
        }
    }
    std::io::copy(&mut hashing, &mut std::io::sink())
        .map_err(|error| format!("the build context is not a readable tar.gz: {error}"))?;
    let digest = hashing.context.finish();
    let mut archive_sha256 = [0u8; 32];
    archive_sha256.copy_from_slice(digest.as_ref());
    let file = file.ok_or_else(|| format!("unable to find '{wanted}' in the build context: no such file"))?;
    Ok(Found { file, archive_sha256 })
}

#[cfg(test)]
pub(super) mod tests {
    use std::io::Write;

    use super::find_file;

    /// A `tar.gz` of `files` (path, content).
    pub(crate) fn archive(files: &[(&str, &str)]) -> Vec<u8> {
        let mut builder = tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast()));
        for (path, content) in files {
            let mut header = tar::Header::new_gnu();
            header.set_size(content.len() as u64);
            header.set_mode(0o644);
            header.set_cksum();
            builder.append_data(&mut header, path, content.as_bytes()).unwrap();
        }
        let mut gz = builder.into_inner().unwrap();
        gz.flush().unwrap();
        gz.finish().unwrap()
    }

    #[test]
    fn files_are_found_by_their_relative_path() {
        let bytes = archive(&[("./app/main.go", "package main"), ("Dockerfile", "FROM scratch")]);
        let found = find_file(bytes.as_slice(), "./Dockerfile").unwrap();
        assert_eq!(found.file, b"FROM scratch");
        let nested = find_file(bytes.as_slice(), "app/main.go").unwrap();
        assert_eq!(nested.archive_sha256, found.archive_sha256);
        let missing = find_file(bytes.as_slice(), "Dockerfile.prod").unwrap_err();
        assert!(missing.contains("unable to find 'Dockerfile.prod'"), "{missing}");
        let broken = find_file(&b"not a tar.gz"[..], "Dockerfile").unwrap_err();
        assert!(broken.contains("not a readable tar.gz"), "{broken}");
    }
}
