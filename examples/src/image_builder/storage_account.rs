//! `--storage-account`: an account's resource id as given, or its name looked up in the
//! subscription (learn.microsoft.com "Storage Accounts - List": `GET
//! /subscriptions/{s}/providers/Microsoft.Storage/storageAccounts`), so that the task's input (a
//! name) works without its resource group. Reads only.

use arm_core::azure_core::http::Method;
use arm_core::storage::DEFAULT_STORAGE_API_VERSION;
use arm_core::{ArmClient, ResourceId};
use futures::TryStreamExt;
use serde::Deserialize;

const ACCOUNT_TYPE: &str = "Microsoft.Storage/storageAccounts";
const FLAG: &str = "--storage-account";

/// What `--storage-account` names, checked without a request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum AccountRef {
    /// A resource id.
    Id(ResourceId),
    /// A name, to be looked up.
    Name(String),
}

impl AccountRef {
    /// Parses `input`: a resource id of a storage account, or a name of 3 to 24 lowercase
    /// letters and digits.
    pub fn parse(input: &str) -> Result<AccountRef, String> {
        let input = input.trim();
        if input.starts_with('/') {
            let id = ResourceId::parse(input).map_err(|e| format!("{FLAG}: {e}"))?;
            if !id.is_type(ACCOUNT_TYPE) {
                return Err(format!("{FLAG}: '{input}' is not a {ACCOUNT_TYPE} resource id"));
            }
            return Ok(AccountRef::Id(id));
        }
        let valid =
            (3..=24).contains(&input.len()) && input.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
        if !valid {
            return Err(format!(
                "{FLAG}: '{input}' is neither a storage account name (3 to 24 lowercase letters and digits) nor a resource id"
            ));
        }
        Ok(AccountRef::Name(input.to_owned()))
    }

    /// The account's resource id: as given, or the one account of that name in `subscription`.
    /// An account that does not exist is an error naming the flag.
    pub async fn resolve(&self, arm: &ArmClient, subscription: &str) -> Result<ResourceId, Lookup> {
        let name = match self {
            AccountRef::Id(id) => return Ok(id.clone()),
            AccountRef::Name(name) => name,
        };
        let path = format!("/subscriptions/{subscription}/providers/{ACCOUNT_TYPE}");
        let request = arm
            .request(Method::Get, &path, DEFAULT_STORAGE_API_VERSION)
            .map_err(|e| Lookup::Failed(e.to_string()))?;
        let accounts: Vec<Listed> = arm
            .pager(request)
            .try_collect()
            .await
            .map_err(|e| Lookup::Failed(format!("{FLAG}: cannot list the storage accounts: {e}")))?;
        accounts
            .into_iter()
            .find(|a| a.name.eq_ignore_ascii_case(name))
            .and_then(|a| ResourceId::parse(&a.id).ok())
            .ok_or_else(|| {
                Lookup::Missing(format!(
                    "{FLAG}: no storage account '{name}' in subscription {subscription} (or no permission to read it)"
                ))
            })
    }
}

/// Why a lookup gave no account.
#[derive(Debug)]
pub(super) enum Lookup {
    /// No such account: bad input.
    Missing(String),
    /// ARM could not be read.
    Failed(String),
}

#[derive(Deserialize)]
struct Listed {
    id: String,
    name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids_are_told_apart() {
        assert_eq!(
            AccountRef::parse("pkgstore1"),
            Ok(AccountRef::Name("pkgstore1".to_owned()))
        );
        let id = "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/pkg";
        assert!(matches!(AccountRef::parse(id), Ok(AccountRef::Id(_))));
        for bad in ["Pkg_Store", "ab", "/subscriptions/s/resourceGroups/rg"] {
            let error = AccountRef::parse(bad).unwrap_err();
            assert!(error.starts_with("--storage-account: "), "{error}");
        }
    }
}
