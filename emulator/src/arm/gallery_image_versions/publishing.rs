//! The `publishingProfile` and `storageProfile` of an image version PUT.

use serde_json::{Map, Value};

use crate::arm::body::{array_at, converting, join, object_at, string_at};
use crate::arm::error::ArmError;
use crate::arm::galleries::compute::{invalid, missing, one_of};
use crate::model::compute::TargetRegion;
use crate::model::regions;

/// The storage account types of replicas.
const STORAGE_ACCOUNT_TYPES: &[&str] = &["Standard_LRS", "Standard_ZRS", "Premium_LRS", "PremiumV2_LRS"];

/// What `publishingProfile` asks for, with Azure's defaults filled in.
pub(super) struct Publishing {
    pub target_regions: Vec<TargetRegion>,
    pub replica_count: u32,
    pub storage_account_type: String,
    pub exclude_from_latest: bool,
    pub end_of_life_date: Option<String>,
}

/// The integer at `key` of `parent` (at `path`), at least 1, if present.
fn count_at(parent: &Map<String, Value>, key: &str, path: &str) -> Result<Option<u32>, ArmError> {
    match parent.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(value) => match value.as_u64().and_then(|n| u32::try_from(n).ok()) {
            Some(0) => Err(invalid(format!("The value of parameter '{}' must be at least 1.", join(path, key)))),
            Some(n) => Ok(Some(n)),
            None => Err(converting(value, "System.Int32", &join(path, key))),
        },
    }
}

impl Publishing {
    /// Reads `properties.publishingProfile` of a version in region `location`: target regions
    /// default to that region alone and must include it; counts default to `replicaCount` (1),
    /// storage types to `storageAccountType` (`Standard_LRS`).
    pub fn parse(properties: &Map<String, Value>, location: &str) -> Result<Publishing, ArmError> {
        let empty = Map::new();
        let profile = match properties.get("publishingProfile") {
            None | Some(Value::Null) => &empty,
            Some(_) => object_at(properties, "publishingProfile", "properties")?,
        };
        let path = "properties.publishingProfile";
        let replica_count = count_at(profile, "replicaCount", path)?.unwrap_or(1);
        let storage_account_type = one_of(profile, "storageAccountType", path, STORAGE_ACCOUNT_TYPES, "StorageAccountType")?
            .unwrap_or_else(|| STORAGE_ACCOUNT_TYPES[0].to_owned());
        let exclude_from_latest = match profile.get("excludeFromLatest") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(exclude)) => *exclude,
            Some(other) => return Err(converting(other, "System.Boolean", &join(path, "excludeFromLatest"))),
        };
        let end_of_life_date = string_at(profile, "endOfLifeDate", path)?.map(str::to_owned);
        let mut target_regions = Vec::new();
        for (i, region) in array_at(profile, "targetRegions", path)?.iter().enumerate() {
            let region_path = format!("{path}.targetRegions[{i}]");
            let Value::Object(region) = region else {
                return Err(converting(region, "TargetRegion", &region_path));
            };
            let name = string_at(region, "name", &region_path)?.ok_or_else(|| missing("targetRegions.name"))?;
            if regions::normalize(name).is_none() {
                return Err(invalid(format!("The target region '{name}' is not a valid Azure region.")));
            }
            target_regions.push(TargetRegion {
                name: name.to_owned(),
                regional_replica_count: count_at(region, "regionalReplicaCount", &region_path)?.unwrap_or(replica_count),
                storage_account_type: one_of(region, "storageAccountType", &region_path, STORAGE_ACCOUNT_TYPES, "StorageAccountType")?
                    .unwrap_or_else(|| storage_account_type.clone()),
            });
        }
        if target_regions.is_empty() {
            target_regions.push(TargetRegion {
                name: location.to_owned(),
                regional_replica_count: replica_count,
                storage_account_type: storage_account_type.clone(),
            });
        } else if !target_regions
            .iter()
            .any(|region| regions::normalize(&region.name).as_deref() == Some(location))
        {
            return Err(invalid(format!(
                "The target regions of the gallery image version must include its location '{location}'."
            )));
        }
        Ok(Publishing {
            target_regions,
            replica_count,
            storage_account_type,
            exclude_from_latest,
            end_of_life_date,
        })
    }
}

/// The source of `properties.storageProfile`: `source.id` (or `source.virtualMachineId`), else
/// the VHD of `osDiskImage.source.uri`; Compute's missing-parameter error without one.
pub(super) fn source(properties: &Map<String, Value>) -> Result<String, ArmError> {
    if properties.get("storageProfile").is_none_or(Value::is_null) {
        return Err(missing("storageProfile"));
    }
    let storage = object_at(properties, "storageProfile", "properties")?;
    let path = "properties.storageProfile";
    if let Some(Value::Object(source)) = storage.get("source") {
        let source_path = format!("{path}.source");
        for key in ["id", "virtualMachineId"] {
            if let Some(id) = string_at(source, key, &source_path)?.filter(|id| !id.is_empty()) {
                return Ok(id.to_owned());
            }
        }
    }
    if let Some(Value::Object(os_disk)) = storage.get("osDiskImage")
        && let Some(Value::Object(source)) = os_disk.get("source")
        && let Some(uri) = string_at(source, "uri", &format!("{path}.osDiskImage.source"))?
    {
        return Ok(uri.to_owned());
    }
    Err(missing("storageProfile.source.id"))
}
