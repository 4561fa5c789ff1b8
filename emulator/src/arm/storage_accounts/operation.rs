//! The creation's long-running operation, polled at its `Location`
//! (`/subscriptions/{s}/providers/Microsoft.Storage/locations/{l}/asyncoperations/{id}`): 202
//! Accepted with `Location` and `Retry-After` while the account is being created, then 200 with
//! the account (how the Storage resource provider answers; learn.microsoft.com "Track
//! asynchronous Azure operations").

use hyper::StatusCode;

use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::ids;
use crate::model::storage::{StorageAccount, accounts};
use crate::model::store::Stored;

/// The absolute `Location` URL of the creation of `account`, with the request's api-version.
pub(super) fn location_url(call: &ArmCall<'_>, account: &StorageAccount) -> String {
    format!(
        "{}/subscriptions/{}/providers/Microsoft.Storage/locations/{}/asyncoperations/{}?monitor=true&api-version={}",
        call.arm(),
        account.subscription_id,
        account.location,
        account.operation_id,
        call.api_version
    )
}

/// GET of the operation: 202 while the account is `Creating`, then 200 with the account; 404
/// `OperationNotFound` for an operation no account of the subscription and region was created by
/// (or whose account was deleted since).
pub(super) fn poll(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let (subscription, location, operation_id) = (call.params[0], call.params[1], call.params[2]);
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    let prefix = ids::resource_groups_of(subscription);
    let account = accounts(&world)
        .into_iter()
        .flat_map(|store| store.under(&prefix, now))
        .find(|account| {
            account.operation_id.eq_ignore_ascii_case(operation_id) && account.location.eq_ignore_ascii_case(location)
        })
        .ok_or_else(|| {
            ArmError::new(
                StatusCode::NOT_FOUND,
                "OperationNotFound",
                format!("The operation '{operation_id}' could not be found."),
            )
        })?;
    if now < account.ready_at {
        return Ok(Reply::empty(StatusCode::ACCEPTED)
            .with_header("location", &location_url(call, account))
            .with_header("retry-after", &call.shared.settings.retry_after_secs.to_string()));
    }
    Ok(Reply::json(StatusCode::OK, &account.to_json(now)))
}
