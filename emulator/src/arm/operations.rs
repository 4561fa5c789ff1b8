//! Polling long-running operations: the Azure-AsyncOperation status resource and the Location
//! result, in both URL shapes.

use hyper::StatusCode;
use serde_json::json;

use super::api_version::ApiVersions;
use super::error::ArmError;
use super::lro::OperationHandle;
use super::provider::ResourceProvider;
use super::route::{Access, ArmCall, Route};
use crate::clock;
use crate::http::Reply;
use crate::model::operations::{LocationStyle, Operation, Outcome};

/// The operation polling endpoints.
pub(crate) struct Provider;

impl ResourceProvider for Provider {
    /// Any well-formed version: polling URLs carry the api-version of the request that started
    /// the operation, whatever its provider.
    fn api_versions(&self) -> ApiVersions {
        ApiVersions::Any
    }

    fn routes(&self) -> Vec<Route> {
        vec![
            Route {
                pattern: "subscriptions/{subscriptionId}/operationresults/{operationId}",
                methods: &["GET"],
                access: Access::Related { scope_len: 2 },
                handler: subscription_result,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/providers/{namespace}/locations/{location}/operations/{operationId}",
                methods: &["GET"],
                access: Access::Related { scope_len: 2 },
                handler: provider_status,
            },
            Route {
                pattern: "subscriptions/{subscriptionId}/providers/{namespace}/locations/{location}/operationResults/{operationId}",
                methods: &["GET"],
                access: Access::Related { scope_len: 2 },
                handler: provider_result,
            },
        ]
    }
}

fn not_found(id: &str) -> ArmError {
    ArmError::new(
        StatusCode::NOT_FOUND,
        "OperationNotFound",
        format!("The operation '{id}' could not be found."),
    )
}

/// The operation `id` if it belongs to the subscription and (for provider URLs) namespace and
/// location of the path.
fn find<'w>(
    operations: &'w crate::model::operations::Operations,
    call: &ArmCall<'_>,
    style: LocationStyle,
) -> Result<&'w Operation, ArmError> {
    let id = *call.params.last().unwrap_or(&"");
    let operation = operations.get(id).ok_or_else(|| not_found(id))?;
    let spec = &operation.spec;
    let same_place = match style {
        LocationStyle::Subscription => spec.style == LocationStyle::Subscription,
        LocationStyle::Provider => {
            spec.namespace.eq_ignore_ascii_case(call.params[1]) && spec.location.eq_ignore_ascii_case(call.params[2])
        }
    };
    if same_place && spec.subscription_id.eq_ignore_ascii_case(call.params[0]) {
        Ok(operation)
    } else {
        Err(not_found(id))
    }
}

fn subscription_result(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let operation = find(&world.operations, call, LocationStyle::Subscription)?;
    result(call, operation)
}

fn provider_result(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let operation = find(&world.operations, call, LocationStyle::Provider)?;
    result(call, operation)
}

/// The Location protocol: 202 while running, then the success status or the error (a failed
/// operation answers with its failure status, 400 unless chosen otherwise: a client retries a
/// 5xx of a GET instead of reporting the failure).
fn result(call: &ArmCall<'_>, operation: &Operation) -> Result<Reply, ArmError> {
    let retry_after = call.shared.settings.retry_after_secs;
    match operation.outcome(call.shared.clock.instant()) {
        None => Ok(OperationHandle::of(operation, call.arm(), retry_after).accepted_with_location()),
        Some(Outcome::Succeeded) => Ok(Reply::empty(
            StatusCode::from_u16(operation.spec.success_status).unwrap_or(StatusCode::OK),
        )),
        Some(Outcome::Failed { code, message, status }) => Err(ArmError::new(
            StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST),
            code.clone(),
            message.clone(),
        )),
        Some(Outcome::Canceled) => Err(ArmError::new(
            StatusCode::CONFLICT,
            "OperationCanceled",
            format!("The operation '{}' was canceled.", operation.spec.id),
        )),
    }
}

/// The Azure-AsyncOperation protocol: a status resource, `Retry-After` while running.
fn provider_status(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let world = call.shared.read();
    let operation = find(&world.operations, call, LocationStyle::Provider)?;
    let mut body = json!({
        "id": operation.status_path(),
        "name": operation.spec.id,
        "startTime": clock::rfc3339(operation.started_at),
    });
    match operation.outcome(call.shared.clock.instant()) {
        None => {
            body["status"] = json!("InProgress");
            return Ok(Reply::json(StatusCode::OK, &body)
                .with_header("retry-after", &call.shared.settings.retry_after_secs.to_string()));
        }
        Some(outcome) => {
            body["status"] = json!(outcome.status());
            body["endTime"] = json!(clock::rfc3339(operation.end_time()));
            if let Outcome::Failed { code, message, .. } = outcome {
                body["error"] = json!({ "code": code, "message": message });
            }
        }
    }
    Ok(Reply::json(StatusCode::OK, &body))
}
