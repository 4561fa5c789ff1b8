//! What a PUT or PATCH body asks of an account: SKU, kind, tags and the `properties` the
//! emulator models (the switches the Blob data plane enforces, the access tier, encryption);
//! the other `properties` are kept and echoed as given. learn.microsoft.com "Storage Accounts -
//! Create" (StorageAccountCreateParameters) and "Storage Accounts - Update".

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use crate::arm::body::{self, converting, join, string_at};
use crate::arm::error::ArmError;
use crate::clock::rfc3339;
use crate::model::storage::StorageAccount;

/// The SKU names of the spec's `SkuName` enum.
const SKUS: &[&str] = &[
    "Standard_LRS",
    "Standard_GRS",
    "Standard_RAGRS",
    "Standard_ZRS",
    "Premium_LRS",
    "Premium_ZRS",
    "Standard_GZRS",
    "Standard_RAGZRS",
    "StandardV2_LRS",
    "StandardV2_GRS",
    "StandardV2_ZRS",
    "StandardV2_GZRS",
    "PremiumV2_LRS",
    "PremiumV2_ZRS",
];

/// The account kinds of the spec's `Kind` enum.
const KINDS: &[&str] = &["Storage", "StorageV2", "BlobStorage", "FileStorage", "BlockBlobStorage"];

/// `minimumTlsVersion` values.
const TLS_VERSIONS: &[&str] = &["TLS1_0", "TLS1_1", "TLS1_2", "TLS1_3"];

/// `publicNetworkAccess` values.
const NETWORK_ACCESS: &[&str] = &["Enabled", "Disabled", "SecuredByPerimeter"];

/// `accessTier` values.
const ACCESS_TIERS: &[&str] = &["Hot", "Cool", "Premium", "Cold"];

/// The `properties` the emulator models (the others are echoed as given).
const MODELED: &[&str] = &[
    "allowSharedKeyAccess",
    "allowBlobPublicAccess",
    "minimumTlsVersion",
    "publicNetworkAccess",
    "accessTier",
    "encryption",
];

/// What a body asks for; `None` where it says nothing.
#[derive(Debug, Default)]
pub(super) struct Requested {
    pub sku_name: Option<String>,
    pub kind: Option<String>,
    pub tags: Option<BTreeMap<String, String>>,
    pub allow_shared_key_access: Option<bool>,
    pub allow_blob_public_access: Option<bool>,
    pub minimum_tls_version: Option<String>,
    pub public_network_access: Option<String>,
    pub access_tier: Option<String>,
    pub encryption: Option<Map<String, Value>>,
    pub extended_location: Option<Value>,
    /// The `properties` not modelled.
    pub others: Map<String, Value>,
}

impl Requested {
    /// Reads a PUT or PATCH body: 400 `InvalidValuesForRequestParameters` for an unknown SKU or
    /// kind (Azure's "Values for request parameters are invalid: sku."), `InvalidRequestContent`
    /// for a value of the wrong type or outside its enum.
    pub fn parse(body: &Map<String, Value>) -> Result<Requested, ArmError> {
        let sku_name = match body.get("sku") {
            None | Some(Value::Null) => None,
            Some(Value::Object(sku)) => string_at(sku, "name", "sku")?
                .map(|name| known(name, SKUS).ok_or_else(|| invalid_values("sku")))
                .transpose()?,
            Some(other) => return Err(converting(other, "Sku", "sku")),
        };
        let kind = string_at(body, "kind", "")?
            .map(|kind| known(kind, KINDS).ok_or_else(|| invalid_values("kind")))
            .transpose()?;
        let mut requested = Requested {
            sku_name,
            kind,
            tags: body::tags(body)?,
            extended_location: body.get("extendedLocation").filter(|v| !v.is_null()).cloned(),
            ..Requested::default()
        };
        let properties = match body.get("properties") {
            None | Some(Value::Null) => return Ok(requested),
            Some(Value::Object(properties)) => properties,
            Some(other) => {
                return Err(converting(
                    other,
                    "StorageAccountPropertiesCreateParameters",
                    "properties",
                ));
            }
        };
        requested.allow_shared_key_access = bool_at(properties, "allowSharedKeyAccess")?;
        requested.allow_blob_public_access = bool_at(properties, "allowBlobPublicAccess")?;
        requested.minimum_tls_version = enum_at(properties, "minimumTlsVersion", TLS_VERSIONS)?;
        requested.public_network_access = enum_at(properties, "publicNetworkAccess", NETWORK_ACCESS)?;
        requested.access_tier = enum_at(properties, "accessTier", ACCESS_TIERS)?;
        requested.encryption = match properties.get("encryption") {
            None | Some(Value::Null) => None,
            Some(Value::Object(encryption)) => Some(encryption.clone()),
            Some(other) => return Err(converting(other, "Encryption", "properties.encryption")),
        };
        requested.others = properties
            .iter()
            .filter(|(key, _)| !MODELED.contains(&key.as_str()))
            .map(|(key, value)| (key.clone(), value.clone()))
            .collect();
        Ok(requested)
    }

