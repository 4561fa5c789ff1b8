//! The `$skiptoken` of ARM lists: the key of the last item of the previous page, opaque to
//! clients (URL-safe base64).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;

/// The key after which the requested page starts, if the request has a `$skiptoken`.
pub(crate) fn after(call: &ArmCall<'_>) -> Result<Option<String>, ArmError> {
    let Some(token) = call.request.query("$skiptoken") else {
        return Ok(None);
    };
    URL_SAFE_NO_PAD
        .decode(token)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .map(Some)
        .ok_or_else(|| ArmError::bad_request("InvalidSkipToken", format!("The skip token '{token}' is not valid.")))
}

/// The `$skiptoken` of the page that starts after `key`.
pub(crate) fn encode(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key)
}
