//! Storage accounts and their Blob containers: the state the `Microsoft.Storage` ARM providers
//! write and the Blob data plane reads (an account's keys and switches, a container's access
//! level, metadata and the id its blobs are kept under).

use std::collections::{BTreeMap, HashSet};
use std::time::Instant;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::clock::rfc3339;
use crate::error::Error;
use crate::model::store::{Store, Stored};
use crate::model::{World, ids};
use crate::random;

/// The account resource type.
pub(crate) const ACCOUNT_TYPE: &str = "Microsoft.Storage/storageAccounts";

/// The container resource type (as ARM spells it in a container's JSON).
pub(crate) const CONTAINER_TYPE: &str = "Microsoft.Storage/storageAccounts/blobServices/containers";

/// Where an account's keys and switches live; a [`Stored`] resource of type
/// `Microsoft.Storage/storageAccounts`.
#[derive(Clone, Debug)]
pub(crate) struct StorageAccount {
    pub subscription_id: String,
    pub resource_group: String,
    /// 3-24 lowercase letters and digits, globally unique (case-insensitive).
    pub name: String,
    pub location: String,
    /// `StorageV2` (default), `BlobStorage`, `BlockBlobStorage`, `Storage`, `FileStorage`.
    pub kind: String,
    /// `Standard_LRS`, ...
    pub sku_name: String,
    pub tags: BTreeMap<String, String>,
    pub keys: [AccountKey; 2],
    /// `None` = not set = allowed (Azure).
    pub allow_shared_key_access: Option<bool>,
    pub allow_blob_public_access: bool,
    pub minimum_tls_version: String,
    pub public_network_access: String,
    pub created: OffsetDateTime,
    /// When the creation LRO completes (provisioningState `Creating`/`ResolvingDNS` before,
    /// `Succeeded` after).
    pub ready_at: Instant,
    /// The id of the creation's long-running operation (its `Location` polls it).
    pub operation_id: String,
    /// `primaryEndpoints.blob`: the emulator's Blob endpoint for this account, path style
    /// (`https://127.0.0.1:PORT/{account}/`).
    pub blob_endpoint: String,
    /// `Hot` or `Cool` (`None` for the kinds that have no access tier).
    pub access_tier: Option<String>,
    /// `properties.encryption` as the account reports it.
    pub encryption: Value,
    /// `extendedLocation`, echoed as given.
    pub extended_location: Option<Value>,
    /// The other `properties` of the request (`isHnsEnabled`, `keyPolicy`, `sasPolicy`, ...),
    /// which the emulator keeps and echoes without modelling them.
    pub other_properties: Map<String, Value>,
}

/// One of an account's two access keys.
#[derive(Clone)]
pub(crate) struct AccountKey {
    /// `key1` or `key2`.
    pub name: String,
    /// Base64 of 64 random bytes.
    pub value: String,
    pub created: OffsetDateTime,
}

impl AccountKey {
    /// A new key named `name` (`key1` or `key2`), from 64 bytes of the operating system's random.
    pub fn generate(name: &str, created: OffsetDateTime) -> Result<AccountKey, Error> {
        Ok(AccountKey {
            name: name.to_owned(),
            value: STANDARD.encode(random::key_bytes(64)?),
            created,
        })
    }
}

impl std::fmt::Debug for AccountKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AccountKey")
            .field("name", &self.name)
            .field("value", &crate::redact::REDACTED)
            .field("created", &self.created)
            .finish()
    }
}

impl StorageAccount {
    /// Whether Shared Key (and account-key SAS) is accepted: unless `allowSharedKeyAccess` is
    /// explicitly false.
    pub fn shared_key_allowed(&self) -> bool {
        self.allow_shared_key_access != Some(false)
    }

    /// The decoded keys, `key1` first.
    pub fn key_bytes(&self) -> [Vec<u8>; 2] {
        self.keys
            .each_ref()
            .map(|key| STANDARD.decode(&key.value).unwrap_or_default())
    }

    /// Its ARM id.
    pub fn id(&self) -> String {
        ids::resource(&self.subscription_id, &self.resource_group, ACCOUNT_TYPE, &self.name)
    }

