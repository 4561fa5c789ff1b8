//! Account-level operations: Get User Delegation Key (`POST /?restype=service&comp=userdelegationkey`,
//! bearer token only) and Get Account Information (`GET`/`HEAD ?restype=account&comp=properties`).

use hyper::StatusCode;

use crate::blob::auth::{delegation_key, delegation_key_request_error, key_time};
use crate::blob::authorize::{Access, authorize};
use crate::blob::call::Call;
use crate::blob::error::{BlobError, body_too_large, internal, invalid_xml};
use crate::blob::wire::{NEWEST_VERSION, xml};
use crate::blob::xml::{DECLARATION, element, key_info};
use crate::http::{BodyError, Reply};
use crate::model::storage::StorageAccount;
use crate::rbac::blob::BlobOperation;

/// The largest `<KeyInfo>` body read.
const MAX_KEY_INFO_BODY: usize = 64 * 1024;

/// Get User Delegation Key: a key for the caller, valid from `Start` (default now) to `Expiry`
/// (at most seven days ahead), derived from the emulator's delegation secret so that the user
/// delegation SAS signed with it can be checked without storing it (learn.microsoft.com "Get
/// User Delegation Key").
pub(crate) async fn user_delegation_key(call: &Call<'_>, account: &StorageAccount) -> Result<Reply, BlobError> {
    let access = authorize(call, account, BlobOperation::GetUserDelegationKey, None)?;
    let Access::Principal { oid, tid, .. } = &access else {
        return Err(internal(&"Get User Delegation Key authorized without a principal"));
    };
    let body = call
        .request
        .take_body()
        .ok_or_else(|| internal(&"the request body was already read"))?;
    let body = match body.read_limited(MAX_KEY_INFO_BODY).await {
        Ok(body) => body,
        Err(BodyError::TooLarge) => return Err(body_too_large(MAX_KEY_INFO_BODY as u64)),
        Err(error) => return Err(internal(&error)),
    };
    let info = key_info(&body).ok_or_else(invalid_xml)?;
    if let Some(error) = delegation_key_request_error(info.start.as_deref(), &info.expiry, call.now) {
        return Err(error.into());
    }
    let start = info.start.unwrap_or_else(|| key_time(call.now));
    let version = call.header("x-ms-version").unwrap_or(NEWEST_VERSION);
    let key = delegation_key(
        call.shared.blob.delegation_secret(),
        oid,
        tid,
        &start,
        &info.expiry,
        version,
    );
    let body = format!(
        "{DECLARATION}<UserDelegationKey>{}{}{}{}{}{}{}</UserDelegationKey>",
        element("SignedOid", &key.signed_oid),
        element("SignedTid", &key.signed_tid),
        element("SignedStart", &key.signed_start),
        element("SignedExpiry", &key.signed_expiry),
        element("SignedService", &key.signed_service),
        element("SignedVersion", &key.signed_version),
        element("Value", &key.value),
    );
    Ok(xml(StatusCode::OK, body).by(access.principal()))
}

/// Get Account Information: `x-ms-sku-name`, `x-ms-account-kind`, `x-ms-is-hns-enabled`
/// (learn.microsoft.com "Get Account Information"). Authorized as listing containers (the
/// emulator's choice of data action: any Blob data role has it).
pub(crate) fn account_info(call: &Call<'_>, account: &StorageAccount) -> Result<Reply, BlobError> {
    let access = authorize(call, account, BlobOperation::ListContainers, None)?;
    let hns = account
        .other_properties
        .get("isHnsEnabled")
        .and_then(serde_json::Value::as_bool)
        .unwrap_or(false);
    Ok(Reply::empty(StatusCode::OK)
        .with_header("x-ms-sku-name", &account.sku_name)
        .with_header("x-ms-account-kind", &account.kind)
        .with_header("x-ms-is-hns-enabled", if hns { "true" } else { "false" })
        .by(access.principal()))
}
