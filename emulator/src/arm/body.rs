//! Reading ARM request bodies: a JSON object, and `tags` within ARM's limits.

use std::collections::BTreeMap;

use serde_json::Value;

use super::error::ArmError;
use super::route::ArmCall;
use crate::model::tags as tag_limits;

/// ARM's 400 `InvalidRequestContent` for a body that does not deserialize.
pub(crate) fn invalid_content(detail: &str) -> ArmError {
    ArmError::bad_request(
        "InvalidRequestContent",
        format!("The request content was invalid and could not be deserialized: '{detail}'."),
    )
}

/// The request body as a JSON object (400 `InvalidRequestContent` otherwise).
pub(crate) fn object(call: &ArmCall<'_>) -> Result<serde_json::Map<String, Value>, ArmError> {
    let invalid = |detail: String| invalid_content(&detail);
    if call.request.body.iter().all(u8::is_ascii_whitespace) {
        return Err(invalid("Missing request content".to_owned()));
    }
    match serde_json::from_slice::<Value>(&call.request.body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(invalid("The request content must be a JSON object".to_owned())),
        Err(error) => Err(invalid(error.to_string())),
    }
}

/// The `tags` of a body, if present; an error if they are not an object of strings within ARM's
/// tag limits.
pub(crate) fn tags(body: &serde_json::Map<String, Value>) -> Result<Option<BTreeMap<String, String>>, ArmError> {
    let tags = strings_of(body)?;
    if let Some(tags) = &tags {
        tag_limits::check(tags).map_err(|error| ArmError::bad_request(error.code, error.message))?;
    }
    Ok(tags)
}

/// The `tags` of a body, if present; an error if they are not an object of strings.
fn strings_of(body: &serde_json::Map<String, Value>) -> Result<Option<BTreeMap<String, String>>, ArmError> {
    match body.get("tags") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(tags)) => tags
            .iter()
            .map(|(key, value)| match value {
                Value::String(value) => Ok((key.clone(), value.clone())),
                other => Err(ArmError::bad_request(
                    "InvalidRequestContent",
                    format!(
                        "The request content was invalid and could not be deserialized: 'Error converting value {other} to type 'System.String'. Path 'tags.{key}'.'."
                    ),
                )),
            })
            .collect::<Result<_, _>>()
            .map(Some),
        Some(_) => Err(ArmError::bad_request(
            "InvalidRequestContent",
            "The request content was invalid and could not be deserialized: 'tags must be an object'.",
        )),
    }
}
