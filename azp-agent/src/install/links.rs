//! Symbolic links of the archive, kept so that none of them can lead outside the agent directory.
//!
//! Each link target is resolved lexically from the link's directory and must stay inside the agent
//! directory. Lexical resolution is only sound if every directory it walks through is a real directory, so:
//! no entry may be written under a symbolic link, a link target may not walk through another link, and no
//! link may be created where an earlier link's target walks through. By induction every link, followed
//! physically, stays inside.

use std::collections::{HashMap, HashSet};
use std::path::{Component, Path, PathBuf};

/// The directories a checked link target walks through.
#[derive(Debug)]
pub(super) struct Walked(Vec<PathBuf>);

/// The symbolic links extracted so far and the directories their targets walk through, as normalized paths
/// relative to the agent directory.
#[derive(Debug, Default)]
pub(super) struct LinkTracker {
    links: HashSet<PathBuf>,
    /// A directory walked through -> the first link that walks through it.
    walked: HashMap<PathBuf, PathBuf>,
}

impl LinkTracker {
    /// The symbolic link that `path` (normalized, relative) would lie under, if any.
    pub(super) fn link_above<'a>(&self, path: &'a Path) -> Option<&'a Path> {
        path.ancestors()
            .skip(1)
            .filter(|a| !a.as_os_str().is_empty())
            .find(|a| self.links.contains(*a))
    }

    /// Checks that the symbolic link `path` (normalized, relative) to `target` stays inside the agent
    /// directory: the directories its target walks through, to give to [`LinkTracker::record`], or the
    /// reason, to follow the quoted entry path in a message.
    pub(super) fn check(&self, path: &Path, target: &Path) -> Result<Walked, String> {
        let shown = target.display();
        if target.as_os_str().is_empty() {
            return Err("is a symbolic link with an empty target".to_owned());
        }
        if let Some(other) = self.walked.get(path) {
            return Err(format!(
                "is a symbolic link where the target of the symbolic link '{}' needs a directory",
                other.display()
            ));
        }
        let mut at: Vec<&std::ffi::OsStr> = path.parent().into_iter().flat_map(Path::iter).collect();
        let mut walked = Vec::new();
        for component in target.components() {
            let step = match component {
                Component::RootDir | Component::Prefix(_) => {
                    return Err(format!(
                        "is a symbolic link to the absolute path '{shown}'; links must stay inside the agent directory"
                    ));
                }
                Component::CurDir => continue,
                Component::Normal(part) => Some(part),
                Component::ParentDir => None,
            };
            if !at.is_empty() {
                let dir: PathBuf = at.iter().collect();
                if self.links.contains(&dir) {
                    return Err(format!(
                        "is a symbolic link to '{shown}' through the symbolic link '{}'; links may not pass through \
                         other links",
                        dir.display()
                    ));
                }
                walked.push(dir);
            }
            match step {
                Some(part) => at.push(part),
                None if at.pop().is_none() => {
                    return Err(format!(
                        "is a symbolic link to '{shown}', which escapes the agent directory"
                    ));
                }
                None => {}
            }
        }
        if walked.iter().any(|dir| dir == path) {
            return Err(format!("is a symbolic link to '{shown}' through itself"));
        }
        Ok(Walked(walked))
    }

    /// Records the symbolic link `path`, created after [`LinkTracker::check`] gave `walked`.
    pub(super) fn record(&mut self, path: &Path, walked: Walked) {
        for dir in walked.0 {
            self.walked.entry(dir).or_insert_with(|| path.to_path_buf());
        }
        self.links.insert(path.to_path_buf());
    }

    /// Whether `path` is a symbolic link recorded here.
    #[cfg(test)]
    pub(super) fn is_link(&self, path: &Path) -> bool {
        self.links.contains(path)
    }

    /// Forgets `path`: what was there was removed.
    pub(super) fn removed(&mut self, path: &Path) {
        self.links.remove(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn add(t: &mut LinkTracker, link: &str, target: &str) -> Result<(), String> {
        let walked = t.check(Path::new(link), Path::new(target))?;
        t.record(Path::new(link), walked);
        Ok(())
    }

    #[test]
    fn links_inside_are_accepted() {
        let mut t = LinkTracker::default();
        add(
            &mut t,
            "externals/node/bin/npm",
            "../lib/node_modules/npm/bin/npm-cli.js",
        )
        .unwrap();
        add(&mut t, "a/b/c", "../../x").unwrap();
        add(&mut t, "a/self", ".").unwrap();
        add(&mut t, "a/up", "..").unwrap();
        add(&mut t, "top", "./bin/./Agent.Listener").unwrap();
        add(&mut t, "chain", "top").unwrap();
        assert!(t.is_link(Path::new("a/up")));
        assert_eq!(t.link_above(Path::new("a/up/x")), Some(Path::new("a/up")));
        assert_eq!(t.link_above(Path::new("a/upx")), None);
        assert_eq!(t.link_above(Path::new("a/up")), None);
    }

    #[test]
    fn absolute_and_escaping_targets_are_refused() {
        let mut t = LinkTracker::default();
        for (link, target, reason) in [
            ("x", "/etc/passwd", "absolute path '/etc/passwd'"),
            ("a", "../../x", "'../../x', which escapes"),
            ("a/b", "../../x", "escapes"),
            ("x", "..", "escapes"),
            ("x", "a/../..", "escapes"),
            ("x", "", "empty target"),
            ("a/x", "y/../../a/x/z", "through itself"),
        ] {
            let err = add(&mut t, link, target).unwrap_err();
            assert!(err.contains(reason), "{link} -> {target}: {err}");
            assert!(!t.is_link(Path::new(link)));
        }
    }

    #[test]
    fn targets_may_not_walk_through_links_in_any_order() {
        // `a/b -> ..` then `x -> a/b/../..`: lexically `.`, physically the parent of the agent directory.
        let mut t = LinkTracker::default();
        add(&mut t, "a/b", "..").unwrap();
        let err = add(&mut t, "x", "a/b/../..").unwrap_err();
        assert!(err.contains("through the symbolic link 'a/b'"), "{err}");
        // The other order: the link that is walked through comes second.
        let mut t = LinkTracker::default();
        add(&mut t, "x", "a/b/../..").unwrap();
        let err = add(&mut t, "a/b", "..").unwrap_err();
        assert!(err.contains("the symbolic link 'x' needs a directory"), "{err}");
        // Replaced links are forgotten.
        let mut t = LinkTracker::default();
        add(&mut t, "a", "b").unwrap();
        t.removed(Path::new("a"));
        add(&mut t, "x", "a/c").unwrap();
    }
}
