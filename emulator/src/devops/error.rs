//! Azure DevOps's error envelope, its tracking headers, and injected faults in its shape.

use hyper::StatusCode;
use serde_json::json;

use crate::faults::ErrorFault;
use crate::http::Reply;
use crate::pools::error::{AdoError, Assembly};
use crate::random;

/// `eventId` of Azure DevOps's errors.
const EVENT_ID: i32 = 3000;

/// The envelope: `{"$id":"1","innerException":null,"message",..,"typeName","typeKey","errorCode":0,"eventId":3000}`.
pub(crate) fn reply(error: &AdoError) -> Reply {
    let body = json!({
        "$id": "1",
        "innerException": null,
        "message": error.message,
        "typeName": error.type_name(),
        "typeKey": error.type_key,
        "errorCode": 0,
        "eventId": EVENT_ID,
    });
    Reply::json(error.status, &body)
}

/// Azure DevOps's tracking headers: `ActivityId` and `x-vss-e2eid` (one uuid), `x-tfs-processid`.
pub(crate) fn stamp(reply: Reply) -> Reply {
    let activity = random::uuid();
    reply
        .with_header("activityid", &activity)
        .with_header("x-vss-e2eid", &activity)
        .with_header("x-tfs-processid", "00000000-0000-0000-0000-000000000000")
        .with_header("x-content-type-options", "nosniff")
        .with_header("cache-control", "no-cache")
}

/// An injected fault as Azure DevOps answers it.
pub(crate) fn fault(fault: ErrorFault) -> Reply {
    let (error, retry_after) = match fault {
        ErrorFault::TooManyRequests { retry_after_secs } => (
            AdoError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "RequestBlockedException",
                Assembly::VssWebApi,
                "Request was blocked due to exceeding usage of resource 'Concurrency' in namespace 'User'.",
            ),
            Some(retry_after_secs),
        ),
        ErrorFault::Unavailable { retry_after_secs } => (
            AdoError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "VssServiceUnavailableException",
                Assembly::VssWebApi,
                "The service is temporarily unavailable. Please try again later.",
            ),
            Some(retry_after_secs),
        ),
        ErrorFault::InternalError => (
            AdoError::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                "VssServiceException",
                Assembly::VssWebApi,
                "An unexpected error occurred. Please try again later.",
            ),
            None,
        ),
    };
    let mut reply = reply(&error);
    if let Some(seconds) = retry_after {
        reply.set_header("retry-after", &seconds.to_string());
    }
    stamp(reply)
}
