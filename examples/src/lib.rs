//! azure-ephemeral's thin binaries as library modules, so that the demo can run them as one
//! multi-call executable:
//!
//! - [`ephemeral_agent`]: the container entrypoint of a run-once agent;
//! - [`spawn_agent`]: creates an agent's container group from a pipeline and waits until the
//!   agent is online;
//! - [`reap`]: deletes what ephemeral agents left behind;
//! - [`image_builder`]: builds VM images with Azure VM Image Builder (clap flags, each also an
//!   environment variable).
//!
//! - [`acr_agentpool`]: ACR task agent pools, builds and runs on them (clap flags, each also an
//!   environment variable).
//!
//! Each module's `main` takes the command-line arguments (without the program name) and reads
//! its configuration from the environment.

pub mod acr_agentpool;
mod cli;
mod command;
mod env_config;
pub mod ephemeral_agent;
pub mod image_builder;
pub mod logging;
pub mod reap;
pub mod spawn_agent;
