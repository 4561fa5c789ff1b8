//! One `.dockerignore` rule, compiled exactly as the Azure CLI's `IgnoreRule` compiles it
//! (Azure/azure-cli `src/azure-cli/azure/cli/command_modules/acr/_archive_utils.py`, read at
//! commit 08f0efa43189bf595cce9c333c3aaafaac51f7bb, with the `**` form of PR #29901 that its
//! test `tests/latest/test_acr_archive_utils.py` at commit
//! 11773b9450c383722de2c48bd4a4d375f1afa368 pins).

use super::python_regex;
use crate::error::Error;
use regex::Regex;
use std::fmt;

/// A `.dockerignore` rule as `az acr build` reads it: an exclusion, or with a leading `!` an
/// exception to the exclusions, matched against an entry's name in the archive (its path
/// relative to the context, `/`-separated, without a leading `./` or `/` and without a trailing
/// `/`).
///
/// The CLI does not use Docker's matcher: it builds a Python regular expression, and so does
/// this type, with the CLI's quirks kept on purpose (the build must see the same files):
/// - the rule is split on `/` and joined back with `/`; a `**` part becomes `.*`, so `**/bin` is
///   `^.*/bin$`: it matches `a/bin` and `a/b/bin` but not `bin` at the top (Docker's does), and
///   `a/**/b` matches `a/x/b` and deeper, not `a/b`. (Before Azure/azure-cli
///   PR #29901, 2024, `**` took no `/` after it and `**/bin` matched `roundrobin`; the CLI's
///   test `tests/latest/test_acr_archive_utils.py` pins the current form, followed here);
/// - in the other parts `*` becomes `[^/]*`, `?` becomes `[^/]` and `.` a literal dot; every
///   other character is passed to the regular expression unescaped: `[abc]` is a character
///   class, `+`, `|`, `(`, `{` and `\` keep their regular-expression meaning (`\*` does not
///   escape the star: it becomes `\[^/]*`, which never matches), and a rule that is not a valid
///   regular expression is refused (the CLI stops with a Python traceback);
/// - only a `!` rule loses one leading `/` and its trailing `/`s; an exclusion keeps them, so
///   `/build` and `build/` match nothing (names have neither); `./x` and `../x` match nothing
///   either: nothing is normalized;
/// - a `!` with nothing after it (or only `/`) is refused (the CLI fails on it).
#[derive(Clone)]
pub struct IgnoreRule {
    rule: String,
    excludes: bool,
    pattern: String,
    regex: Regex,
}

impl fmt::Debug for IgnoreRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IgnoreRule")
            .field("rule", &self.rule)
            .field("excludes", &self.excludes)
            .field("pattern", &self.pattern)
            .finish()
    }
}

impl IgnoreRule {
    /// Compiles `rule` (one line of a `.dockerignore`, without its line break). A rule the CLI
    /// cannot compile is an [`Error::InvalidInput`] about `.dockerignore pattern`.
    pub fn parse(rule: &str) -> Result<Self, Error> {
        Self::compile(rule).map_err(|reason| Error::invalid(".dockerignore pattern", reason))
    }

    /// [`IgnoreRule::parse`] with the reason of a refusal as one line.
    pub(super) fn compile(rule: &str) -> Result<Self, String> {
        let (excludes, body) = match rule.strip_prefix('!') {
            Some(rest) => {
                let rest = rest.strip_prefix('/').unwrap_or(rest);
                let trimmed = rest.trim_end_matches('/');
                if trimmed.is_empty() {
                    return Err(format!(
                        "`{rule}` has no pattern after `!` (the Azure CLI fails on it); expected `!` followed by the names to keep"
                    ));
                }
                (false, trimmed)
            }
            None => (true, rule),
        };
        let pattern = cli_pattern(body);
        let check = Regex::new(&python_regex::translate(&pattern)).and_then(|_| {
            // Compiled alone first: unbalanced parentheses must not balance with the wrapper.
            Regex::new(&python_regex::anchored(&pattern))
        });
        let regex = check.map_err(|error| {
            let reason = error.to_string();
            let reason = reason.lines().last().unwrap_or_default().trim().trim_start_matches("error: ");
            format!(
                "`{rule}` is not a pattern the Azure CLI can use: its regular expression `{pattern}` does not compile ({reason}); expected `*`, `?`, `**` and `[...]` wildcards"
            )
        })?;
        Ok(Self {
            rule: rule.to_owned(),
            excludes,
            pattern,
            regex,
        })
    }

    /// The rule as written.
    pub fn rule(&self) -> &str {
        &self.rule
    }

    /// `true` for an exclusion, `false` for a `!` exception.
    pub fn excludes(&self) -> bool {
        self.excludes
    }

    /// The Python regular expression the CLI builds from the rule (e.g. `^.*bin$`).
    pub fn pattern(&self) -> &str {
        &self.pattern
    }

    /// Whether the rule matches the archive name `name` (the CLI's `re.match(pattern, name)`).
    pub fn matches(&self, name: &str) -> bool {
        self.regex.is_match(name)
    }

    /// Why the rule can never match a name, when it is one of the CLI's quirks a user would
    /// not expect (a leading `/` or trailing `/` on an exclusion, a `./` or `..` part).
    pub(super) fn never_matches(&self) -> Option<&'static str> {
        let body = self.rule.strip_prefix('!').unwrap_or(&self.rule);
        if self.excludes && body.starts_with('/') {
            Some("the Azure CLI keeps the leading `/` of an exclusion and names in the archive have none")
        } else if self.excludes && body.ends_with('/') {
            Some("the Azure CLI keeps the trailing `/` of an exclusion and names in the archive have none")
        } else if body.split('/').any(|part| part == "." || part == "..") {
            Some("the Azure CLI does not resolve `.` or `..` parts and names in the archive have none")
        } else {
            None
        }
    }
}

/// The CLI's translation (`IgnoreRule.__init__`): `^`, the `/`-separated parts (`**` as `.*`;
/// elsewhere `*` as `[^/]*`, `?` as `[^/]`, `.` as `\.`) joined by `/`, `$`.
fn cli_pattern(body: &str) -> String {
    let tokens: Vec<&str> = body.split('/').collect();
    let mut pattern = String::from("^");
    for (index, token) in tokens.iter().enumerate() {
        if *token == "**" {
            pattern.push_str(".*");
        } else {
            pattern.push_str(&token.replace('*', "[^/]*").replace('?', "[^/]").replace('.', "\\."));
        }
        if index + 1 < tokens.len() {
            pattern.push('/');
        }
    }
    pattern.push('$');
    pattern
}
