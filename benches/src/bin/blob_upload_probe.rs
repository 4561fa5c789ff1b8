//! The process the `blob_upload` benchmark starts for each of its uploads, so that its peak RSS
//! is the upload's alone.
//!
//! `blob_upload_probe <resource-group> <account> <container> <blob> <file>`: resolves the
//! account's Blob endpoint from ARM, then uploads `<file>` with `arm_core::storage`'s
//! `upload_file` and default options, authenticated as the environment says (the emulator's
//! service principal). Prints `bytes=<n>`, `blocks=<n>`, `upload_us=<n>` (the upload alone,
//! without process start and endpoint lookup), then `peak_rss_kb=<n>` (its own `VmHWM`).

use arm_core::ArmEnvironment;
use arm_core::storage::{BlobEndpoint, StorageClient};
use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [group, account, container, blob, file] = args.as_slice() else {
        eprintln!("usage: blob_upload_probe <resource-group> <account> <container> <blob> <file>");
        return ExitCode::from(2);
    };
    match upload(group, account, container, blob, Path::new(file)).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("blob_upload_probe: {error}");
            ExitCode::FAILURE
        }
    }
}

async fn upload(group: &str, account: &str, container: &str, blob: &str, file: &Path) -> Result<(), String> {
    let environment = ArmEnvironment::from_env(&arm_core::ProcessEnv).map_err(|e| e.to_string())?;
    let arm = environment.arm_client().map_err(|e| e.to_string())?;
    let subscription = environment.require_subscription_id().map_err(|e| e.to_string())?;
    let endpoint = BlobEndpoint::resolve(&arm, subscription, group, account, None)
        .await
        .map_err(|e| e.to_string())?;
    let credential = environment.credential().map_err(|e| e.to_string())?;
    let target = endpoint.blob(container, blob, credential).map_err(|e| e.to_string())?;
    let storage = StorageClient::for_environment(&environment, None).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let result = storage
        .upload_file(&target, file, None)
        .await
        .map_err(|e| e.to_string())?;
    let elapsed = started.elapsed();
    println!("bytes={}", result.bytes);
    println!("blocks={}", result.blocks);
    println!("upload_us={}", elapsed.as_micros());
    benches::rss::print_own_peak_rss().map_err(|e| e.to_string())
}
