//! The `.dockerignore` of a build context as `az acr build` reads and applies it
//! (Azure/azure-cli `src/azure-cli/azure/cli/command_modules/acr/_archive_utils.py`, commit
//! 08f0efa43189bf595cce9c333c3aaafaac51f7bb: `_load_dockerignore_file`, `_ignore_check`,
//! `_archive_file_recursively`).

use super::rule::IgnoreRule;
use crate::error::Error;
use std::path::{Path, PathBuf};

/// The names the CLI always leaves out (`common_vcs_ignore_list`), whatever the `.dockerignore`
/// says. Matched against the whole archive name, so only at the top of the context: `.git` is
/// left out, `src/.git` is not. (`bzrignore` is spelled without its dot, as in the CLI.)
pub const DEFAULT_EXCLUDES: [&str; 7] = [".git", ".gitignore", ".bzr", "bzrignore", ".hg", ".hgignore", ".svn"];

/// The decision about one entry, and what its children inherit: whether it is left out, and
/// how many of the rules (highest priority first) may still decide for its children.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Verdict {
    /// The entry is left out of the archive.
    pub excluded: bool,
    /// Only the rules before this index (higher priority than the one that decided) are
    /// checked for the entry's children.
    rules_left: usize,
}

/// The rules of a `.dockerignore`, applied as the CLI applies them.
///
/// The CLI walks the context depth first and decides for each entry (directories included,
/// and the context folder itself under the empty name):
/// 1. a name in [`DEFAULT_EXCLUDES`] is left out;
/// 2. otherwise the rules are tried from the last line to the first, and the first that
///    matches decides (an exclusion leaves the entry out, a `!` exception keeps it);
/// 3. otherwise the entry inherits its parent's decision.
///
/// A child is only tried against the rules written after the one that decided for its parent
/// (the CLI's `parent_matching_rule_index`): `foo` then `!foo/keep` keeps `foo/keep`, while
/// `!foo/keep` then `foo` does not. Every directory is walked even when it is left out, so an
/// exception can bring back a file under an excluded folder (its folder entry stays out).
/// Blank lines and lines starting with `#` (in the first column) are skipped; trailing
/// whitespace is removed, leading whitespace kept.
#[derive(Clone, Debug, Default)]
pub struct DockerIgnore {
    /// Highest priority first (the file's last rule first).
    rules: Vec<IgnoreRule>,
    file: Option<PathBuf>,
}

impl DockerIgnore {
    /// Parses the text of a `.dockerignore`. A rule the CLI cannot compile is an
    /// [`Error::InvalidInput`] naming `.dockerignore line N`.
    pub fn parse(text: &str) -> Result<Self, Error> {
        Self::parse_named(".dockerignore", text)
    }

    /// Reads and parses the file at `path` as the CLI reads it: UTF-8 (a UTF-8 byte order mark
    /// is skipped), lines ending in `\n`, `\r\n` or `\r`. A file that is not UTF-8 or holds a
    /// malformed rule is an [`Error::InvalidInput`] naming the file (and the line); a file
    /// that cannot be read is an [`Error::Pack`].
    pub fn read(path: &Path) -> Result<Self, Error> {
        let bytes = std::fs::read(path).map_err(|source| Error::Pack {
            input: path.display().to_string(),
            source,
        })?;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        let text = std::str::from_utf8(bytes).map_err(|error| {
            let line = bytes[..error.valid_up_to()].iter().filter(|&&b| b == b'\n').count() + 1;
            Error::invalid(
                path.display().to_string(),
                format!("line {line} is not UTF-8; expected a UTF-8 text file, as the Azure CLI reads it"),
            )
        })?;
        let mut ignore = Self::parse_named(&path.display().to_string(), text)?;
        ignore.file = Some(path.to_owned());
        Ok(ignore)
    }