    /// `Creating` until the creation completes, `Succeeded` after.
    pub fn provisioning_state(&self, now: Instant) -> &'static str {
        if now < self.ready_at { "Creating" } else { "Succeeded" }
    }
}

impl Stored for StorageAccount {
    fn id(&self) -> String {
        StorageAccount::id(self)
    }

    /// The `StorageAccount` JSON of the 2026-09-01 spec (learn.microsoft.com "Storage Accounts -
    /// Get Properties").
    fn to_json(&self, now: Instant) -> Value {
        let mut properties = self.other_properties.clone();
        let key_time = |i: usize| rfc3339(self.keys[i].created);
        let computed = json!({
            "provisioningState": self.provisioning_state(now),
            "creationTime": rfc3339(self.created),
            "primaryEndpoints": { "blob": self.blob_endpoint },
            "primaryLocation": self.location,
            "statusOfPrimary": "available",
            "allowBlobPublicAccess": self.allow_blob_public_access,
            "minimumTlsVersion": self.minimum_tls_version,
            "publicNetworkAccess": self.public_network_access,
            "encryption": self.encryption,
            "keyCreationTime": { "key1": key_time(0), "key2": key_time(1) },
        });
        if let Value::Object(computed) = computed {
            properties.extend(computed);
        }
        properties.entry("supportsHttpsTrafficOnly").or_insert(true.into());
        if let Some(allowed) = self.allow_shared_key_access {
            properties.insert("allowSharedKeyAccess".into(), allowed.into());
        }
        if let Some(tier) = &self.access_tier {
            properties.insert("accessTier".into(), tier.as_str().into());
        }
        let tier = if self.sku_name.starts_with("Premium") {
            "Premium"
        } else {
            "Standard"
        };
        let mut body = json!({
            "id": self.id(),
            "name": self.name,
            "type": ACCOUNT_TYPE,
            "location": self.location,
            "kind": self.kind,
            "sku": { "name": self.sku_name, "tier": tier },
            "tags": self.tags,
            "properties": properties,
        });
        if let Some(extended) = &self.extended_location {
            body["extendedLocation"] = extended.clone();
        }
        body
    }
}

/// A container's anonymous read access level (`publicAccess` in ARM, `x-ms-blob-public-access`
/// on the data plane).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum PublicAccess {
    /// No anonymous access.
    None,
    /// Anonymous read of blobs.
    Blob,
    /// Anonymous read of blobs and listing of the container.
    Container,
}

impl PublicAccess {
    /// Its ARM spelling: `None`, `Blob` or `Container`.
    pub fn as_str(self) -> &'static str {
        match self {
            PublicAccess::None => "None",
            PublicAccess::Blob => "Blob",
            PublicAccess::Container => "Container",
        }
    }

    /// The level named `name` (any case), as ARM spells it.
    pub fn parse(name: &str) -> Option<PublicAccess> {
        [PublicAccess::None, PublicAccess::Blob, PublicAccess::Container]
            .into_iter()
            .find(|level| level.as_str().eq_ignore_ascii_case(name))
    }
}

/// A Blob container; a [`Stored`] resource with id
/// `{accountId}/blobServices/default/containers/{name}`.
#[derive(Clone, Debug)]
pub(crate) struct BlobContainer {
    /// The ARM id of the account.
    pub account_id: String,
    /// 3-63 lowercase letters, digits and hyphens, or `$root`, `$logs`, `$web`.
    pub name: String,
    /// A fresh uuid per creation: the data plane keys blob files by it, so that a deleted then
    /// re-created container is empty.
    pub data_id: String,
    pub public_access: PublicAccess,
    pub metadata: BTreeMap<String, String>,
    /// Quoted, e.g. `"0x8DC2A5B4E1F3C00"`.
    pub etag: String,
    pub last_modified: OffsetDateTime,
}

impl BlobContainer {
    /// A new container of `account` (the data id is fresh, the ETag is that of `at`).
    pub fn new(account: &StorageAccount, name: &str, public_access: PublicAccess, at: OffsetDateTime) -> Self {
        BlobContainer {
            account_id: account.id(),
            name: name.to_owned(),
            data_id: random::uuid(),
            public_access,
            metadata: BTreeMap::new(),
            etag: etag(at),
            last_modified: at,
        }
    }