    /// Applies what was asked to `account` (an update, or a new account's defaults), at `at`.
    pub fn apply(self, account: &mut StorageAccount, at: OffsetDateTime) {
        if let Some(sku) = self.sku_name {
            account.sku_name = sku;
        }
        if let Some(kind) = self.kind {
            account.kind = kind;
        }
        if let Some(tags) = self.tags {
            account.tags = tags;
        }
        if self.allow_shared_key_access.is_some() {
            account.allow_shared_key_access = self.allow_shared_key_access;
        }
        if let Some(allowed) = self.allow_blob_public_access {
            account.allow_blob_public_access = allowed;
        }
        if let Some(version) = self.minimum_tls_version {
            account.minimum_tls_version = version;
        }
        if let Some(access) = self.public_network_access {
            account.public_network_access = access;
        }
        if self.access_tier.is_some() {
            account.access_tier = self.access_tier;
        }
        if let Some(encryption) = self.encryption {
            account.encryption = with_enabled_times(encryption, at);
        }
        if self.extended_location.is_some() {
            account.extended_location = self.extended_location;
        }
        account.other_properties.extend(self.others);
    }
}

/// The encryption of an account that asks for none: Microsoft-managed keys for blobs and files.
pub(crate) fn default_encryption(at: OffsetDateTime) -> Value {
    let requested = json!({
        "keySource": "Microsoft.Storage",
        "services": {
            "blob": { "enabled": true, "keyType": "Account" },
            "file": { "enabled": true, "keyType": "Account" },
        },
    });
    match requested {
        Value::Object(encryption) => with_enabled_times(encryption, at),
        other => other,
    }
}

/// The access tier a new account of `kind` has without asking: `Hot` for the kinds that have
/// tiers (StorageV2, BlobStorage), none for the others.
pub(super) fn default_access_tier(kind: &str) -> Option<String> {
    matches!(kind, "StorageV2" | "BlobStorage").then(|| "Hot".to_owned())
}

/// `encryption` with a `lastEnabledTime` of `at` on each enabled service that has none, as the
/// service reports it.
fn with_enabled_times(mut encryption: Map<String, Value>, at: OffsetDateTime) -> Value {
    if let Some(Value::Object(services)) = encryption.get_mut("services") {
        for service in services.values_mut().filter_map(Value::as_object_mut) {
            if service.get("enabled") == Some(&Value::Bool(true)) && !service.contains_key("lastEnabledTime") {
                service.insert("lastEnabledTime".into(), rfc3339(at).into());
            }
        }
    }
    Value::Object(encryption)
}

/// The entry of `names` equal to `name` ignoring case.
fn known(name: &str, names: &[&str]) -> Option<String> {
    names
        .iter()
        .find(|known| known.eq_ignore_ascii_case(name))
        .map(|known| (*known).to_owned())
}

/// Azure's 400 for a SKU or kind it does not know.
fn invalid_values(parameter: &str) -> ArmError {
    ArmError::bad_request(
        "InvalidValuesForRequestParameters",
        format!("Values for request parameters are invalid: {parameter}."),
    )
}

/// The boolean at `properties.{key}`, if present.
fn bool_at(properties: &Map<String, Value>, key: &str) -> Result<Option<bool>, ArmError> {
    match properties.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Bool(value)) => Ok(Some(*value)),
        Some(other) => Err(converting(other, "System.Boolean", &join("properties", key))),
    }
}

/// The value at `properties.{key}` among `values` (any case), if present.
fn enum_at(properties: &Map<String, Value>, key: &str, values: &[&str]) -> Result<Option<String>, ArmError> {
    string_at(properties, key, "properties")?
        .map(|value| known(value, values).ok_or_else(|| converting(&Value::from(value), key, &join("properties", key))))
        .transpose()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::Requested;

    fn parse(body: serde_json::Value) -> Result<Requested, crate::arm::error::ArmError> {
        Requested::parse(body.as_object().unwrap())
    }

    #[test]
    fn skus_kinds_and_switches_are_read() {
        let requested = parse(json!({
            "sku": { "name": "standard_grs" },
            "kind": "storagev2",
            "properties": { "allowSharedKeyAccess": false, "minimumTlsVersion": "tls1_2", "isHnsEnabled": true },
        }))
        .unwrap();
        assert_eq!(requested.sku_name.as_deref(), Some("Standard_GRS"));
        assert_eq!(requested.kind.as_deref(), Some("StorageV2"));
        assert_eq!(requested.allow_shared_key_access, Some(false));
        assert_eq!(requested.minimum_tls_version.as_deref(), Some("TLS1_2"));
        assert_eq!(requested.others.get("isHnsEnabled"), Some(&json!(true)));
        assert!(!requested.others.contains_key("allowSharedKeyAccess"));
    }

    #[test]
    fn unknown_values_are_refused_with_azure_codes() {
        let sku = parse(json!({ "sku": { "name": "Gold_LRS" } })).unwrap_err();
        assert_eq!(sku.code, "InvalidValuesForRequestParameters");
        assert_eq!(sku.message, "Values for request parameters are invalid: sku.");
        let kind = parse(json!({ "kind": "Tape" })).unwrap_err();
        assert_eq!(kind.message, "Values for request parameters are invalid: kind.");
        let tls = parse(json!({ "properties": { "minimumTlsVersion": "SSL3" } })).unwrap_err();
        assert_eq!(tls.code, "InvalidRequestContent");
        let flag = parse(json!({ "properties": { "allowBlobPublicAccess": "yes" } })).unwrap_err();
        assert!(
            flag.message.contains("properties.allowBlobPublicAccess"),
            "{}",
            flag.message
        );
    }
}
