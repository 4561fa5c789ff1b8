//! A temporary file that removes itself unless it is moved into place.

use std::path::{Path, PathBuf};

/// A file under the store's `tmp` folder; dropped, it is removed.
pub(crate) struct TempFile {
    path: Option<PathBuf>,
}

impl TempFile {
    /// Creates `path` empty, for writing.
    pub async fn create(path: PathBuf) -> std::io::Result<(TempFile, tokio::fs::File)> {
        let file = tokio::fs::File::create(&path).await?;
        Ok((TempFile { path: Some(path) }, file))
    }

    /// Makes `path` a second name of the file at `from` (a hard link: no byte is copied); the
    /// caller must not write through it, the two names being one file.
    pub async fn link(from: &Path, path: PathBuf) -> std::io::Result<TempFile> {
        tokio::fs::hard_link(from, &path).await?;
        Ok(TempFile { path: Some(path) })
    }

    /// A file that already exists at `path`, to be persisted or removed.
    #[cfg(test)]
    pub fn existing(path: PathBuf) -> TempFile {
        TempFile { path: Some(path) }
    }

    /// Where it is.
    pub fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(""))
    }

    /// Renames it to `to` (atomic on one file system), replacing what is there.
    pub fn persist(mut self, to: &Path) -> std::io::Result<()> {
        let from = self.path.take().unwrap_or_default();
        let result = std::fs::rename(&from, to);
        if result.is_err() {
            let _ = std::fs::remove_file(&from);
        }
        result
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            let _ = std::fs::remove_file(path);
        }
    }
}