    /// Marks a change at `at`: a new ETag and last-modified time.
    pub fn touch(&mut self, at: OffsetDateTime) {
        self.etag = etag(at);
        self.last_modified = at;
    }
}

impl Stored for BlobContainer {
    fn id(&self) -> String {
        container_id(&self.account_id, &self.name)
    }

    /// The `BlobContainer` JSON (learn.microsoft.com "Blob Containers - Get").
    fn to_json(&self, _now: Instant) -> Value {
        json!({
            "id": self.id(),
            "name": self.name,
            "type": CONTAINER_TYPE,
            "etag": self.etag,
            "properties": {
                "publicAccess": self.public_access.as_str(),
                "metadata": self.metadata,
                "lastModifiedTime": rfc3339(self.last_modified),
                "leaseStatus": "Unlocked",
                "leaseState": "Available",
                "hasImmutabilityPolicy": false,
                "hasLegalHold": false,
                "deleted": false,
                "remainingRetentionDays": 0,
                "defaultEncryptionScope": "$account-encryption-key",
                "denyEncryptionScopeOverride": false,
            },
        })
    }
}

/// The ARM id of container `name` of the account with id `account_id`.
pub(crate) fn container_id(account_id: &str, name: &str) -> String {
    format!("{account_id}/blobServices/default/containers/{name}")
}

/// An ETag as the Storage service writes it: the quoted hexadecimal .NET ticks (100 ns since
/// 0001-01-01) of `at`, e.g. `"0x8DC2A5B4E1F3C00"`.
pub(crate) fn etag(at: OffsetDateTime) -> String {
    const TICKS_AT_UNIX_EPOCH: i128 = 621_355_968_000_000_000;
    let ticks = at.unix_timestamp_nanos() / 100 + TICKS_AT_UNIX_EPOCH;
    format!("\"0x{ticks:X}\"")
}

/// The accounts of `world`, if any was ever stored.
pub(crate) fn accounts(world: &World) -> Option<&Store<StorageAccount>> {
    world.resources.get()
}

/// The accounts of `world`, mutably.
pub(crate) fn accounts_mut(world: &mut World) -> &mut Store<StorageAccount> {
    world.resources.get_mut()
}

/// The containers of `world`, if any was ever stored.
fn container_store(world: &World) -> Option<&Store<BlobContainer>> {
    world.resources.get()
}

/// The account named `name` (any case; names are unique across subscriptions).
pub(crate) fn account_by_name<'w>(world: &'w World, name: &str, now: Instant) -> Option<&'w StorageAccount> {
    accounts(world)?
        .under("/", now)
        .find(|account| account.name.eq_ignore_ascii_case(name))
}

/// Container `name` of the account named `account`.
pub(crate) fn container<'w>(world: &'w World, account: &str, name: &str, now: Instant) -> Option<&'w BlobContainer> {
    let account = account_by_name(world, account, now)?;
    container_store(world)?.get(&container_id(&account.id(), name), now)
}

/// The containers of the account named `account`, ordered by name.
pub(crate) fn containers<'w>(world: &'w World, account: &str, now: Instant) -> Vec<&'w BlobContainer> {
    let (Some(account), Some(store)) = (account_by_name(world, account, now), container_store(world)) else {
        return Vec::new();
    };
    store.under(&container_id(&account.id(), ""), now).collect()
}

/// The data ids of every container of `world` (those whose blob files must be kept).
pub(crate) fn container_data_ids(world: &World) -> HashSet<String> {
    container_store(world)
        .map(|store| store.values().map(|container| container.data_id.clone()).collect())
        .unwrap_or_default()
}

/// Adds a container, or replaces the one with the same id.
pub(crate) fn insert_container(world: &mut World, container: BlobContainer) {
    world.resources.get_mut::<BlobContainer>().insert(container);
}

/// Removes container `name` of the account named `account`.
pub(crate) fn remove_container(world: &mut World, account: &str, name: &str) -> Option<BlobContainer> {
    let account_id = accounts(world)?
        .values()
        .find(|stored| stored.name.eq_ignore_ascii_case(account))?
        .id();
    world
        .resources
        .get_mut::<BlobContainer>()
        .remove(&container_id(&account_id, name))
}

