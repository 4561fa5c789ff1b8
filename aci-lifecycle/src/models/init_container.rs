//! Init containers: run to completion, in order, before the containers start.

use super::env::EnvironmentVariable;
use super::instance_view::ContainerInstanceView;
use super::security::SecurityContext;
use super::volume::VolumeMount;
use serde::{Deserialize, Serialize};

/// An init container (the spec's `InitContainerDefinition`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitContainer {
    /// The name.
    pub name: String,
    /// The properties.
    pub properties: InitContainerProperties,
}

/// The properties of an init container (the spec's `InitContainerPropertiesDefinition`).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct InitContainerProperties {
    /// The image.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// The command in exec form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub command: Option<Vec<String>>,
    /// The environment variables.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub environment_variables: Option<Vec<EnvironmentVariable>>,
    /// The state, restarts and events; only in responses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instance_view: Option<ContainerInstanceView>,
    /// The volumes mounted.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub volume_mounts: Option<Vec<VolumeMount>>,
    /// The security context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub security_context: Option<SecurityContext>,
}
