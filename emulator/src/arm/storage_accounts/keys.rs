//! The account keys over ARM: `listKeys` and `regenerateKey` (learn.microsoft.com "Storage
//! Accounts - List Keys", "Storage Accounts - Regenerate Key"). The journal keeps no response
//! bodies, so the key values never reach it.

use hyper::StatusCode;
use serde_json::{Value, json};
use time::OffsetDateTime;

use super::requests::{account_id, not_found};
use crate::arm::body::{self, string_at};
use crate::arm::error::ArmError;
use crate::arm::route::ArmCall;
use crate::clock::rfc3339;
use crate::http::Reply;
use crate::model::storage::{AccountKey, StorageAccount, accounts, accounts_mut};

/// The names of the two keys.
const KEY_NAMES: [&str; 2] = ["key1", "key2"];

/// Two new keys created at `at`.
pub(super) fn new_keys(at: OffsetDateTime) -> Result<[AccountKey; 2], ArmError> {
    Ok([generate(KEY_NAMES[0], at)?, generate(KEY_NAMES[1], at)?])
}

/// A new key named `name`; 500 if the operating system's random generator fails.
fn generate(name: &str, at: OffsetDateTime) -> Result<AccountKey, ArmError> {
    AccountKey::generate(name, at).map_err(|error| {
        ArmError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "InternalServerError",
            error.to_string(),
        )
    })
}

/// POST `listKeys`: `{"keys": [...]}` with both keys.
pub(super) fn list_keys(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let now = call.shared.clock.instant();
    let world = call.shared.read();
    call.resource_group(&world)?;
    let account = accounts(&world)
        .and_then(|store| store.get(&account_id(call), now))
        .ok_or_else(|| not_found(call))?;
    Ok(Reply::json(StatusCode::OK, &keys_json(account)))
}

/// POST `regenerateKey` with `{"keyName": "key1"}` (or `key2`): that key gets a new value, the
/// other stays; the answer is that of `listKeys`.
pub(super) fn regenerate_key(call: &ArmCall<'_>) -> Result<Reply, ArmError> {
    let body = body::object(call)?;
    let requested = string_at(&body, "keyName", "")?.ok_or_else(|| body::required("keyName", ""))?;
    let index = KEY_NAMES
        .iter()
        .position(|name| name.eq_ignore_ascii_case(requested))
        .ok_or_else(|| {
            ArmError::bad_request(
                "InvalidValuesForRequestParameters",
                "Values for request parameters are invalid: keyName.",
            )
        })?;
    let clock = &call.shared.clock;
    let (now, wall) = (clock.instant(), clock.now());
    let key = generate(KEY_NAMES[index], wall)?;
    let mut world = call.shared.write();
    call.resource_group(&world)?;
    let account = accounts_mut(&mut world)
        .get_mut(&account_id(call), now)
        .ok_or_else(|| not_found(call))?;
    account.keys[index] = key;
    Ok(Reply::json(StatusCode::OK, &keys_json(account)))
}

/// The `StorageAccountListKeysResult` of `account`.
fn keys_json(account: &StorageAccount) -> Value {
    let keys: Vec<Value> = account
        .keys
        .iter()
        .map(|key| {
            json!({
                "keyName": key.name,
                "value": key.value,
                "permissions": "FULL",
                "creationTime": rfc3339(key.created),
            })
        })
        .collect();
    json!({ "keys": keys })
}
