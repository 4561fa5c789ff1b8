//! The service tags of a cloud (`ServiceTagsListResult` of `serviceTags.json`:
//! `GET /subscriptions/{id}/providers/Microsoft.Network/locations/{location}/serviceTags`).

use serde::{Deserialize, Serialize};

/// The service tags of a cloud and their address prefixes.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceTagsListResult {
    /// The cloud's name, e.g. `public`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The resource id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The resource type, `Microsoft.Network/serviceTags`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub resource_type: Option<String>,
    /// The version of the whole list.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_number: Option<String>,
    /// The cloud, e.g. `Public`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud: Option<String>,
    /// The tags.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub values: Option<Vec<ServiceTagInformation>>,
    /// The next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}

/// One service tag, global (`Storage`) or regional (`Storage.WestUS2`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceTagInformation {
    /// The tag, e.g. `Storage.WestUS2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The tag's id (the same as its name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The version of the tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_tag_change_number: Option<String>,
    /// The tag's properties.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub properties: Option<ServiceTagInformationProperties>,
}

/// The properties of a [`ServiceTagInformation`].
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceTagInformationProperties {
    /// The version of the tag's prefixes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub change_number: Option<String>,
    /// The region of a regional tag (`westus2`), empty for a global one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<String>,
    /// The service, e.g. `AzureStorage`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_service: Option<String>,
    /// The tag's CIDRs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_prefixes: Option<Vec<String>>,
    /// The state of the tag's prefixes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
}
