//! Azure DevOps organization (and Azure DevOps Server collection) URLs.

use crate::error::Error;
use url::Url;

/// The URL of an Azure DevOps organization or an Azure DevOps Server collection, normalised
/// without a trailing slash. Every REST route is relative to it (`{url}/_apis/...`).
///
/// Accepted forms:
/// - `https://dev.azure.com/{org}` (Azure DevOps Services);
/// - `https://{org}.visualstudio.com` (the older host of the same service);
/// - `https://{host}[:port]/{path}/{collection}` (Azure DevOps Server, e.g.
///   `https://tfs.contoso.com/tfs/DefaultCollection`): any other host with at least one path
///   segment.
///
/// Trailing slashes are ignored. Only `https` is accepted (tokens must not travel in clear
/// text); queries, fragments and credentials in the URL are refused, and an error never repeats
/// them (see [`OrganizationUrl::redact`]).
///
/// ```
/// use azp_agent::OrganizationUrl;
///
/// let org = OrganizationUrl::parse("https://dev.azure.com/contoso/")?;
/// assert_eq!(org.as_str(), "https://dev.azure.com/contoso");
/// assert_eq!(org.name(), "contoso");
/// let old = OrganizationUrl::parse("https://Contoso.visualstudio.com")?;
/// assert_eq!(old.name(), "contoso");
/// let server = OrganizationUrl::parse("https://tfs.contoso.com/tfs/DefaultCollection")?;
/// assert_eq!(server.name(), "DefaultCollection");
/// # Ok::<(), azp_agent::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrganizationUrl {
    url: Url,
    text: String,
    name: String,
    kind: OrganizationKind,
}

/// Which Azure DevOps flavour an [`OrganizationUrl`] points at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum OrganizationKind {
    /// `https://dev.azure.com/{org}`.
    DevAzureCom,
    /// `https://{org}.visualstudio.com`.
    VisualStudioCom,
    /// An Azure DevOps Server collection (or any other host, such as the local emulator).
    Server,
}

const EXPECTED: &str =
    "expected https://dev.azure.com/{org}, https://{org}.visualstudio.com or https://{server}/{collection}";

impl OrganizationUrl {
    /// Parses and normalises an organization URL; the error names `input` (e.g. `AZP_URL`).
    pub fn parse(input: &str) -> Result<Self, Error> {
        Self::parse_named("organization URL", input)
    }

    /// Like [`OrganizationUrl::parse`], with the name of the input in error messages.
    pub fn parse_named(input_name: &str, input: &str) -> Result<Self, Error> {
        let shown = Self::redact(input.trim());
        let bad = |what: String| Error::invalid_input(input_name, format!("'{shown}' {what}; {EXPECTED}"));
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(Error::invalid_input(input_name, format!("is empty; {EXPECTED}")));
        }
        let url = Url::parse(trimmed).map_err(|e| bad(format!("is not a URL ({e})")))?;
        if url.scheme() != "https" {
            return Err(bad(format!("uses {}:// where https:// is required", url.scheme())));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(bad(
                "contains credentials (user:password@); give the token in its own variable instead".to_owned(),
            ));
        }
        if url.query().is_some() || url.fragment().is_some() {
            return Err(bad("has a query or fragment".to_owned()));
        }
        let host = url
            .host_str()
            .ok_or_else(|| bad("has no host".to_owned()))?
            .to_ascii_lowercase();
        let segments: Vec<&str> = url
            .path_segments()
            .map(|s| s.filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        let (kind, name) = if host == "dev.azure.com" {
            match segments.as_slice() {
                [org] => (OrganizationKind::DevAzureCom, (*org).to_owned()),
                [] => return Err(bad("names no organization".to_owned())),
                _ => return Err(bad("has more than the organization in its path (a project?)".to_owned())),
            }
        } else if let Some(org) = host.strip_suffix(".visualstudio.com") {
            if org.contains('.') || !segments.is_empty() {
                return Err(bad("has more than the organization".to_owned()));
            }
            (OrganizationKind::VisualStudioCom, org.to_owned())
        } else {
            match segments.last() {
                Some(collection) => (OrganizationKind::Server, (*collection).to_owned()),
                None => return Err(bad("names no collection".to_owned())),
            }
        };
        if kind != OrganizationKind::Server {
            validate_org_name(&name).map_err(|why| bad(format!("has an invalid organization name: {why}")))?;
        }
        let mut normal = url.clone();
        normal.set_path(&segments.join("/"));
        let text = normal.as_str().trim_end_matches('/').to_owned();
        let url = Url::parse(&format!("{text}/")).map_err(|e| bad(format!("is not a URL ({e})")))?;
        Ok(Self { url, text, name, kind })
    }

    /// `input` as a message or a log may show it, whether or not it parses: whatever comes before
    /// the last `@` after the scheme (`user:password@`, even a malformed one) becomes `***@`, and a
    /// query or fragment becomes `?***` or `#***`, since any of them may hold a token.
    ///
    /// ```
    /// use azp_agent::OrganizationUrl;
    ///
    /// assert_eq!(
    ///     OrganizationUrl::redact("https://me:s3cret@dev.azure.com/contoso?pat=x"),
    ///     "https://***@dev.azure.com/contoso?***"
    /// );
    /// assert_eq!(OrganizationUrl::redact("https://dev.azure.com/contoso"), "https://dev.azure.com/contoso");
    /// ```
    pub fn redact(input: &str) -> String {
        let start = input.find("://").map_or(0, |at| at + 3);
        let (scheme, rest) = input.split_at(start);
        let rest = match rest.rfind('@') {
            Some(at) => format!("***{}", &rest[at..]),
            None => rest.to_owned(),
        };
        match rest.find(['?', '#']) {
            Some(at) => format!("{scheme}{}***", &rest[..=at]),
            None => format!("{scheme}{rest}"),
        }
    }

