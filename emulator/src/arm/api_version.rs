//! The api-version checks ARM makes on every request.

use super::error::ArmError;

/// The api-versions a provider accepts.
pub(crate) enum ApiVersions {
    /// Any well-formed api-version (operation polling URLs carry the initiating request's).
    Any,
    /// Exactly these.
    Only(&'static [&'static str]),
}

/// The api-versions of the `Microsoft.Resources` namespace (subscriptions, resource groups, the
/// generic resource list): ARM checks a request against the namespace's whole list, in this order
/// in its error message (the specs' `resources.json` versions and those real ARM names, from its
/// `InvalidApiVersionParameter` answer of 2025).
pub(crate) const MICROSOFT_RESOURCES: &[&str] = &[
    "2025-04-01",
    "2025-03-01",
    "2024-10-01-preview",
    "2024-11-01",
    "2024-08-01",
    "2024-07-01",
    "2024-06-01-preview",
    "2024-03-01",
    "2023-07-01",
    "2023-07-01-preview",
    "2023-03-01-preview",
    "2022-12-01",
    "2022-11-01-preview",
    "2022-09-01",
    "2022-06-01",
    "2022-05-01",
    "2022-03-01-preview",
    "2022-01-01",
    "2021-04-01",
    "2021-01-01",
    "2020-10-01",
    "2020-09-01",
    "2020-08-01",
    "2020-07-01",
    "2020-06-01",
    "2020-05-01",
    "2020-01-01",
    "2019-11-01",
    "2019-10-01",
    "2019-09-01",
    "2019-08-01",
    "2019-07-01",
    "2019-06-01",
    "2019-05-10",
    "2019-05-01",
    "2019-03-01",
    "2018-11-01",
    "2018-09-01",
    "2018-08-01",
    "2018-07-01",
    "2018-06-01",
    "2018-05-01",
    "2018-02-01",
    "2018-01-01",
    "2017-12-01",
    "2017-08-01",
    "2017-06-01",
    "2017-05-10",
    "2017-05-01",
    "2017-03-01",
    "2016-09-01",
    "2016-07-01",
    "2016-06-01",
    "2016-02-01",
    "2015-11-01",
    "2015-01-01",
    "2014-04-01-preview",
    "2014-04-01",
    "2014-01-01",
    "2013-03-01",
    "2014-02-26",
    "2014-04",
];

/// ARM's 400 for a request without `api-version`.
pub(crate) fn missing() -> ArmError {
    ArmError::bad_request(
        "MissingApiVersionParameter",
        "The api-version query parameter (?api-version=) is required for all requests.",
    )
}

/// Checks `version` against what a provider accepts.
pub(crate) fn check(version: &str, accepted: &ApiVersions) -> Result<(), ArmError> {
    let supported = match accepted {
        ApiVersions::Any if is_well_formed(version) => return Ok(()),
        ApiVersions::Any => String::new(),
        ApiVersions::Only(list) if list.contains(&version) => return Ok(()),
        ApiVersions::Only(list) => list.join(","),
    };
    Err(ArmError::bad_request(
        "InvalidApiVersionParameter",
        format!("The api-version '{version}' is invalid. The supported versions are '{supported}'."),
    ))
}

/// `YYYY-MM-DD` optionally followed by `-preview` (or another ASCII alphanumeric suffix).
/// Works on bytes, so that any text (multibyte characters included) is judged, never split.
pub(crate) fn is_well_formed(version: &str) -> bool {
    let (date, suffix) = version.as_bytes().split_at(version.len().min(10));
    let date_ok = date.len() == 10
        && date.iter().enumerate().all(|(i, b)| match i {
            4 | 7 => *b == b'-',
            _ => b.is_ascii_digit(),
        });
    let suffix_ok = match suffix {
        [] => true,
        [b'-', rest @ ..] => !rest.is_empty() && rest.iter().all(u8::is_ascii_alphanumeric),
        _ => false,
    };
    date_ok && suffix_ok
}

#[cfg(test)]
mod tests {
    use super::{ApiVersions, check, is_well_formed};

    #[test]
    fn versions_are_checked() {
        assert!(is_well_formed("2024-03-01"));
        assert!(is_well_formed("2025-03-01-preview"));
        assert!(!is_well_formed("2024-3-1"));
        assert!(!is_well_formed("latest"));
        assert!(!is_well_formed("2024-01-0é"));
        assert!(!is_well_formed("2024-01-01-é"));
        assert!(!is_well_formed("日本語の版"));
        let error = check("2024-01-0é", &ApiVersions::Any).unwrap_err();
        assert_eq!(error.code, "InvalidApiVersionParameter");
        assert_eq!(error.status, hyper::StatusCode::BAD_REQUEST);
        assert!(check("2021-04-01", &ApiVersions::Only(&["2021-04-01"])).is_ok());
        let error = check("1999-01-01", &ApiVersions::Only(&["2021-04-01", "2022-09-01"])).unwrap_err();
        assert_eq!(error.code, "InvalidApiVersionParameter");
        assert_eq!(
            error.message,
            "The api-version '1999-01-01' is invalid. The supported versions are '2021-04-01,2022-09-01'."
        );
    }
}
