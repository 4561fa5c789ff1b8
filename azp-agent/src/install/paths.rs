//! Entry paths: relative, inside the agent directory, normalized.

use std::path::{Component, Path, PathBuf};

/// Why a path in the archive is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum PathProblem {
    Empty,
    Absolute,
    Prefix,
    Escapes,
}

impl PathProblem {
    /// The reason, to follow the quoted path in a message.
    pub(super) fn reason(self) -> &'static str {
        match self {
            PathProblem::Empty => "has an empty path",
            PathProblem::Absolute => "is an absolute path; expected a path relative to the agent directory",
            PathProblem::Prefix => "has a drive or UNC prefix; expected a path relative to the agent directory",
            PathProblem::Escapes => "escapes the agent directory",
        }
    }
}

/// `path` as a relative path of normal components only (`.` removed), `None` for the agent directory itself
/// (`.` or `./`). Refuses empty and absolute paths and any `..`, even one that would stay inside.
pub(super) fn relative(path: &Path) -> Result<Option<PathBuf>, PathProblem> {
    if path.as_os_str().is_empty() {
        return Err(PathProblem::Empty);
    }
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            Component::Normal(part) => normal.push(part),
            Component::CurDir => {}
            Component::ParentDir => return Err(PathProblem::Escapes),
            Component::RootDir => return Err(PathProblem::Absolute),
            Component::Prefix(_) => return Err(PathProblem::Prefix),
        }
    }
    Ok((!normal.as_os_str().is_empty()).then_some(normal))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normal_paths_are_kept() {
        for (raw, expected) in [
            ("config.sh", "config.sh"),
            ("./bin/Agent.Listener", "bin/Agent.Listener"),
            ("bin/./x/", "bin/x"),
            ("a//b", "a/b"),
            ("..x/y..", "..x/y.."),
        ] {
            assert_eq!(relative(Path::new(raw)), Ok(Some(PathBuf::from(expected))), "{raw}");
        }
        assert_eq!(relative(Path::new(".")), Ok(None));
        assert_eq!(relative(Path::new("./")), Ok(None));
    }

    #[test]
    fn escaping_absolute_and_empty_paths_are_refused() {
        for (raw, problem) in [
            ("", PathProblem::Empty),
            ("../evil", PathProblem::Escapes),
            ("a/../../x", PathProblem::Escapes),
            ("a/../b", PathProblem::Escapes),
            ("a/..", PathProblem::Escapes),
            ("/abs", PathProblem::Absolute),
            ("/", PathProblem::Absolute),
        ] {
            assert_eq!(relative(Path::new(raw)), Err(problem), "{raw}");
        }
        assert_eq!(PathProblem::Escapes.reason(), "escapes the agent directory");
    }
}
