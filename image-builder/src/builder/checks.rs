//! Small checks the template rules share: resource ids of a type, URLs, checksums, durations.

use crate::error::Error;
use arm_core::ResourceId;

/// Checks that `value` is the id of a resource of `full_type`, e.g. `Microsoft.Compute/images`.
pub(super) fn resource_id(field: &str, value: &str, full_type: &str) -> Result<ResourceId, Error> {
    let id = ResourceId::parse(value).map_err(|e| Error::invalid(field, e.to_string()))?;
    if !id.is_type(full_type) {
        let found = id
            .resource_type()
            .unwrap_or_else(|| "resource group or subscription".to_owned());
        return Err(Error::invalid(
            field,
            format!("'{value}' is a {found} id; expected a {full_type} id"),
        ));
    }
    Ok(id)
}

/// Checks that `value` is set and not blank.
pub(super) fn required<'a>(field: &str, value: Option<&'a str>, what: &str) -> Result<&'a str, Error> {
    match value.map(str::trim) {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(Error::invalid(field, format!("required: {what}"))),
    }
}

/// Checks that `value` is an absolute `https` or `http` URL, as Image Builder downloads
/// scripts and files from (a blob URL, with or without SAS, or a public URL). The message never
/// repeats the value: it may carry a SAS.
pub(super) fn download_url(field: &str, value: &str) -> Result<(), Error> {
    match url::Url::parse(value) {
        Ok(url) if matches!(url.scheme(), "https" | "http") && url.host_str().is_some() => Ok(()),
        Ok(url) => Err(Error::invalid(
            field,
            format!(
                "the '{}' scheme is not downloadable; expected an https URL",
                url.scheme()
            ),
        )),
        Err(e) => Err(Error::invalid(
            field,
            format!("not an absolute URL ({e}); expected an https URL"),
        )),
    }
}

/// Checks a `sha256Checksum`: 64 hexadecimal digits.
pub(super) fn sha256(field: &str, value: &str) -> Result<(), Error> {
    if value.len() == 64 && value.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("'{value}' is not a SHA-256 checksum; expected 64 hexadecimal digits"),
        ))
    }
}

/// Checks a Packer duration (Go's `time.ParseDuration`), e.g. `5m`, `2h`, `1h30m`, `90s`.
pub(super) fn duration(field: &str, value: &str) -> Result<(), Error> {
    const UNITS: [&str; 7] = ["ns", "us", "µs", "ms", "s", "m", "h"];
    let fail = || {
        Err(Error::invalid(
            field,
            format!("'{value}' is not a duration; expected a number and a unit, e.g. '5m', '2h' or '1h30m'"),
        ))
    };
    let mut rest = value;
    if rest.is_empty() {
        return fail();
    }
    while !rest.is_empty() {
        let digits = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(rest.len());
        let number = &rest[..digits];
        if number.is_empty() || number == "." || number.matches('.').count() > 1 {
            return fail();
        }
        rest = &rest[digits..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        if !UNITS.contains(&&rest[..unit_end]) {
            return fail();
        }
        rest = &rest[unit_end..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_follow_go() {
        for ok in ["5m", "2h", "1h30m", "90s", "1.5h", "300ms"] {
            assert!(duration("d", ok).is_ok(), "{ok}");
        }
        for bad in ["", "5", "m", "5 minutes", "5min", "-5m", "1..5h", "h5"] {
            assert!(duration("d", bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn download_urls_must_be_absolute_http() {
        assert!(download_url("u", "https://example.blob.core.windows.net/c/a.zip?sv=1&sig=2").is_ok());
        let file = download_url("u", "file:///etc/passwd").unwrap_err().to_string();
        assert_eq!(
            file,
            "invalid u: the 'file' scheme is not downloadable; expected an https URL"
        );
        let secret = download_url("u", "blob.core.windows.net/c/a.zip?sig=s3cr3t")
            .unwrap_err()
            .to_string();
        assert!(!secret.contains("s3cr3t"), "{secret}");
    }
}
