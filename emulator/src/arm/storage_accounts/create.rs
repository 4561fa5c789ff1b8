//! PUT of an account: a new one is created as a long-running operation (202 Accepted with a
//! `Location` to poll and `Retry-After`, as the Storage resource provider answers), an existing
//! one in the same group is updated and answered at once (200).

use hyper::StatusCode;

use super::keys::new_keys;
use super::operation::location_url;
use super::properties::{Requested, default_access_tier, default_encryption};
use super::requests::account_id;
use crate::arm::body;
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::http::Reply;
use crate::model::storage::{ACCOUNT_TYPE, StorageAccount, account_by_name, account_name_error, accounts_mut};
use crate::model::store::Stored;
use crate::random;

/// PUT: validates the name and the body, then updates the account of the path or starts the
/// creation of a new one.
pub(super) fn put(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let name = call.params[2];
    if let Some(message) = account_name_error(name) {
        return Err(ArmError::bad_request("AccountNameInvalid", message));
    }
    let body = body::object(call)?;
    let requested = Requested::parse(&body)?;
    let location = body::location(&body, Some(ACCOUNT_TYPE))?;
    let clock = &call.shared.clock;
    let (now, wall) = (clock.instant(), clock.now());
    let mut world = call.shared.write();
    let group = call.resource_group(&world)?;
    let (subscription_id, resource_group) = (group.subscription_id.clone(), group.name.clone());
    if let Some(existing) = accounts_mut(&mut world).get_mut(&account_id(call), now) {
        if existing.location != location {
            return Err(ArmError::location_conflict(
                name,
                &resource_group,
                &existing.location,
                &location,
            ));
        }
        requested.apply(existing, wall);
        return Ok(Reply::json(StatusCode::OK, &existing.to_json(now)));
    }
    if let Some(other) = account_by_name(&world, name, now) {
        return Err(name_in_use(
            name,
            other.subscription_id.eq_ignore_ascii_case(&subscription_id),
        ));
    }
    let sku_name = requested.sku_name.clone().ok_or_else(|| body::required("sku", ""))?;
    let kind = requested.kind.clone().ok_or_else(|| body::required("kind", ""))?;
    let mut account = StorageAccount {
        subscription_id,
        resource_group,
        name: name.to_owned(),
        location,
        access_tier: default_access_tier(&kind),
        kind,
        sku_name,
        tags: Default::default(),
        keys: new_keys(wall)?,
        allow_shared_key_access: None,
        allow_blob_public_access: false,
        minimum_tls_version: "TLS1_2".to_owned(),
        public_network_access: "Enabled".to_owned(),
        created: wall,
        ready_at: now + call.shared.settings.operation_duration,
        operation_id: random::uuid(),
        blob_endpoint: blob_endpoint(call, name),
        encryption: default_encryption(wall),
        extended_location: None,
        other_properties: Default::default(),
    };
    requested.apply(&mut account, wall);
    let reply = Reply::empty(StatusCode::ACCEPTED)
        .with_header("location", &location_url(call, &account))
        .with_header("retry-after", &call.shared.settings.retry_after_secs.to_string());
    accounts_mut(&mut world).insert(account);
    Ok(reply)
}

/// `primaryEndpoints.blob` of account `name`: the emulator's Blob endpoint, path style
/// (`https://127.0.0.1:PORT/{account}/`, as Azurite addresses accounts).
fn blob_endpoint(call: &ArmCall<'_>, name: &str) -> String {
    format!("{}/{name}/", call.shared.endpoints.blob.trim_end_matches('/'))
}

/// 409 for a name another account holds: `StorageAccountAlreadyExists` when it is in the same
/// subscription (another resource group), `StorageAccountAlreadyTaken` otherwise (names are
/// global).
fn name_in_use(name: &str, same_subscription: bool) -> ArmError {
    if same_subscription {
        ArmError::new(
            StatusCode::CONFLICT,
            "StorageAccountAlreadyExists",
            format!("The storage account named {name} already exists under the subscription."),
        )
    } else {
        ArmError::new(
            StatusCode::CONFLICT,
            "StorageAccountAlreadyTaken",
            format!("The storage account named {name} is already taken."),
        )
    }
}
