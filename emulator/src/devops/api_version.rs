//! Azure DevOps api-versions: `major.minor` with an optional `-preview` or `-preview.N`, from
//! the `api-version` query parameter or the `Accept` header (`application/json;api-version=7.1`).

use hyper::StatusCode;

use super::locations::Location;
use crate::http::Request;
use crate::pools::error::{AdoError, Assembly};

/// The newest api-version served.
const LATEST: (u32, u32) = (7, 1);
/// [`LATEST`] as the location service publishes it (`maxVersion`).
pub(crate) const LATEST_TEXT: &str = "7.1";

/// The api-version of a request, if it names one.
fn requested(request: &Request) -> Option<String> {
    if let Some(version) = request.query("api-version") {
        return Some(version.to_owned());
    }
    let accept = request.header("accept")?;
    accept
        .split([';', ','])
        .filter_map(|part| part.trim().split_once('='))
        .find(|(name, _)| name.trim().eq_ignore_ascii_case("api-version"))
        .map(|(_, value)| value.trim().trim_matches('"').to_owned())
}

/// `major.minor` of an api-version, when it is well formed.
fn parse(version: &str) -> Option<(u32, u32)> {
    let (number, preview) = match version.split_once('-') {
        Some((number, suffix)) => (number, Some(suffix)),
        None => (version, None),
    };
    if let Some(suffix) = preview {
        let rest = suffix.strip_prefix("preview")?;
        if !rest.is_empty() {
            let n = rest.strip_prefix('.')?;
            n.parse::<u32>().ok()?;
        }
    }
    let (major, minor) = number.split_once('.')?;
    Some((major.parse().ok()?, minor.parse().ok()?))
}

/// Checks the api-version: `required` routes need one; one that is given must be well formed,
/// at most 7.1 and at least the `minVersion` of the route's location.
pub(crate) fn check(request: &Request, required: bool, location: &Location) -> Result<(), AdoError> {
    let Some(version) = requested(request) else {
        if !required {
            return Ok(());
        }
        return Err(AdoError::new(
            StatusCode::BAD_REQUEST,
            "VssVersionOutOfRangeException",
            Assembly::VssWebApi,
            format!(
                "No api-version was supplied for the \"{}\" request. The version must be supplied either as part of the Accept header (e.g. \"application/json; api-version=1.0\") or as a query parameter (e.g. \"?api-version=1.0\").",
                request.method
            ),
        ));
    };
    let Some(number) = parse(&version) else {
        return Err(AdoError::new(
            StatusCode::BAD_REQUEST,
            "VssInvalidApiVersionException",
            Assembly::VssWebApi,
            format!(
                "The api-version '{version}' is not valid. Use major.minor, optionally followed by -preview or -preview.N, e.g. 7.1 or 7.1-preview.1."
            ),
        ));
    };
    if number > LATEST {
        return Err(AdoError::new(
            StatusCode::BAD_REQUEST,
            "VssVersionOutOfRangeException",
            Assembly::VssWebApi,
            format!(
                "The requested REST API version of {}.{} is out of range for this server. The latest REST API version this server supports is {}.{}.",
                number.0, number.1, LATEST.0, LATEST.1
            ),
        ));
    }
    if parse(location.min_version).is_some_and(|min| number < min) {
        return Err(AdoError::new(
            StatusCode::BAD_REQUEST,
            "VssVersionOutOfRangeException",
            Assembly::VssWebApi,
            format!(
                "The request matched route {}, but the requested REST API version {version} was outside the valid version range for this route.",
                location.route_template
            ),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{LATEST, LATEST_TEXT, parse};

    #[test]
    fn versions() {
        assert_eq!(parse(LATEST_TEXT), Some(LATEST));
        assert_eq!(parse("7.1"), Some((7, 1)));
        assert_eq!(parse("7.1-preview"), Some((7, 1)));
        assert_eq!(parse("7.1-preview.1"), Some((7, 1)));
        assert_eq!(parse("5.0-preview.2"), Some((5, 0)));
        assert_eq!(parse("7"), None);
        assert_eq!(parse("7.1-beta"), None);
        assert_eq!(parse("7.1-preview."), None);
        assert_eq!(parse("abc"), None);
    }
}
