//! `--storage-account`: an account's resource id as given, or its name looked up in the
//! subscription as the Azure CLI resolves names ([`BlobEndpoint::find`]), so that the task's
//! input (a name) works without its resource group; then its Blob endpoint from ARM. Reads only.

use arm_core::storage::BlobEndpoint;
use arm_core::{ArmClient, ResourceId};

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

    /// The account's resource id and Blob endpoint: the id as given, or the one account of
    /// that name in `subscription`. An account that does not exist, is not ready or has no Blob
    /// endpoint is [`Lookup::Missing`], naming the flag.
    pub async fn resolve(&self, arm: &ArmClient, subscription: &str) -> Result<(ResourceId, BlobEndpoint), Lookup> {
        let found = match self {
            AccountRef::Id(id) => BlobEndpoint::resolve(
                arm,
                id.subscription_id(),
                id.resource_group().unwrap_or_default(),
                id.name(),
                None,
            )
            .await
            .map(|endpoint| Some((id.clone(), endpoint))),
            AccountRef::Name(name) => BlobEndpoint::find(arm, subscription, name, None).await,
        };
        match found {
            Ok(Some(found)) => Ok(found),
            Ok(None) => Err(Lookup::Missing(format!(
                "{FLAG}: no storage account '{}' in subscription {subscription} (or no permission to read it)",
                self.name()
            ))),
            Err(error) => Err(match (&error, error.status().map(u16::from)) {
                (_, Some(404)) => Lookup::Missing(format!("{FLAG}: {self} does not exist")),
                (arm_core::storage::Error::InvalidInput { message, .. }, _) => {
                    Lookup::Missing(format!("{FLAG}: {message}"))
                }
                _ => Lookup::Failed(format!("{FLAG}: cannot read it: {error}")),
            }),
        }
    }

    /// The account's name.
    fn name(&self) -> &str {
        match self {
            AccountRef::Id(id) => id.name(),
            AccountRef::Name(name) => name,
        }
    }
}

impl std::fmt::Display for AccountRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AccountRef::Id(id) => write!(f, "{id}"),
            AccountRef::Name(name) => f.write_str(name),
        }
    }
}

/// Why a lookup gave no account.
#[derive(Debug)]
pub(super) enum Lookup {
    /// No such account, or one that cannot hold the package: bad input.
    Missing(String),
    /// ARM could not be read.
    Failed(String),
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