    /// The `.dockerignore` the CLI uses for a build of `context` with the Dockerfile named
    /// `dockerfile_name` (its file name only; empty for `az acr run`, which has none):
    /// `<context>/<dockerfile_name>.dockerignore` when the name is not exactly `Dockerfile`
    /// and that file exists (then `.dockerignore` itself is also left out, as a rule of lowest
    /// priority), else `<context>/.dockerignore`, else no rules.
    ///
    /// With no Dockerfile (`az acr run`) the override's name is `.dockerignore` itself, so
    /// that file is used and also left out of the archive: a quirk of the CLI, kept.
    ///
    /// This is the lookup of the code read (commit 08f0efa4); Azure/azure-cli PR #32633
    /// (January 2026, issue #30231) moves it towards Docker's `<Dockerfile path>.dockerignore`
    /// next to the Dockerfile, and PR #32241 (October 2025) skips `.venv` folders for speed;
    /// neither was available as code to follow.
    pub fn load(context: &Path, dockerfile_name: &str) -> Result<Self, Error> {
        if dockerfile_name != "Dockerfile" {
            let file = context.join(format!("{dockerfile_name}.dockerignore"));
            if file.exists() {
                tracing::info!(file = %file.display(), "overriding .dockerignore");
                let mut ignore = Self::read(&file)?;
                let own =
                    IgnoreRule::compile(".dockerignore").map_err(|reason| Error::invalid(".dockerignore", reason))?;
                ignore.rules.push(own);
                return Ok(ignore);
            }
        }
        let file = context.join(".dockerignore");
        if file.exists() {
            Self::read(&file)
        } else {
            Ok(Self::default())
        }
    }

    fn parse_named(source: &str, text: &str) -> Result<Self, Error> {
        let mut rules = Vec::new();
        for (index, line) in universal_lines(text).enumerate() {
            let rule = line.trim_end_matches(is_python_space);
            if rule.is_empty() || rule.starts_with('#') {
                continue;
            }
            let rule = IgnoreRule::compile(rule)
                .map_err(|reason| Error::invalid(format!("{source} line {}", index + 1), reason))?;
            if let Some(why) = rule.never_matches() {
                tracing::warn!("{source} line {}: `{}` never matches: {why}", index + 1, rule.rule());
            }
            rules.push(rule);
        }
        rules.reverse();
        Ok(Self { rules, file: None })
    }

    /// The file the rules were read from, if any.
    pub fn file(&self) -> Option<&Path> {
        self.file.as_deref()
    }

    /// The rules, highest priority first (the file's last rule first).
    pub fn rules(&self) -> &[IgnoreRule] {
        &self.rules
    }

    /// Whether the entry named `relative_path` in the archive (`/`-separated, relative to the
    /// context, no leading `./` or `/`, no trailing `/`) is left out, deciding for the context
    /// folder and every parent folder first as the CLI's walk does. Whether the entry is a
    /// folder does not matter to the CLI's rules (it matches names without a trailing `/`).
    pub fn is_excluded(&self, relative_path: &str) -> bool {
        let mut verdict = self.decide("", self.start());
        let mut end = 0;
        for part in relative_path.split('/') {
            end += part.len();
            verdict = self.decide(&relative_path[..end], verdict);
            end += 1;
        }
        verdict.excluded
    }

    /// The verdict the context folder's own decision starts from: kept, every rule available.
    pub(super) fn start(&self) -> Verdict {
        Verdict {
            excluded: false,
            rules_left: self.rules.len(),
        }
    }

    /// The CLI's `_ignore_check` for the entry `name` whose parent's verdict is `parent`.
    pub(super) fn decide(&self, name: &str, parent: Verdict) -> Verdict {
        if DEFAULT_EXCLUDES.contains(&name) {
            tracing::info!("excluding '{name}' based on default ignore rules");
            return Verdict {
                excluded: true,
                rules_left: parent.rules_left,
            };
        }
        for (index, rule) in self.rules[..parent.rules_left].iter().enumerate() {
            if rule.matches(name) {
                tracing::debug!(rule = rule.rule(), name, ".dockerignore rule matches");
                return Verdict {
                    excluded: rule.excludes(),
                    rules_left: index,
                };
            }
        }
        parent
    }
}

/// The lines of `text` as Python's text mode reads them (universal newlines: `\n`, `\r\n` and
/// a lone `\r` all end a line).
fn universal_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.find(['\n', '\r']) {
            Some(at) => {
                let skip = if current[at..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&current[at + skip..]);
                Some(&current[..at])
            }
            None => {
                rest = None;
                (!current.is_empty()).then_some(current)
            }
        }
    })
}

/// Python's `str.isspace`, what `str.rstrip()` removes: Unicode white space and the ASCII
/// separators `\x1c`..`\x1f`.
fn is_python_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}
