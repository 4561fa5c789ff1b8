//! Registry names: the rule (5-50 alphanumerics, learn.microsoft.com "Naming rules and
//! restrictions for Azure resources", Microsoft.ContainerRegistry), global uniqueness (the
//! login server `<name>.azurecr.io` is a DNS name, so any case clashes), and
//! `checkNameAvailability` (learn.microsoft.com "Registries - Check Name Availability").

use std::time::Instant;

use hyper::StatusCode;
use serde_json::{Value, json};

use crate::arm::body;
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::World;
use crate::model::acr::registry::{REGISTRY_TYPE, Registry, login_server, registries};

/// The CLI's words for the rule (Azure/azure-cli `acr/_validators.py` `BAD_REGISTRY_NAME`).
const RULE: &str = "Registry names may contain only alpha numeric characters and must be between 5 and 50 characters";

/// Why `name` breaks the rule, if it does.
pub(super) fn name_error(name: &str) -> Option<String> {
    let valid = (5..=50).contains(&name.len()) && name.chars().all(|c| c.is_ascii_alphanumeric());
    (!valid).then(|| format!("{RULE}: '{name}' is not."))
}

/// 400 for a name that breaks the rule (`InvalidRegistryName`: the code is undocumented,
/// emulator choice).
pub(super) fn invalid_name(message: String) -> ArmError {
    ArmError::bad_request("InvalidRegistryName", message)
}

/// The live registry with this name (any case) anywhere in the emulator.
pub(super) fn registry_named<'w>(world: &'w World, name: &str, now: Instant) -> Option<&'w Registry> {
    registries(world)?
        .values()
        .filter(|registry| !registry.provisioning.is_gone(now))
        .find(|registry| registry.name.eq_ignore_ascii_case(name))
}

/// The message ACR gives for a name another registry holds.
fn in_use_message(name: &str) -> String {
    format!(
        "The registry DNS name {} is already in use. You can check if the name is already claimed using following API: https://docs.microsoft.com/en-us/rest/api/containerregistry/registries/checknameavailability",
        login_server(name)
    )
}

/// ACR's 409 `AlreadyInUse` for a name another registry holds (in any subscription).
pub(super) fn already_in_use(name: &str) -> ArmError {
    ArmError::new(StatusCode::CONFLICT, "AlreadyInUse", in_use_message(name))
}

/// POST `checkNameAvailability` `{ "name", "type": "Microsoft.ContainerRegistry/registries" }`:
/// `nameAvailable`, with `reason` `Invalid` or `AlreadyExists` and a message when not.
pub(super) fn check_name_availability(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let request = body::object(call)?;
    let name = body::string_at(&request, "name", "")?.ok_or_else(|| body::required("name", ""))?;
    let kind = body::string_at(&request, "type", "")?.ok_or_else(|| body::required("type", ""))?;
    if !kind.eq_ignore_ascii_case(REGISTRY_TYPE) {
        return Err(ArmError::bad_request(
            "InvalidParameter",
            format!("The resource type '{kind}' is not valid: expected '{REGISTRY_TYPE}'."),
        ));
    }
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    let answer: Value = if let Some(message) = name_error(name) {
        json!({ "nameAvailable": false, "reason": "Invalid", "message": message })
    } else if registry_named(&world, name, now).is_some() {
        json!({ "nameAvailable": false, "reason": "AlreadyExists", "message": in_use_message(name) })
    } else {
        json!({ "nameAvailable": true })
    };
    Ok(Reply::json(StatusCode::OK, &answer))
}

#[cfg(test)]
mod tests {
    use super::name_error;

    #[test]
    fn names_are_five_to_fifty_alphanumerics() {
        assert!(name_error("myReg1").is_none());
        assert!(name_error(&"a".repeat(50)).is_none());
        for bad in ["abcd", "my-registry", "my_reg", &"a".repeat(51), "regé1"] {
            assert!(name_error(bad).is_some(), "{bad}");
        }
    }
}
