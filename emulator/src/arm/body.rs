//! Reading ARM request bodies, with ARM's validation errors: a JSON object, the properties of
//! its parts (required, of the right JSON type, with the path ARM names), `location` among the
//! regions, and `tags` within ARM's limits.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use super::error::ArmError;
use super::route::ArmCall;
use crate::model::regions;
use crate::model::tags as tag_limits;

/// ARM's 400 `InvalidRequestContent` for a body that does not deserialize.
pub(crate) fn invalid_content(detail: &str) -> ArmError {
    ArmError::bad_request(
        "InvalidRequestContent",
        format!("The request content was invalid and could not be deserialized: '{detail}'."),
    )
}

/// 400 `InvalidRequestContent` for a required property missing at `path` (the detail in the
/// words of the JSON deserializer behind ARM, without its line and position).
pub(crate) fn required(name: &str, path: &str) -> ArmError {
    invalid_content(&format!("Required property '{name}' not found in JSON. Path '{path}'."))
}

/// 400 `InvalidRequestContent` for a value at `path` that is not of type `to` (.NET names).
pub(crate) fn converting(value: &Value, to: &str, path: &str) -> ArmError {
    invalid_content(&format!(
        "Error converting value {value} to type '{to}'. Path '{path}'."
    ))
}

/// `path.key`, or `key` at the top.
pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

/// The object at `key` of `parent` (at `path`), required.
pub(crate) fn object_at<'a>(
    parent: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<&'a Map<String, Value>, ArmError> {
    match parent.get(key) {
        None | Some(Value::Null) => Err(required(key, path)),
        Some(Value::Object(map)) => Ok(map),
        Some(other) => Err(converting(other, key, &join(path, key))),
    }
}

/// The string at `key` of `parent` (at `path`), if present.
pub(crate) fn string_at<'a>(
    parent: &'a Map<String, Value>,
    key: &str,
    path: &str,
) -> Result<Option<&'a str>, ArmError> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(converting(other, "System.String", &join(path, key))),
    }
}

/// The array at `key` of `parent` (at `path`), empty when absent.
pub(crate) fn array_at<'a>(parent: &'a Map<String, Value>, key: &str, path: &str) -> Result<&'a [Value], ArmError> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(converting(other, "System.Collections.Generic.List", &join(path, key))),
    }
}

/// The `location` of a PUT body, normalized (`West Europe` is `westeurope`): 400
/// `LocationRequired` without one, and ARM's 400 for a region it does not know, for
/// `resource_type` (`None`: a resource group).
pub(crate) fn location(body: &Map<String, Value>, resource_type: Option<&str>) -> Result<String, ArmError> {
    let Some(Value::String(requested)) = body.get("location") else {
        return Err(ArmError::bad_request(
            "LocationRequired",
            "The location property is required for this definition.",
        ));
    };
    regions::normalize(requested).ok_or_else(|| match resource_type {
        None => ArmError::bad_request(
            "LocationNotAvailableForResourceGroup",
            format!(
                "The provided location '{requested}' is not available for resource group. List of available regions is '{}'.",
                regions::known_list()
            ),
        ),
        Some(resource_type) => ArmError::bad_request(
            "LocationNotAvailableForResourceType",
            format!(
                "The provided location '{requested}' is not available for resource type '{resource_type}'. List of available regions for the resource type is '{}'.",
                regions::known_list()
            ),
        ),
    })
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
                other => Err(converting(other, "System.String", &join("tags", key))),
            })
            .collect::<Result<_, _>>()
            .map(Some),
        Some(_) => Err(ArmError::bad_request(
            "InvalidRequestContent",
            "The request content was invalid and could not be deserialized: 'tags must be an object'.",
        )),
    }
}
