//! The storage ACR keeps build contexts and run logs in: an account of the emulator's own Blob
//! service that belongs to no subscription a caller has, as Azure's belongs to the service
//! (the example `RegistriesGetBuildSourceUploadUrl.json` answers a URL on
//! `registrystorageaccount.blob.core.windows.net`, not on an account of the caller).
//!
//! Emulator choices, where Azure documents nothing: one account for the whole emulator, made on
//! first use under the subscription id [`INTERNAL_SUBSCRIPTION`] (which no caller can have, so
//! no ARM list shows it), and one container per registry, dropped with the registry. Blobs:
//! `source/<yyyyMMddHHmm>/<guid>.tar.gz` for contexts (the shape of the example's
//! `relativePath`) and `logs/<run id>/rawtext.log` for logs (the example `RunsGetLogSasUrl.json`).
//! Clients reach them only through service SAS URLs signed with the account's key: write and
//! create for an upload, read for a log, https only, for a short time.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use hyper::StatusCode;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::arm::error::ArmError;
use crate::blob::auth::sas_params::SasParams;
use crate::blob::auth::{sas_string, signature};
use crate::model::World;
use crate::model::acr::run::InternalBlob;
use crate::model::storage::{self, AccountKey, BlobContainer, PublicAccess, StorageAccount};
use crate::model::store::Stored;
use crate::random;
use crate::shared::Shared;

/// The subscription id the internal account is filed under (not a GUID: no caller's).
pub(super) const INTERNAL_SUBSCRIPTION: &str = "acr-tasks-internal";

/// Its resource group.
const INTERNAL_GROUP: &str = "acr-tasks";

/// The container metadata naming the registry (lowercase id) a container holds the blobs of.
const REGISTRY_KEY: &str = "registryid";

/// The Storage version the SAS are signed for.
const SAS_VERSION: &str = "2021-08-06";

/// How long an upload URL works (emulator choice: long enough for a large context).
pub(super) const UPLOAD_SAS_LIFETIME: Duration = Duration::from_secs(3600);

/// How long a log URL works (emulator choice: long enough to follow a run to its timeout).
pub(super) const LOG_SAS_LIFETIME: Duration = Duration::from_secs(8 * 3600 + 600);

/// The internal account's name, creating the account on first use.
fn account(shared: &Shared, world: &mut World) -> Result<String, ArmError> {
    let now = shared.clock.instant();
    let existing = storage::accounts(world).and_then(|store| {
        store
            .values()
            .find(|account| account.subscription_id == INTERNAL_SUBSCRIPTION && !account.is_gone(now))
            .map(|account| account.name.clone())
    });
    if let Some(name) = existing {
        return Ok(name);
    }
    let wall = shared.clock.now();
    let name: String = format!("acrtasks{}", random::uuid().replace('-', ""))
        .chars()
        .take(24)
        .collect();
    let key = |key_name: &str| AccountKey::generate(key_name, wall).map_err(|error| internal(&error.to_string()));
    let account = StorageAccount {
        subscription_id: INTERNAL_SUBSCRIPTION.to_owned(),
        resource_group: INTERNAL_GROUP.to_owned(),
        blob_endpoint: format!("{}/{name}/", shared.endpoints.blob.trim_end_matches('/')),
        name: name.clone(),
        location: shared.settings.location.clone(),
        kind: "StorageV2".to_owned(),
        sku_name: "Standard_LRS".to_owned(),
        tags: BTreeMap::new(),
        keys: [key("key1")?, key("key2")?],
        allow_shared_key_access: None,
        allow_blob_public_access: false,
        minimum_tls_version: "TLS1_2".to_owned(),
        public_network_access: "Enabled".to_owned(),
        created: wall,
        ready_at: now,
        operation_id: random::uuid(),
        access_tier: Some("Hot".to_owned()),
        encryption: crate::arm::storage_accounts::default_encryption(wall),
        extended_location: None,
        other_properties: serde_json::Map::default(),
    };
    storage::accounts_mut(world).insert(account);
    Ok(name)
}

/// The container of the registry `registry_id` (named after it): `<registry>-<8 hex>`.
fn container_name(registry_id: &str) -> String {
    let registry = registry_id.rsplit('/').next().unwrap_or_default().to_ascii_lowercase();
    let hash = registry_id
        .to_ascii_lowercase()
        .bytes()
        .fold(0x811c_9dc5_u32, |hash, byte| {
            (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193)
        });
    format!("{registry}-{hash:08x}")
}

/// The account and container of the registry `registry_id`, made on first use.
pub(super) fn registry_container(
    shared: &Shared,
    world: &mut World,
    registry_id: &str,
) -> Result<(String, String), ArmError> {
    let account_name = account(shared, world)?;
    let container = container_name(registry_id);
    let now = shared.clock.instant();
    if storage::container(world, &account_name, &container, now).is_none() {
        let account = storage::account_by_name(world, &account_name, now)
            .ok_or_else(|| internal("the internal ACR account is gone"))?
            .clone();
        let mut made = BlobContainer::new(&account, &container, PublicAccess::None, shared.clock.now());
        made.metadata
            .insert(REGISTRY_KEY.to_owned(), registry_id.to_ascii_lowercase());
        storage::insert_container(world, made);
    }
    Ok((account_name, container))
}

