//! Azure DevOps distributedtask models (TaskAgent 7.1): pools, agents, job requests, packages.
//!
//! Field names follow the TaskAgent 7.1 swagger. Every property of the modelled definitions is a
//! typed field (a test walks the spec); nested structures this crate does not interpret
//! (`_links`, `properties`, identities, `agentSpecification`) stay JSON values.

mod agent;
mod job_request;
mod list;
mod package;
mod pool;

pub use agent::{TaskAgent, TaskAgentAuthorization, TaskAgentPublicKey, TaskAgentReference, TaskAgentStatus};
pub use job_request::{Demand, TaskAgentJobRequest, TaskOrchestrationOwner, TaskResult};
pub use list::List;
pub use package::{PackageMetadata, PackageVersion};
pub use pool::TaskAgentPool;

/// Declares a string enum that keeps unknown values (Azure DevOps adds values over time).
macro_rules! string_enum {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident = $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vmeta])* $variant,)+
            /// A value this version of the crate does not know.
            Other(String),
        }

        impl $name {
            /// The wire value.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)+
                    $name::Other(other) => other,
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let value = String::deserialize(deserializer)?;
                Ok(match value.as_str() {
                    $(v if v.eq_ignore_ascii_case($wire) => $name::$variant,)+
                    _ => $name::Other(value),
                })
            }
        }
    };
}
pub(crate) use string_enum;

#[cfg(test)]
mod spec_coverage;
