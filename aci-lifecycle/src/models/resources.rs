//! Cpu, memory and GPU of a container.

use super::whole_number;
use serde::{Deserialize, Serialize};

/// The resources a container requests and may not exceed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRequirements {
    /// What the container is guaranteed.
    pub requests: ResourceRequests,
    /// What the container may use at most.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limits: Option<ResourceLimits>,
}

impl ResourceRequirements {
    /// Requests `cpu` cores and `memory_gb` GB, with no GPU and no limits.
    pub fn new(cpu: f64, memory_gb: f64) -> Self {
        Self {
            requests: ResourceRequests {
                memory_in_gb: memory_gb,
                cpu,
                gpu: None,
            },
            limits: None,
        }
    }
}

/// The resources a container is guaranteed. Whole numbers are written without a fraction (`1`),
/// as Azure writes them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRequests {
    /// Memory in GB (may be fractional, e.g. `1.5`).
    #[serde(rename = "memoryInGB", serialize_with = "whole_number::serialize")]
    pub memory_in_gb: f64,
    /// Cpu cores (may be fractional, e.g. `0.5`).
    #[serde(serialize_with = "whole_number::serialize")]
    pub cpu: f64,
    /// GPUs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu: Option<GpuResource>,
}

/// The resources a container may use at most.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceLimits {
    /// Memory in GB.
    #[serde(
        rename = "memoryInGB",
        default,
        serialize_with = "whole_number::serialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub memory_in_gb: Option<f64>,
    /// Cpu cores.
    #[serde(
        default,
        serialize_with = "whole_number::serialize_option",
        skip_serializing_if = "Option::is_none"
    )]
    pub cpu: Option<f64>,
    /// GPUs.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu: Option<GpuResource>,
}

/// A number of GPUs of one SKU.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct GpuResource {
    /// How many GPUs.
    pub count: i32,
    /// The GPU SKU.
    pub sku: GpuSku,
}

arm_core::string_enum! {
    /// The SKU of a GPU.
    pub enum GpuSku {
        /// NVIDIA Tesla K80.
        K80 = "K80",
        /// NVIDIA Tesla P100.
        P100 = "P100",
        /// NVIDIA Tesla V100.
        V100 = "V100",
    }
}
