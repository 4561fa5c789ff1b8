//! The process the `image_artifacts` benchmark starts for each packing and upload, so that its
//! peak RSS is the artifact upload's alone.
//!
//! `image_artifacts_probe <resource-group> <account> <prefix> <folder>`: resolves the account's
//! Blob endpoint from ARM, then packs `<folder>` as `tar.gz` and uploads it with
//! `image_builder::artifacts::upload_artifact` and default options (blob
//! `imagebuilder/<prefix>/<folder name>.tar.gz`, no SAS), authenticated as the environment says
//! (the emulator's service principal). Prints `bytes=<n>` (the archive's size), `upload_us=<n>`
//! (packing and upload together, as they run: without process start and endpoint lookup), then
//! `peak_rss_kb=<n>` (its own `VmHWM`).

use arm_core::ArmEnvironment;
use arm_core::storage::{BlobEndpoint, StorageClient};
use image_builder::artifacts::{ArtifactTarget, upload_artifact};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [group, account, prefix, folder] = args.as_slice() else {
        eprintln!("usage: image_artifacts_probe <resource-group> <account> <prefix> <folder>");
        return ExitCode::from(2);
    };
    match upload(group, account, prefix, Path::new(folder)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("image_artifacts_probe: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn upload(group: &str, account: &str, prefix: &str, folder: &Path) -> Result<(), String> {
    let environment = ArmEnvironment::from_env(&arm_core::ProcessEnv).map_err(|e| e.to_string())?;
    let arm = environment.arm_client().map_err(|e| e.to_string())?;
    let subscription = environment.require_subscription_id().map_err(|e| e.to_string())?;
    let endpoint = BlobEndpoint::resolve(&arm, subscription, group, account, None)
        .await
        .map_err(|e| e.to_string())?;
    let credential = environment.credential().map_err(|e| e.to_string())?;
    let storage = StorageClient::for_environment(&environment, None).map_err(|e| e.to_string())?;
    let target = ArtifactTarget::for_template(endpoint, prefix);
    let started = Instant::now();
    let uploaded = upload_artifact(&storage, credential, &target, folder, None)
        .await
        .map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    println!("bytes={}", uploaded.bytes());
    println!("upload_us={}", elapsed.as_micros());
    benches::rss::print_own_peak_rss().map_err(|e| e.to_string())
}
