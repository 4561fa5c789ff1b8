//! Answers of the list and logs operations.

use super::group::ContainerGroup;
use serde::{Deserialize, Serialize};

/// A page of container groups. The spec's items (`ListResultContainerGroup`) are container groups
/// without `instanceView`; they are modelled as [`ContainerGroup`], where it is then `None`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerGroupListResult {
    /// The groups of this page.
    pub value: Vec<ContainerGroup>,
    /// The URL of the next page, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
}

/// The logs of a container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Logs {
    /// The log text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content: Option<String>,
}
