//! Which account, container and blob a request names. Two addressings, as the issue asks:
//!
//! - host-style, as Azure: the `Host` header is `{account}.blob.<anything>` and the path is
//!   `/{container}/{blob}`;
//! - path-style, as Azurite and other emulators: `/{account}/{container}/{blob}` on any other
//!   host (`127.0.0.1:PORT`).
//!
//! A blob name is the rest of the path after the container, percent-decoded as a whole, so that
//! it may contain `/` (virtual directories) and encoded characters (learn.microsoft.com "Naming
//! and Referencing Containers, Blobs, and Metadata").

use std::borrow::Cow;

/// What a request addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Address {
    /// The account name, lowercase.
    pub account: String,
    /// Whether the path starts with the account segment.
    pub path_style: bool,
    /// The container, if the path names one.
    pub container: Option<String>,
    /// The blob name (decoded), if the path names one.
    pub blob: Option<String>,
}

/// The address of a request to `path` (as on the wire) with `host` (the `Host` header, without
/// port); `None` when no account is named (path-style `/`).
pub(crate) fn parse(host: Option<&str>, path: &str) -> Option<Address> {
    let rest = path.strip_prefix('/').unwrap_or(path);
    let host_account = host
        .map(|h| h.split(':').next().unwrap_or(h))
        .and_then(|h| h.split_once(".blob."))
        .map(|(account, _)| account.to_ascii_lowercase())
        .filter(|account| !account.is_empty());
    let (account, path_style, rest) = match host_account {
        Some(account) => (account, false, rest),
        None => {
            let (account, rest) = rest.split_once('/').unwrap_or((rest, ""));
            let account = decode(account).to_ascii_lowercase();
            if account.is_empty() {
                return None;
            }
            (account, true, rest)
        }
    };
    let (container, blob) = match rest.split_once('/') {
        Some((container, blob)) => (container, Some(blob).filter(|b| !b.is_empty())),
        None => (rest, None),
    };
    Some(Address {
        account,
        path_style,
        container: Some(container)
            .filter(|c| !c.is_empty())
            .map(|c| decode(c).into_owned()),
        blob: blob.map(|b| decode(b).into_owned()),
    })
}

fn decode(text: &str) -> Cow<'_, str> {
    percent_encoding::percent_decode_str(text).decode_utf8_lossy()
}

#[cfg(test)]
mod tests {
    use super::{Address, parse};

    fn address(account: &str, path_style: bool, container: Option<&str>, blob: Option<&str>) -> Address {
        Address {
            account: account.into(),
            path_style,
            container: container.map(Into::into),
            blob: blob.map(Into::into),
        }
    }

    #[test]
    fn path_style_names_the_account_first() {
        assert_eq!(
            parse(Some("127.0.0.1:1234"), "/acct/cont/dir/a%20b.txt"),
            Some(address("acct", true, Some("cont"), Some("dir/a b.txt")))
        );
        assert_eq!(parse(None, "/Acct"), Some(address("acct", true, None, None)));
        assert_eq!(
            parse(None, "/acct/cont"),
            Some(address("acct", true, Some("cont"), None))
        );
        assert_eq!(
            parse(None, "/acct/cont/"),
            Some(address("acct", true, Some("cont"), None))
        );
        assert_eq!(parse(None, "/"), None);
    }

    #[test]
    fn host_style_takes_the_account_from_the_host() {
        assert_eq!(
            parse(Some("Acct.blob.core.windows.net"), "/cont/a/b%2Fc"),
            Some(address("acct", false, Some("cont"), Some("a/b/c")))
        );
        assert_eq!(
            parse(Some("acct.blob.localhost:8443"), "/"),
            Some(address("acct", false, None, None))
        );
    }
}
