//! What `az acr build` and `az acr run` pack: a folder, the `.dockerignore` that applies to it
//! and, for a build, the Dockerfile under the name the run request will give it
//! (Azure/azure-cli `src/azure-cli/azure/cli/command_modules/acr/build.py`, `acr_build`, and
//! `run.py`, `prepare_source_location`).

use super::dockerignore::DockerIgnore;
use crate::error::Error;
use std::path::{Path, PathBuf};

/// A local build context ready to be packed with [`BuildContext::pack`].
///
/// As the CLI does, a build's Dockerfile is always added once more at the end of the archive,
/// at its top, as `<32 hex digits>_<file name>` (a fresh UUID, so that it never collides with a
/// file of the context), whether it lies inside the context or outside it, and whether or not
/// the `.dockerignore` leaves it out; the run request's `dockerFilePath` is that name
/// ([`BuildContext::dockerfile_in_archive`]). A Dockerfile inside the context is also packed at
/// its own place unless it is ignored.
#[derive(Clone, Debug)]
pub struct BuildContext {
    folder: PathBuf,
    dockerfile: Option<Dockerfile>,
    ignore: DockerIgnore,
}

/// The Dockerfile of a build: where it is, and its name in the archive.
#[derive(Clone, Debug)]
pub(super) struct Dockerfile {
    pub path: PathBuf,
    pub name_in_archive: String,
}

impl BuildContext {
    /// The context of `az acr build <folder> [-f <file>]`: `file` is taken as the CLI takes
    /// `--file`, relative to the current directory (not to the folder), and defaults to
    /// `<folder>/Dockerfile`; it may lie outside the folder. The `.dockerignore` is read now
    /// ([`DockerIgnore::load`], with the `<file name>.dockerignore` override).
    ///
    /// Refused, each as one [`Error::InvalidInput`] line: a folder that is not a directory
    /// (`context`), a Dockerfile that is not a file (`--file`), a `.dockerignore` that is not
    /// UTF-8 or holds a rule the CLI cannot compile.
    pub fn for_build(folder: impl Into<PathBuf>, file: Option<&Path>) -> Result<Self, Error> {
        let folder = checked_folder(folder.into())?;
        let path = match file {
            Some(file) => file.to_owned(),
            None => folder.join("Dockerfile"),
        };
        if !path.is_file() {
            return Err(Error::invalid(
                "--file",
                format!(
                    "unable to find '{}'; expected the Dockerfile (relative to the current directory; default <context>/Dockerfile)",
                    path.display()
                ),
            ));
        }
        // The CLI's `os.path.basename(docker_file_path.replace("\\", "/"))`.
        let display = path.to_string_lossy().replace('\\', "/");
        let file_name = display.rsplit('/').next().unwrap_or_default().to_owned();
        let ignore = DockerIgnore::load(&folder, &file_name)?;
        let name_in_archive = format!("{}_{file_name}", uuid::Uuid::new_v4().simple());
        Ok(Self {
            folder,
            dockerfile: Some(Dockerfile { path, name_in_archive }),
            ignore,
        })
    }

    /// The context of `az acr run <folder>`: the folder only, no Dockerfile. As in the CLI,
    /// `.dockerignore` applies and is itself left out (see [`DockerIgnore::load`]).
    pub fn for_run(folder: impl Into<PathBuf>) -> Result<Self, Error> {
        let folder = checked_folder(folder.into())?;
        let ignore = DockerIgnore::load(&folder, "")?;
        Ok(Self {
            folder,
            dockerfile: None,
            ignore,
        })
    }

    /// The folder packed.
    pub fn folder(&self) -> &Path {
        &self.folder
    }

    /// The Dockerfile's path as given (or `<folder>/Dockerfile`), for a build.
    pub fn dockerfile(&self) -> Option<&Path> {
        self.dockerfile.as_ref().map(|d| d.path.as_path())
    }

    /// The Dockerfile's name in the archive, `<32 hex digits>_<file name>`: the run request's
    /// `dockerFilePath`. `None` for a run context.
    pub fn dockerfile_in_archive(&self) -> Option<&str> {
        self.dockerfile.as_ref().map(|d| d.name_in_archive.as_str())
    }

    /// The `.dockerignore` rules that apply.
    pub fn ignore(&self) -> &DockerIgnore {
        &self.ignore
    }

    pub(super) fn into_parts(self) -> (PathBuf, Option<Dockerfile>, DockerIgnore) {
        (self.folder, self.dockerfile, self.ignore)
    }
}

fn checked_folder(folder: PathBuf) -> Result<PathBuf, Error> {
    if folder.is_dir() {
        Ok(folder)
    } else {
        let what = if folder.exists() {
            "is not a directory"
        } else {
            "does not exist"
        };
        Err(Error::invalid(
            "context",
            format!("'{}' {what}; expected the local folder to pack", folder.display()),
        ))
    }
}
