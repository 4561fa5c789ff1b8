//! SAS URLs: a secret from the moment they are parsed, checked before any request is sent.

use crate::storage::error::Error;
use crate::storage::redact::redacted_url;
use azure_core::credentials::Secret;
use std::fmt;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use url::Url;

/// What a SAS grants access to, from its `sr` (service SAS) or `srt` (account SAS) field, as
/// listed by learn.microsoft.com "Create a service SAS" and "Create an account SAS".
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SasResource {
    /// `sr=b`: one blob.
    Blob,
    /// `sr=bs`: a snapshot of one blob.
    BlobSnapshot,
    /// `sr=bv`: a version of one blob.
    BlobVersion,
    /// `sr=c`: a container and every blob in it.
    Container,
    /// `sr=d`: a directory (hierarchical namespace).
    Directory,
    /// An account SAS (`srt=...`, here the resource types it names).
    Account(String),
    /// Another `sr` value, as given.
    Other(String),
}

impl fmt::Display for SasResource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SasResource::Blob => f.write_str("one blob (sr=b)"),
            SasResource::BlobSnapshot => f.write_str("a blob snapshot (sr=bs)"),
            SasResource::BlobVersion => f.write_str("a blob version (sr=bv)"),
            SasResource::Container => f.write_str("a container (sr=c)"),
            SasResource::Directory => f.write_str("a directory (sr=d)"),
            SasResource::Account(types) => write!(f, "the account (srt={types})"),
            SasResource::Other(sr) => write!(f, "sr={sr}"),
        }
    }
}

/// A URL carrying a shared access signature, held as a [`Secret`].
///
/// `Debug`, `Display` and every error show the URL without its query
/// (`https://acct.blob.core.windows.net/c/b?<redacted>`).
///
/// ```
/// use arm_core::storage::{SasResource, SasUrl};
///
/// let sas = SasUrl::parse("https://acct.blob.core.windows.net/c/b?sv=2025-01-05&sr=b&sp=r&se=2999-01-01T00:00:00Z&sig=abc")?;
/// assert_eq!(sas.to_string(), "https://acct.blob.core.windows.net/c/b?<redacted>");
/// assert_eq!(sas.resource(), &SasResource::Blob);
/// assert!(SasUrl::parse("http://acct.blob.core.windows.net/c/b?sr=b&se=2999-01-01&sig=abc").is_err());
/// # Ok::<(), arm_core::storage::Error>(())
/// ```
#[derive(Clone)]
pub struct SasUrl {
    secret: Secret,
    redacted: String,
    expires_on: OffsetDateTime,
    resource: SasResource,
    permissions: String,
}

impl SasUrl {
    /// Parses and checks a SAS URL: https only, a signature (`sig`), an expiry (`se`) not in
    /// the past, and a resource (`sr`, or `srt` for an account SAS).
    pub fn parse(input: &str) -> Result<Self, Error> {
        let url = Url::parse(input.trim()).map_err(|e| Error::InvalidSas {
            input: "(input)".to_owned(),
            message: format!("is not a URL ({e})"),
        })?;
        let redacted = redacted_url(&url);
        let invalid = |message: String| Error::InvalidSas {
            input: redacted.clone(),
            message,
        };
        if url.scheme() != "https" {
            return Err(invalid("SAS URL must use https".to_owned()));
        }
        let field = |name: &str| {
            url.query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
                .filter(|v| !v.is_empty())
        };
        if field("sig").is_none() {
            return Err(invalid("has no signature (sig): it is not a SAS URL".to_owned()));
        }
        let se = field("se").ok_or_else(|| invalid("has no expiry (se)".to_owned()))?;
        let expires_on = parse_sas_time(&se).ok_or_else(|| invalid(format!("has an unreadable expiry se={se}")))?;
        if expires_on <= OffsetDateTime::now_utc() {
            return Err(invalid(format!("expired at {}", format_time(expires_on))));
        }
        let resource = match (field("sr"), field("srt")) {
            (Some(sr), _) => match sr.as_str() {
                "b" => SasResource::Blob,
                "bs" => SasResource::BlobSnapshot,
                "bv" => SasResource::BlobVersion,
                "c" => SasResource::Container,
                "d" => SasResource::Directory,
                _ => SasResource::Other(sr),
            },
            (None, Some(srt)) => SasResource::Account(srt),
            (None, None) => return Err(invalid("names no resource (sr or srt)".to_owned())),
        };
        Ok(Self {
            secret: Secret::new(url.to_string()),
            redacted,
            expires_on,
            resource,
            permissions: field("sp").unwrap_or_default(),
        })
    }

    /// The whole URL, query included: hand it only to what needs it.
    pub fn secret(&self) -> &Secret {
        &self.secret
    }

    /// The URL without its query, followed by `?<redacted>`.
    pub fn redacted(&self) -> &str {
        &self.redacted
    }

    /// When the SAS expires (`se`).
    pub fn expires_on(&self) -> OffsetDateTime {
        self.expires_on
    }

    /// What the SAS is for (`sr`, or `srt`).
    pub fn resource(&self) -> &SasResource {
        &self.resource
    }

    /// The permissions it grants (`sp`, e.g. `r` or `racw`).
    pub fn permissions(&self) -> &str {
        &self.permissions
    }

    /// The whole URL as a [`Url`], for the official clients.
    pub(crate) fn url(&self) -> Url {
        Url::parse(self.secret.secret()).expect("a SAS URL parsed before")
    }
}

impl fmt::Debug for SasUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SasUrl")
            .field("url", &self.redacted)
            .field("resource", &self.resource)
            .field("permissions", &self.permissions)
            .field("expires_on", &format_time(self.expires_on))
            .finish()
    }
}

impl fmt::Display for SasUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted)
    }
}

/// A SAS time (`st`, `se`): ISO 8601 UTC with seconds, with minutes only, or a date alone
/// (learn.microsoft.com "Create a service SAS", "Specify the signature validity interval").
fn parse_sas_time(value: &str) -> Option<OffsetDateTime> {
    if let Ok(t) = OffsetDateTime::parse(value, &Rfc3339) {
        return Some(t);
    }
    let minutes = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]Z");
    if let Ok(t) = time::PrimitiveDateTime::parse(value, &minutes) {
        return Some(t.assume_utc());
    }
    let date = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(value, &date).ok().map(|d| d.midnight().assume_utc())
}

/// `time` as `2024-01-31T12:00:00Z`.
pub(crate) fn format_time(time: OffsetDateTime) -> String {
    let time = time.to_offset(time::UtcOffset::UTC);
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    time.format(&format).unwrap_or_else(|_| time.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sas_times_in_every_documented_form() {
        let expected = time::macros::datetime!(2024-05-01 10:30:00 UTC);
        assert_eq!(parse_sas_time("2024-05-01T10:30:00Z"), Some(expected));
        assert_eq!(parse_sas_time("2024-05-01T10:30Z"), Some(expected));
        assert_eq!(
            parse_sas_time("2024-05-01"),
            Some(time::macros::datetime!(2024-05-01 00:00:00 UTC))
        );
        assert_eq!(parse_sas_time("tomorrow"), None);
        assert_eq!(format_time(expected), "2024-05-01T10:30:00Z");
    }
}
