//! The list envelope of Azure DevOps: `{"count": N, "value": [...]}`.

use serde::{Deserialize, Serialize};

/// A list answer of Azure DevOps.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct List<T> {
    /// Number of items.
    #[serde(default)]
    pub count: usize,
    /// The items.
    #[serde(default = "Vec::new")]
    pub value: Vec<T>,
}