    /// The normalised URL, without trailing slash (what `config.sh --url` gets).
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The organization (or collection) name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Which flavour of Azure DevOps this is.
    pub fn kind(&self) -> OrganizationKind {
        self.kind
    }

    /// The URL of `path` (relative, e.g. `_apis/distributedtask/pools`) under the organization.
    pub fn join(&self, path: &str) -> Url {
        let mut url = self.url.clone();
        let base = url.path().to_owned();
        url.set_path(&format!("{base}{}", path.trim_start_matches('/')));
        url
    }
}

impl std::fmt::Display for OrganizationUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for OrganizationUrl {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Error> {
        Self::parse(s)
    }
}

/// Azure DevOps organization names: letters, digits and hyphens, 1 to 50 characters, not
/// starting or ending with a hyphen.
fn validate_org_name(name: &str) -> Result<(), &'static str> {
    if name.is_empty() || name.len() > 50 {
        return Err("it must have 1 to 50 characters");
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
        return Err("only letters, digits and hyphens are allowed");
    }
    if name.starts_with('-') || name.ends_with('-') {
        return Err("it must not start or end with a hyphen");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms_normalise() {
        let cases = [
            (
                "https://dev.azure.com/contoso",
                "https://dev.azure.com/contoso",
                "contoso",
            ),
            (
                "https://dev.azure.com/contoso/",
                "https://dev.azure.com/contoso",
                "contoso",
            ),
            (
                "https://DEV.azure.com/contoso//",
                "https://dev.azure.com/contoso",
                "contoso",
            ),
            (
                "https://contoso.visualstudio.com",
                "https://contoso.visualstudio.com",
                "contoso",
            ),
            (
                "https://contoso.visualstudio.com/",
                "https://contoso.visualstudio.com",
                "contoso",
            ),
            (
                "https://tfs.contoso.com/tfs/DefaultCollection/",
                "https://tfs.contoso.com/tfs/DefaultCollection",
                "DefaultCollection",
            ),
            (
                "https://127.0.0.1:8443/emulator",
                "https://127.0.0.1:8443/emulator",
                "emulator",
            ),
        ];
        for (input, text, name) in cases {
            let org = OrganizationUrl::parse(input).unwrap();
            assert_eq!(org.as_str(), text, "{input}");
            assert_eq!(org.name(), name, "{input}");
            assert_eq!(
                org.join("_apis/distributedtask/pools").as_str(),
                format!("{text}/_apis/distributedtask/pools")
            );
        }
    }

    #[test]
    fn a_password_in_the_url_is_never_repeated() {
        let cases = [
            (
                "https://user:s3cret@dev.azure.com/contoso",
                "'https://***@dev.azure.com/contoso' contains credentials",
            ),
            ("https://:s3cret@dev.azure.com/contoso", "contains credentials"),
            ("https://user:s3cret@dev.azure.com/con_toso", "contains credentials"),
            (
                "http://user:s3cret@dev.azure.com/contoso",
                "'http://***@dev.azure.com/contoso' uses http://",
            ),
            (
                "https://user:s3cret@dev.azure.com:99999/contoso",
                "'https://***@dev.azure.com:99999/contoso' is not a URL",
            ),
            ("https://user:s3c/ret@dev.azure.com/contoso", "is not a URL"),
            (
                "https://us er:s3cret@dev.azure.com/contoso",
                "'https://***@dev.azure.com/contoso'",
            ),
            ("user:s3cret@dev.azure.com/contoso", "'***@dev.azure.com/contoso'"),
            (
                "https://dev.azure.com/contoso?token=s3cret",
                "'https://dev.azure.com/contoso?***' has a query",
            ),
            ("https://dev.azure.com/contoso#s3cret", "has a query or fragment"),
            (" https://user:s3cret@dev.azure.com/contoso ", "contains credentials"),
        ];
        for (input, expected) in cases {
            let error = OrganizationUrl::parse_named("AZP_URL", input).unwrap_err();
            for text in [error.to_string(), format!("{error:?}")] {
                assert!(!text.contains("s3c"), "{input}: {text}");
                assert!(text.contains(expected), "{input}: {text}");
            }
        }
    }

    #[test]
    fn malformed_urls_are_one_clear_line() {
        let cases = [
            ("", "is empty"),
            ("dev.azure.com/contoso", "is not a URL"),
            ("http://dev.azure.com/contoso", "uses http://"),
            ("https://dev.azure.com", "names no organization"),
            ("https://dev.azure.com/contoso/project", "a project?"),
            ("https://dev.azure.com/con_toso", "invalid organization name"),
            ("https://dev.azure.com/-contoso", "invalid organization name"),
            ("https://contoso.visualstudio.com/project", "more than the organization"),
            ("https://tfs.contoso.com", "names no collection"),
            ("https://user:pat@dev.azure.com/contoso", "contains credentials"),
            ("https://dev.azure.com/contoso?x=1", "query or fragment"),
        ];
        for (input, expected) in cases {
            let message = OrganizationUrl::parse_named("AZP_URL", input).unwrap_err().to_string();
            assert!(message.starts_with("AZP_URL"), "{message}");
            assert!(message.contains(expected), "{input}: {message}");
            assert!(message.contains("expected https://dev.azure.com/{org}"), "{message}");
            assert!(!message.contains('\n'), "{message}");
        }
    }
}