/// Removes the containers of the registries whose id starts with `prefix` (a registry's id and
/// `/`, or a resource group's scope) from the World; the containers removed.
pub(super) fn forget_containers_under(world: &mut World, prefix: &str) -> Vec<BlobContainer> {
    let Some(account) = storage::accounts(world).and_then(|store| {
        store
            .values()
            .find(|account| account.subscription_id == INTERNAL_SUBSCRIPTION)
            .map(|account| account.name.clone())
    }) else {
        return Vec::new();
    };
    let prefix = prefix.to_ascii_lowercase();
    let names: Vec<String> = storage::containers(world, &account, Instant::now())
        .into_iter()
        .filter(|container| {
            container
                .metadata
                .get(REGISTRY_KEY)
                .is_some_and(|registry| format!("{registry}/").starts_with(&prefix))
        })
        .map(|container| container.name.clone())
        .collect();
    names
        .iter()
        .filter_map(|name| storage::remove_container(world, &account, name))
        .collect()
}

/// Drops the container of the registry `registry_id` and every blob in it (contexts, logs).
pub(super) fn drop_registry_container(shared: &Shared, world: &mut World, registry_id: &str) {
    for container in forget_containers_under(world, &format!("{registry_id}/")) {
        shared.blob.drop_container(&container.data_id);
    }
}

/// `relativePath` of a new build context uploaded at `at`: `source/<yyyyMMddHHmm>/<guid>.tar.gz`.
pub(super) fn new_source_path(at: OffsetDateTime) -> String {
    let stamp = at
        .format(format_description!("[year][month][day][hour][minute]"))
        .unwrap_or_default();
    format!("source/{stamp}/{}.tar.gz", random::uuid())
}

/// A service SAS URL (`sr=b`, https only) with permissions `sp` on `blob`, valid from 5 minutes
/// before now (clock skew) for `lifetime`. The URL is path-style on the emulator's Blob endpoint,
/// as the emulator's accounts' `primaryEndpoints.blob` are.
pub(super) fn sas_url(
    shared: &Shared,
    world: &World,
    blob: &InternalBlob,
    sp: &str,
    lifetime: Duration,
) -> Result<String, ArmError> {
    let now = shared.clock.now();
    let account = storage::account_by_name(world, &blob.account, shared.clock.instant())
        .ok_or_else(|| internal("the internal ACR account is gone"))?;
    let stamp = |at: OffsetDateTime| {
        at.format(format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z"))
            .unwrap_or_default()
    };
    let (st, se) = (stamp(now - Duration::from_secs(300)), stamp(now + lifetime));
    let params = SasParams {
        sv: Some(SAS_VERSION),
        sp: Some(sp),
        st: Some(&st),
        se: Some(&se),
        sr: Some("b"),
        spr: Some("https"),
        ..SasParams::default()
    };
    let canonical = sas_string::canonical_resource(&blob.account, &blob.container, Some(&blob.blob));
    let keys = account.key_bytes();
    let sig = signature::sign(&keys[0], &sas_string::service(&params, SAS_VERSION, &canonical));
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("sv", SAS_VERSION)
        .append_pair("st", &st)
        .append_pair("se", &se)
        .append_pair("sr", "b")
        .append_pair("sp", sp)
        .append_pair("spr", "https")
        .append_pair("sig", &sig)
        .finish();
    let path: String = blob
        .blob
        .split('/')
        .map(|segment| percent_encoding::utf8_percent_encode(segment, percent_encoding::NON_ALPHANUMERIC).to_string())
        .collect::<Vec<_>>()
        .join("/");
    Ok(format!("{}{}/{path}?{query}", account.blob_endpoint, blob.container))
}

/// 500 `InternalServerError` for what a client cannot fix.
fn internal(detail: &str) -> ArmError {
    ArmError::new(
        StatusCode::INTERNAL_SERVER_ERROR,
        "InternalServerError",
        detail.to_owned(),
    )
}

#[cfg(test)]
mod tests {
    use time::macros::datetime;

    use super::{container_name, new_source_path};

    #[test]
    fn contexts_and_containers_have_their_shapes() {
        let path = new_source_path(datetime!(2018-02-13 00:00 UTC));
        assert!(path.starts_with("source/201802130000/"), "{path}");
        assert!(path.ends_with(".tar.gz"));
        let name =
            container_name("/subscriptions/s/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/MyReg");
        assert!(name.starts_with("myreg-"), "{name}");
        assert!(crate::model::storage::container_name_error(&name).is_none());
    }
}
