//! Injected faults in ARM's shape (throttling headers and error envelope).

use hyper::StatusCode;

use super::error::ArmError;
use crate::faults::ErrorFault;
use crate::http::Request;

/// ARM's response for an injected fault.
pub(crate) fn reply(fault: ErrorFault, request: &Request) -> ArmError {
    match fault {
        ErrorFault::TooManyRequests { retry_after_secs } => {
            let kind = match request.method.as_str() {
                "GET" | "HEAD" => "reads",
                "DELETE" => "deletes",
                _ => "writes",
            };
            let scope = match request.segments.as_slice() {
                [first, subscription, ..] if first.eq_ignore_ascii_case("subscriptions") => {
                    format!("subscription '{subscription}'")
                }
                _ => "tenant".to_owned(),
            };
            ArmError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "TooManyRequests",
                format!(
                    "Number of {kind} requests for {scope} exceeded the limit. Please try again after '{retry_after_secs}' seconds."
                ),
            )
            .with_header("retry-after", retry_after_secs.to_string())
            .with_header(remaining_header(kind), "0")
        }
        ErrorFault::Unavailable { retry_after_secs } => ArmError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "ServiceUnavailable",
            "The service is temporarily unavailable. Please try again later.",
        )
        .with_header("retry-after", retry_after_secs.to_string()),
        ErrorFault::InternalError => ArmError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            "Encountered internal server error. Please try again later.",
        ),
    }
}

fn remaining_header(kind: &str) -> &'static str {
    match kind {
        "reads" => "x-ms-ratelimit-remaining-subscription-reads",
        "deletes" => "x-ms-ratelimit-remaining-subscription-deletes",
        _ => "x-ms-ratelimit-remaining-subscription-writes",
    }
}
