//! A container of a group and its properties.

use super::env::EnvironmentVariable;
use super::instance_view::ContainerInstanceView;
use super::network::Port;
use super::probe::ContainerProbe;
use super::resources::ResourceRequirements;
use super::security::SecurityContext;
use super::volume::VolumeMount;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A container of a group.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    /// The name of the container, unique in the group.
    pub name: String,
    /// The properties of the container.
    pub properties: ContainerProperties,
}

impl Container {
    /// A container named `name` running `image` that requests `cpu` cores and `memory_gb` GB.
    pub fn new(name: impl Into<String>, image: impl Into<String>, cpu: f64, memory_gb: f64) -> Self {
        Self {
            name: name.into(),
            properties: ContainerProperties {
                image: Some(image.into()),
                resources: Some(ResourceRequirements::new(cpu, memory_gb)),
                ..ContainerProperties::default()
            },
        }
    }
}

/// The properties of a container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContainerProperties {
    /// The image, e.g. `mcr.microsoft.com/azuredocs/aci-helloworld:latest`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The command in exec form (replaces the image's entrypoint).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    /// The ports the container exposes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<Port>>,
    /// The environment variables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment_variables: Option<Vec<EnvironmentVariable>>,
    /// The state, restarts and events of the container; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_view: Option<ContainerInstanceView>,
    /// The cpu, memory and GPU requested and allowed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// The volumes mounted in the container.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_mounts: Option<Vec<VolumeMount>>,
    /// The liveness probe.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub liveness_probe: Option<ContainerProbe>,
    /// The readiness probe.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub readiness_probe: Option<ContainerProbe>,
    /// The security context (privileges, capabilities, user and group).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_context: Option<SecurityContext>,
    /// The config map.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_map: Option<ConfigMap>,
}

/// The config map of a container.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ConfigMap {
    /// The key value pairs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub key_value_pairs: Option<BTreeMap<String, String>>,
}
