//! Shared pieces of azure-ephemeral's thin binaries (`ephemeral-agent`, `spawn-agent`, `reap`)
//! and of the demo.

pub mod logging;
