//! The `[responses]` section: which of the answers the API documents for a request the emulator
//! gives, where it documents several.

use serde::Deserialize;

use crate::error::Error;

/// The statuses the API documents for a DELETE of an existing container group
/// (`ContainerGroups_Delete`): 200 with the deleted group, 202 with `Azure-AsyncOperation`, 204.
pub const CONTAINER_GROUP_DELETE_STATUSES: [u16; 3] = [200, 202, 204];

/// Where the API documents several answers to one request, the emulator draws one at random for
/// each request, from a seeded generator, so that clients are tested against every one of them
/// and a run can be repeated.
#[derive(Deserialize, Clone, Debug, PartialEq, Eq)]
#[serde(default, deny_unknown_fields)]
pub struct ResponsesConfig {
    /// Seed of the draws; random when left out (the emulator logs the seed it uses at start).
    pub seed: Option<u64>,
    /// The statuses a DELETE of an existing container group draws from, each equally likely:
    /// 200 (the group as it was, gone at once), 202 (`Azure-AsyncOperation`, `Location` and
    /// `Retry-After`: the group reads `Deleting` until the operation ends), 204 (gone at once).
    /// All three by default; one of them to pin it.
    pub container_group_delete: Vec<u16>,
}

impl Default for ResponsesConfig {
    fn default() -> Self {
        ResponsesConfig {
            seed: None,
            container_group_delete: CONTAINER_GROUP_DELETE_STATUSES.to_vec(),
        }
    }
}

impl ResponsesConfig {
    /// Checks that every list is non-empty and holds documented statuses only; `field` is the
    /// path of this section (`responses`).
    pub(crate) fn validate(&self, field: &str) -> Result<(), Error> {
        let statuses = &self.container_group_delete;
        if statuses.is_empty() || statuses.iter().any(|s| !CONTAINER_GROUP_DELETE_STATUSES.contains(s)) {
            return Err(Error::invalid(
                format!("{field}.container_group_delete"),
                format!(
                    "{statuses:?} must be a non-empty list of 200, 202 and 204 (what ContainerGroups_Delete documents)"
                ),
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::ResponsesConfig;

    #[test]
    fn only_documented_statuses_are_accepted() {
        assert!(ResponsesConfig::default().validate("responses").is_ok());
        for bad in [vec![], vec![200, 404], vec![201]] {
            let config = ResponsesConfig {
                container_group_delete: bad.clone(),
                ..ResponsesConfig::default()
            };
            let error = config.validate("responses").unwrap_err().to_string();
            assert!(error.contains("responses.container_group_delete"), "{bad:?}: {error}");
        }
    }
}
