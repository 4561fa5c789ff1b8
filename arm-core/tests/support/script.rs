//! Helpers shared by the contract tests: a wiremock responder that plays a script.

use std::sync::Mutex;
use wiremock::{Request, Respond, ResponseTemplate};

/// Answers with the given responses in order, repeating the last one.
pub struct Script(Mutex<Vec<ResponseTemplate>>);

impl Script {
    /// A responder playing `responses` (at least one).
    pub fn new(responses: Vec<ResponseTemplate>) -> Self {
        assert!(!responses.is_empty());
        let mut responses = responses;
        responses.reverse();
        Self(Mutex::new(responses))
    }
}

impl Respond for Script {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let mut left = self.0.lock().unwrap();
        if left.len() > 1 {
            left.pop().unwrap()
        } else {
            left[0].clone()
        }
    }
}

/// An ARM error envelope with request ids.
pub fn arm_error(status: u16, code: &str, message: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("x-ms-request-id", "req-42")
        .insert_header("x-ms-correlation-request-id", "corr-42")
        .set_body_json(serde_json::json!({"error": {"code": code, "message": message}}))
}
