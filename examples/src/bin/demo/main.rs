//! The README's main command: `cargo run -p examples --bin demo`.
//!
//! The whole story of a run-once agent in a private network, on the Azure emulator started in
//! this process: `spawn-agent` creates a container group in a subnet whose image the emulator
//! runs as `ephemeral-agent`; the agent comes online, runs the queued deployment job,
//! unregisters, and its group deletes itself. A second agent's group is then stopped mid-job (a
//! killed container cannot clean up after itself): its agent goes offline and its group stays,
//! until `reap` deletes both. The pool and the resource group end empty.
//!
//! Then the image story ([`image_story`]): a package folder becomes a gallery image version
//! through `image-builder build`; a build scripted to fail shows the failing provisioner's log;
//! `image-builder reap` deletes what the failure kept.
//!
//! Then the ACR story ([`acr_story`]): `acr-agentpool preflight` finds the outbound rule a
//! subnet's security group lacks for an ACR task agent pool, and `create` refuses the subnet;
//! once the rule is added, a pool is created there, `acr-agentpool build` builds a context on it
//! with its log streamed and prints the image's digest, and the pool is scaled to 0 and deleted.
//!
//! This executable is also each of the binaries it shows (`demo ephemeral-agent`, `demo
//! spawn-agent`, `demo reap`, `demo image-builder`, `demo acr-agentpool` run the same code as
//! `ephemeral-agent`, `spawn-agent`, `reap`, `image-builder` and `acr-agentpool`)
//! and the emulator's stand-in Azure Pipelines agent, so that `cargo run` builds everything the
//! story needs.

mod acr_story;
mod image_story;
mod story;

use std::process::ExitCode;

fn main() -> ExitCode {
    if az_emulator::standin::invoked_as_standin() {
        return az_emulator::standin::main();
    }
    if std::env::args_os().nth(1).is_some_and(|c| c == "image-builder") {
        return examples::image_builder::main(std::env::args_os().skip(1).collect());
    }
    if std::env::args_os().nth(1).is_some_and(|c| c == "acr-agentpool") {
        return examples::acr_agentpool::main(std::env::args_os().skip(1).collect());
    }
    let mut args = std::env::args().skip(1);
    let command = args.next();
    let rest: Vec<String> = args.collect();
    match command.as_deref() {
        Some("ephemeral-agent") => return examples::ephemeral_agent::main(rest),
        Some("spawn-agent") => return examples::spawn_agent::main(rest),
        Some("reap") => return examples::reap::main(rest),
        None => {}
        Some(other) => {
            eprintln!(
                "demo: unknown command '{other}'; expected none, ephemeral-agent, spawn-agent, reap, image-builder or acr-agentpool"
            );
            return ExitCode::from(2);
        }
    }
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "warn".into()))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("demo: cannot start: {error}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(story::run()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("demo failed: {error}");
            ExitCode::FAILURE
        }
    }
}
