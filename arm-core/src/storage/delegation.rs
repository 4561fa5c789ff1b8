//! User-delegation SAS: read-only, https-only, one blob, short; signed with a key the service
//! gives to an Entra ID principal (learn.microsoft.com "Create a user delegation SAS" and
//! "Get User Delegation Key"), by the official `azure_storage_sas` crate.
//!
//! Get User Delegation Key is a POST without side effect (it computes a key from the account's
//! keys and the caller's identity, stores nothing): it is marked [`Idempotent`] so that a 5xx or
//! a dropped connection is retried like a GET.

use crate::retry::Idempotent;
use crate::storage::client::StorageClient;
use crate::storage::error::Error;
use crate::storage::location::{BlobAuth, BlobLocation};
use crate::storage::sas::SasUrl;
use azure_core::http::{ClientMethodOptions, Context};
use azure_storage_blob::models::{BlobServiceClientGetUserDelegationKeyOptions, KeyInfo};
use azure_storage_common::models::UserDelegationKey;
use azure_storage_sas::{SasBuilder, SasProtocol};
use std::time::Duration;
use time::OffsetDateTime;

/// The longest a user delegation key (and so a user-delegation SAS) may last: 7 days from now.
pub const MAX_USER_DELEGATION: Duration = Duration::from_secs(7 * 24 * 3600);

/// How far back the key's start is set, so that a server clock slightly behind ours accepts it.
const CLOCK_SKEW: Duration = Duration::from_secs(60);

impl StorageClient {
    /// A SAS URL for `blob` that allows reading that blob only (`sp=r`, `sr=b`), over https only
    /// (`spr=https`), until `expires_in` from now (at most [`MAX_USER_DELEGATION`]).
    ///
    /// `blob` must be reached with a credential: Get User Delegation Key takes only a bearer
    /// token, whose principal needs `Microsoft.Storage/storageAccounts/blobServices/generateUserDelegationKey/action`
    /// (in Storage Blob Delegator and every Storage Blob Data role). The SAS grants at most
    /// what that principal may do.
    pub async fn user_delegation_sas(&self, blob: &BlobLocation, expires_in: Duration) -> Result<SasUrl, Error> {
        if !matches!(blob.auth(), BlobAuth::Credential(_)) {
            return Err(Error::invalid_input(
                "blob",
                format!("{blob}: a user delegation SAS needs a credential, not a SAS"),
            ));
        }
        if expires_in.is_zero() || expires_in > MAX_USER_DELEGATION {
            return Err(Error::invalid_input(
                "expires_in",
                format!(
                    "{expires_in:?} is not within Azure's limit for a user delegation SAS (more than 0, at most 7 days)"
                ),
            ));
        }
        let now = OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .unwrap_or_else(|_| OffsetDateTime::now_utc());
        let expiry = now + expires_in;
        let service = self.service_client(blob)?;
        let key_info = KeyInfo {
            start: Some(now - CLOCK_SKEW),
            expiry: Some(expiry),
            ..Default::default()
        };
        let url = service.url().clone();
        let failed = |e| Error::from_azure("Get User Delegation Key", &url, e);
        let body = key_info.try_into().map_err(failed)?;
        let options = BlobServiceClientGetUserDelegationKeyOptions {
            method_options: ClientMethodOptions {
                context: Context::new().with_value(Idempotent(true)),
            },
            ..Default::default()
        };
        let key = service
            .get_user_delegation_key(body, Some(options))
            .await
            .map_err(failed)?
            .into_model()
            .map_err(failed)?;
        let query = sign(blob.account(), blob.container(), blob.name(), &key, expiry).map_err(failed)?;
        let mut signed = blob.url().clone();
        signed.set_query(Some(&query));
        SasUrl::parse(signed.as_str())
    }
}

/// The query of a read-only (`sp=r`), https-only (`spr=https`) SAS for blob `name` of
/// `container` in `account` (`sr=b`), expiring at `expiry`, signed with `key`.
fn sign(
    account: &str,
    container: &str,
    name: &str,
    key: &UserDelegationKey,
    expiry: OffsetDateTime,
) -> azure_core::Result<String> {
    Ok(SasBuilder::new(account, key, expiry)?
        .protocol(SasProtocol::Https)
        .blob(container, name)
        .read()
        .build())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    /// The signature the official Python client computes for the same inputs:
    /// azure-storage-blob 12.31.1, `generate_blob_sas("acct", "c", "dir/b.bin",
    /// user_delegation_key=key, permission=BlobSasPermissions(read=True),
    /// expiry=datetime(2025, 1, 15, 12, tzinfo=timezone.utc), protocol="https")` with the key
    /// below and its `X_MS_VERSION` set to 2026-04-06 (the version azure_storage_sas signs).
    const PYTHON_SIGNATURE: &str = "M0Y2bO5HI%2BV7WdXI3X3vyY5AzNgcLwREUjO0w2rOeDA%3D";

    #[test]
    fn the_signature_is_the_one_of_the_python_client() {
        let key = UserDelegationKey {
            signed_oid: Some("11111111-1111-1111-1111-111111111111".into()),
            signed_tid: Some("22222222-2222-2222-2222-222222222222".into()),
            signed_start: Some(datetime!(2025-01-15 00:00:00 UTC)),
            signed_expiry: Some(datetime!(2025-01-16 00:00:00 UTC)),
            signed_service: Some("b".into()),
            signed_version: Some("2026-04-06".into()),
            value: Some(b"key-for-tests-only".to_vec()),
            ..Default::default()
        };
        let query = sign("acct", "c", "dir/b.bin", &key, datetime!(2025-01-15 12:00:00 UTC)).unwrap();
        let fields: std::collections::HashMap<&str, &str> =
            query.split('&').filter_map(|pair| pair.split_once('=')).collect();
        assert_eq!(fields["sig"], PYTHON_SIGNATURE, "{query}");
        assert_eq!(
            (fields["sp"], fields["sr"], fields["spr"], fields["sv"]),
            ("r", "b", "https", "2026-04-06")
        );
        assert_eq!(fields["skoid"], "11111111-1111-1111-1111-111111111111");
        assert!(!fields.contains_key("st"), "no start: the key bounds the validity");
    }
}
