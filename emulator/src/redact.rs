//! How secrets appear in `Debug` output: as `<redacted>`, never their value.

/// What stands in for a secret.
pub(crate) const REDACTED: &str = "<redacted>";

/// A secret's `Debug` stand-in: whether there is one, not what it is.
pub(crate) fn optional(secret: Option<&String>) -> Option<&'static str> {
    secret.map(|_| REDACTED)
}
