//! ARM's error envelope: `{"error":{"code":..,"message":..}}`.

use hyper::StatusCode;
use serde_json::json;

use crate::http::Reply;

/// An ARM error response.
#[derive(Debug)]
pub(crate) struct ArmError {
    pub status: StatusCode,
    pub code: String,
    pub message: String,
    headers: Vec<(&'static str, String)>,
}

impl ArmError {
    pub fn new(status: StatusCode, code: impl Into<String>, message: impl Into<String>) -> Self {
        ArmError {
            status,
            code: code.into(),
            message: message.into(),
            headers: Vec::new(),
        }
    }

    /// 400 with this code.
    pub fn bad_request(code: &str, message: impl Into<String>) -> Self {
        ArmError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// ARM's 404 for a resource of `resource_type` named `name` that resource group `group` does
    /// not hold.
    pub fn resource_not_found(resource_type: &str, name: &str, group: &str) -> Self {
        ArmError::new(
            StatusCode::NOT_FOUND,
            "ResourceNotFound",
            format!("The Resource '{resource_type}/{name}' under resource group '{group}' was not found."),
        )
    }

    /// ARM's 400 for a PUT that would move resource `name` of group `group` from region
    /// `existing` to `requested`.
    pub fn location_conflict(name: &str, group: &str, existing: &str, requested: &str) -> Self {
        ArmError::bad_request(
            "InvalidResourceLocation",
            format!(
                "The resource '{name}' already exists in location '{existing}' in resource group '{group}'. A resource with the same name cannot be created in location '{requested}'. Please select a new resource name."
            ),
        )
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Self {
        self.headers.push((name, value.into()));
        self
    }

    /// The response.
    pub fn into_reply(self) -> Reply {
        let body = json!({ "error": { "code": self.code, "message": self.message } });
        let mut reply = Reply::json(self.status, &body);
        for (name, value) in &self.headers {
            reply.set_header(*name, value);
        }
        reply
    }
}
