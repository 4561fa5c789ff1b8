//! Request bodies and query flags as Azure DevOps reads them.

use hyper::StatusCode;
use serde::de::DeserializeOwned;

use crate::http::Request;
use crate::pools::error::{AdoError, Assembly};

/// The JSON body; 400 `VssRequestContentException` when it is missing or does not fit.
pub(crate) fn json<T: DeserializeOwned>(request: &Request) -> Result<T, AdoError> {
    if request.body.is_empty() {
        return Err(content_error(
            "The request body is empty: a JSON document was expected.",
        ));
    }
    serde_json::from_slice(&request.body).map_err(|e| content_error(&format!("The request body is not valid: {e}")))
}

fn content_error(message: &str) -> AdoError {
    AdoError::new(
        StatusCode::BAD_REQUEST,
        "VssRequestContentException",
        Assembly::VssWebApi,
        message,
    )
}

/// A boolean query flag (`true`, case-insensitive); false when absent.
pub(crate) fn flag(request: &Request, name: &str) -> bool {
    query(request, name).is_some_and(|v| v.eq_ignore_ascii_case("true"))
}

/// A query parameter, its name compared case-insensitively (as Azure DevOps does).
pub(crate) fn query<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request
        .query
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value.as_str())
}

/// A non-negative number in the query; 400 when it is not one.
pub(crate) fn count(request: &Request, name: &str) -> Result<Option<usize>, AdoError> {
    query(request, name)
        .map(|value| {
            value.trim().parse::<usize>().map_err(|_| {
                AdoError::argument(format!(
                    "The value '{value}' of the query parameter '{name}' is not a valid non-negative number."
                ))
            })
        })
        .transpose()
}
