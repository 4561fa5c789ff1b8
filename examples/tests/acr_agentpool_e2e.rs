//! `acr-agentpool` end to end: the real binary against the in-process az-emulator over TLS
//! (Container Registry and Network over ARM, Blob for contexts and logs), with the emulator's
//! `AZ_*` environment.

#[path = "acr_agentpool_e2e/bad_input.rs"]
mod bad_input;
#[path = "support/cli.rs"]
mod cli;
#[path = "acr_agentpool_e2e/faults.rs"]
mod faults;
#[path = "acr_agentpool_e2e/pools.rs"]
mod pools;
#[path = "acr_agentpool_e2e/preflight.rs"]
mod preflight;
#[path = "acr_agentpool_e2e/runs.rs"]
mod runs;
#[path = "acr_agentpool_e2e/signals.rs"]
mod signals;
#[path = "acr_agentpool_e2e/world.rs"]
mod world;

fn strs(args: &[String]) -> Vec<&str> {
    args.iter().map(String::as_str).collect()
}
