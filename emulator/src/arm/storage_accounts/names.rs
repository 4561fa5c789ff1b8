//! `POST /subscriptions/{s}/providers/Microsoft.Storage/checkNameAvailability`: whether a name
//! is valid and free (learn.microsoft.com "Storage Accounts - Check Name Availability").

use hyper::StatusCode;
use serde_json::json;

use crate::arm::body::{self, string_at};
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::storage::{ACCOUNT_TYPE, account_by_name, account_name_error};

/// Answers `{"nameAvailable": true}`, or false with the reason `AccountNameInvalid` or
/// `AlreadyExists` and a message.
pub(super) fn check_name_availability(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let body = body::object(call)?;
    let name = string_at(&body, "name", "")?.ok_or_else(|| body::required("name", ""))?;
    let kind = string_at(&body, "type", "")?.ok_or_else(|| body::required("type", ""))?;
    if !kind.eq_ignore_ascii_case(ACCOUNT_TYPE) {
        return Err(ArmError::bad_request(
            "InvalidValuesForRequestParameters",
            "Values for request parameters are invalid: type.",
        ));
    }
    let answer = if let Some(message) = account_name_error(name) {
        json!({ "nameAvailable": false, "reason": "AccountNameInvalid", "message": message })
    } else if account_by_name(&call.shared.read(), name, call.shared.clock.instant()).is_some() {
        json!({
            "nameAvailable": false,
            "reason": "AlreadyExists",
            "message": format!("The storage account named {name} is already taken."),
        })
    } else {
        json!({ "nameAvailable": true })
    };
    Ok(Reply::json(StatusCode::OK, &answer))
}
