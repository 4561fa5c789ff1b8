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
