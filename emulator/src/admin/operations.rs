//! `POST /operations`: starts a long-running operation of any namespace, so that pollers can be
//! tested against both the Azure-AsyncOperation and the Location protocol.

use std::time::Duration;

use hyper::StatusCode;
use serde::Deserialize;
use serde_json::json;

use super::error;
use crate::arm::lro;
use crate::http::{Reply, Request};
use crate::model::operations::{LocationStyle, MAX_DURATION, NewOperation, Outcome};
use crate::random;
use crate::shared::Shared;

/// The body.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OperationBody {
    /// Subscription; the first one when left out.
    #[serde(default)]
    subscription_id: Option<String>,
    /// Resource provider namespace, e.g. `Microsoft.ContainerInstance`.
    namespace: String,
    /// Region; the emulator's location when left out.
    #[serde(default)]
    location: Option<String>,
    /// api-version in the polling URLs.
    #[serde(default = "default_api_version")]
    api_version: String,
    /// How long it stays `InProgress`; the configured operation duration when left out.
    #[serde(default)]
    duration_ms: Option<u64>,
    /// Final status.
    #[serde(default = "default_status")]
    status: FinalStatus,
    /// The error of a `Failed` operation.
    #[serde(default)]
    error: Option<OperationError>,
    /// HTTP status of the `Location` result of a `Failed` operation (400 to 599).
    #[serde(default = "default_failure_status")]
    failure_status: u16,
}

#[derive(Deserialize, Clone, Copy)]
enum FinalStatus {
    Succeeded,
    Failed,
    Canceled,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OperationError {
    code: String,
    message: String,
}

fn default_api_version() -> String {
    "2024-01-01".to_owned()
}

fn default_status() -> FinalStatus {
    FinalStatus::Succeeded
}

fn default_failure_status() -> u16 {
    400
}

/// Starts the operation and answers with its polling URLs.
pub(crate) fn handle(shared: &Shared, request: &Request) -> Reply {
    let body: OperationBody = match serde_json::from_slice(&request.body) {
        Ok(body) => body,
        Err(e) => return error(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    if body.namespace.is_empty() || body.namespace.contains('/') {
        return error(StatusCode::BAD_REQUEST, "namespace must be a provider namespace");
    }
    if !(400..=599).contains(&body.failure_status) {
        return error(StatusCode::BAD_REQUEST, "failure_status must be between 400 and 599");
    }
    let duration = match body.duration_ms.map(Duration::from_millis) {
        None => shared.settings.operation_duration,
        Some(duration) if duration <= MAX_DURATION => duration,
        Some(_) => return error(StatusCode::BAD_REQUEST, "duration_ms must be at most 7 days"),
    };
    let outcome = match (body.status, body.error) {
        (FinalStatus::Succeeded, _) => Outcome::Succeeded,
        (FinalStatus::Canceled, _) => Outcome::Canceled,
        (FinalStatus::Failed, error) => {
            let error = error.unwrap_or(OperationError {
                code: "OperationFailed".to_owned(),
                message: "The operation failed.".to_owned(),
            });
            Outcome::Failed {
                code: error.code,
                message: error.message,
                status: body.failure_status,
            }
        }
    };
    let mut world = shared.write();
    let subscription = match &body.subscription_id {
        Some(id) => world.subscription(id),
        None => world.subscriptions.first(),
    };
    let Some(subscription_id) = subscription.map(|s| s.id.clone()) else {
        return error(StatusCode::NOT_FOUND, "no such subscription");
    };
    let spec = NewOperation {
        id: random::uuid(),
        subscription_id,
        namespace: body.namespace,
        location: body.location.unwrap_or_else(|| shared.settings.location.clone()),
        api_version: body.api_version,
        duration,
        outcome,
        success_status: 204,
        style: LocationStyle::Provider,
    };
    let handle = lro::start(
        &mut world,
        spec,
        &shared.clock,
        &shared.endpoints.arm,
        shared.settings.retry_after_secs,
    );
    Reply::json(
        StatusCode::CREATED,
        &json!({
            "id": handle.id,
            "azure_async_operation": handle.azure_async_operation,
            "location": handle.location,
            "retry_after_secs": handle.retry_after_secs,
        }),
    )
}
