//! Where a blob is and how to authenticate to it.

use crate::storage::error::Error;
use crate::storage::sas::SasUrl;
use azure_core::credentials::TokenCredential;
use percent_encoding::percent_decode_str;
use std::fmt;
use std::sync::Arc;
use url::{Host, Url};

/// How requests for a blob are authenticated.
#[derive(Clone)]
pub enum BlobAuth {
    /// An Entra ID bearer token for the storage audience (`https://storage.azure.com/.default`):
    /// the caller needs a data role (Storage Blob Data Reader/Contributor) on the account.
    Credential(Arc<dyn TokenCredential>),
    /// A SAS URL (e.g. the upload URL ACR gives): its query authenticates every request.
    Sas(SasUrl),
}

impl fmt::Debug for BlobAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BlobAuth::Credential(_) => f.write_str("Credential"),
            BlobAuth::Sas(sas) => f.debug_tuple("Sas").field(sas).finish(),
        }
    }
}

/// A blob: its URL (without query) and how to authenticate to it.
///
/// The account name is the first label of the host (`acct.blob.core.windows.net`), or the
/// first path segment for a path-style endpoint addressed by IP address or `localhost`
/// (`https://127.0.0.1:10000/acct/c/b`, as Azurite and the emulator serve it).
///
/// ```
/// use arm_core::storage::{BlobLocation, SasUrl};
///
/// let sas = SasUrl::parse("https://acct.blob.core.windows.net/ctx/dir/a%20b.tar?sr=b&sp=cw&se=2999-01-01&sig=x")?;
/// let blob = BlobLocation::from_sas(sas)?;
/// assert_eq!((blob.account(), blob.container(), blob.name()), ("acct", "ctx", "dir/a b.tar"));
/// # Ok::<(), arm_core::storage::Error>(())
/// ```
#[derive(Clone)]
pub struct BlobLocation {
    url: Url,
    auth: BlobAuth,
    account: String,
    container: String,
    name: String,
}

impl BlobLocation {
    /// A blob at `url` (https, no query), reached with `credential`.
    pub fn with_credential(url: Url, credential: Arc<dyn TokenCredential>) -> Result<Self, Error> {
        if url.query().is_some() {
            return Err(Error::invalid_input(
                "blob url",
                format!(
                    "{} has a query; a SAS URL goes through BlobLocation::from_sas",
                    crate::storage::redact::redacted_url(&url)
                ),
            ));
        }
        Self::new(url, BlobAuth::Credential(credential))
    }

    /// The blob a SAS URL points at, reached with that SAS.
    pub fn from_sas(sas: SasUrl) -> Result<Self, Error> {
        let mut url = sas.url();
        url.set_query(None);
        Self::new(url, BlobAuth::Sas(sas))
    }

    fn new(url: Url, auth: BlobAuth) -> Result<Self, Error> {
        let shown = crate::url_without_query(&url);
        let invalid = |message: &str| Error::invalid_input("blob url", format!("{shown} {message}"));
        if url.scheme() != "https" {
            return Err(invalid("must use https"));
        }
        let host = url.host().ok_or_else(|| invalid("has no host"))?;
        let mut segments: Vec<String> = url
            .path_segments()
            .map(|s| {
                s.map(|p| percent_decode_str(p).decode_utf8_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let account = if path_style(&host) {
            if segments.is_empty() {
                return Err(invalid("has no account in its path (path-style endpoint)"));
            }
            segments.remove(0)
        } else {
            let Host::Domain(domain) = host else {
                return Err(invalid("has no host name"));
            };
            domain.split('.').next().unwrap_or_default().to_owned()
        };
        if segments.len() < 2 || segments.iter().any(String::is_empty) {
            return Err(invalid(
                "must name a container and a blob: https://<account>.blob.<suffix>/<container>/<blob>",
            ));
        }
        let container = segments.remove(0);
        Ok(Self {
            name: segments.join("/"),
            url,
            auth,
            account,
            container,
        })
    }

    /// The blob URL, without any query.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// How requests are authenticated.
    pub fn auth(&self) -> &BlobAuth {
        &self.auth
    }

    /// The storage account name.
    pub fn account(&self) -> &str {
        &self.account
    }

    /// The container name.
    pub fn container(&self) -> &str {
        &self.container
    }

    /// The blob name (decoded; `/` separates virtual directories).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The URL the official clients get: with the SAS query when there is one.
    pub(crate) fn request_url(&self) -> Url {
        match &self.auth {
            BlobAuth::Sas(sas) => sas.url(),
            BlobAuth::Credential(_) => self.url.clone(),
        }
    }

    /// The Blob service root of the account (`https://acct.blob.core.windows.net/`, or
    /// `https://127.0.0.1:port/acct/` path-style).
    pub(crate) fn service_url(&self) -> Url {
        let mut url = self.url.clone();
        let path_style = url.host().is_some_and(|h| path_style(&h));
        if let Ok(mut segments) = url.path_segments_mut() {
            segments.clear();
            if path_style {
                segments.push(&self.account).push("");
            }
        }
        url.set_query(None);
        url
    }
}

/// Whether the account is in the path rather than the host: an IP address or `localhost`, as
/// the Azure SDKs decide for Azurite.
fn path_style(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(domain) => domain.eq_ignore_ascii_case("localhost"),
        Host::Ipv4(_) | Host::Ipv6(_) => true,
    }
}

impl fmt::Debug for BlobLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlobLocation")
            .field("url", &self.url.as_str())
            .field("auth", &self.auth)
            .finish()
    }
}

impl fmt::Display for BlobLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.url.as_str())
    }
}