/// Removes the accounts whose id starts with `prefix` (a resource group's scope, ending in
/// `/`) and all their containers.
pub(crate) fn remove_accounts_under(world: &mut World, prefix: &str) {
    let removed = accounts_mut(world).remove_under(prefix);
    forget_containers(world, &removed);
}

/// Removes the account with id `id` and all its containers; returns it.
pub(crate) fn remove_account(world: &mut World, id: &str) -> Option<StorageAccount> {
    let removed = accounts_mut(world).remove(id)?;
    forget_containers(world, std::slice::from_ref(&removed));
    Some(removed)
}

/// Removes the containers of `removed` accounts.
fn forget_containers(world: &mut World, removed: &[StorageAccount]) {
    let containers = world.resources.get_mut::<BlobContainer>();
    for account in removed {
        containers.remove_under(&container_id(&account.id(), ""));
    }
}

/// Why `name` is not a valid container name, or `None` if it is. The rule (the same for ARM and
/// the data plane; learn.microsoft.com "Naming and Referencing Containers, Blobs, and Metadata"):
/// 3 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit,
/// with no two hyphens in a row; `$root`, `$logs` and `$web` are the special containers.
pub(crate) fn container_name_error(name: &str) -> Option<String> {
    if ["$root", "$logs", "$web"].contains(&name) {
        return None;
    }
    let valid = (3..=63).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--");
    (!valid).then(|| {
        format!(
            "Container name '{name}' is invalid. Container names must be 3 to 63 characters long, contain only \
             lowercase letters, numbers and hyphens, begin and end with a letter or number, and have no two \
             hyphens in a row."
        )
    })
}

/// Why `name` is not a valid storage account name, or `None` if it is: 3 to 24 lowercase
/// letters and digits (ARM's `AccountNameInvalid` message).
pub(crate) fn account_name_error(name: &str) -> Option<String> {
    let valid = (3..=24).contains(&name.len()) && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit());
    (!valid).then(|| {
        format!(
            "{name} is not a valid storage account name. Storage account name must be between 3 and 24 \
             characters in length and use numbers and lower-case letters only."
        )
    })
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::{AccountKey, PublicAccess, account_name_error, container_name_error, etag};

    #[test]
    fn container_names_follow_the_documented_rule() {
        for good in [
            "abc",
            "a-b-c",
            "container9689",
            "$root",
            "$logs",
            "$web",
            &"a".repeat(63),
        ] {
            assert_eq!(container_name_error(good), None, "{good}");
        }
        for bad in ["ab", "-abc", "abc-", "a--b", "Abc", "a_b", "$other", &"a".repeat(64)] {
            assert!(container_name_error(bad).is_some(), "{bad}");
        }
    }

    #[test]
    fn account_names_are_3_to_24_lowercase_letters_and_digits() {
        for good in ["sto", "sto4445", &"a1".repeat(12)] {
            assert_eq!(account_name_error(good), None, "{good}");
        }
        for bad in ["st", "Sto4445", "sto-1", &"a".repeat(25)] {
            let message = account_name_error(bad).expect("invalid");
            assert!(
                message.starts_with(&format!("{bad} is not a valid storage account name")),
                "{message}"
            );
        }
    }

    #[test]
    fn etags_are_quoted_dotnet_ticks() {
        // 2019-12-11T20:49:31.7036140Z is 637116941717036140 ticks.
        assert_eq!(etag(datetime!(2019-12-11 20:49:31.703614 UTC)), "\"0x8D77E7B9F6D5C6C\"");
    }

    #[test]
    fn keys_are_88_base64_characters_and_debug_hides_them() {
        let key = AccountKey::generate("key1", datetime!(2026-01-01 0:00 UTC)).expect("random");
        assert_eq!(key.value.len(), 88);
        assert!(!format!("{key:?}").contains(&key.value));
    }

    #[test]
    fn public_access_levels_parse_in_any_case() {
        assert_eq!(PublicAccess::parse("container"), Some(PublicAccess::Container));
        assert_eq!(PublicAccess::parse("Blob"), Some(PublicAccess::Blob));
        assert_eq!(PublicAccess::parse("private"), None);
    }
}
