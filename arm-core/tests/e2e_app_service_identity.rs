//! End-to-end test of a managed identity through the App Service endpoint (`IDENTITY_ENDPOINT`
//! with `X-IDENTITY-HEADER`).
//!
//! azure_identity reads `IDENTITY_ENDPOINT` and `IDENTITY_HEADER` from the process environment,
//! which a test cannot change safely while other threads run. This test therefore has no harness:
//! `main` starts the emulator and runs this same binary again as a child with those variables
//! set; the child authenticates and reads a resource group, and the parent checks both the
//! child's result and the emulator's journal.

#[path = "support/emulator.rs"]
mod support;

use az_emulator::Emulator;
use std::collections::BTreeMap;
use std::process::ExitCode;
use support::{config, env_with, groups};

const CHILD_ENV: &str = "ARM_CORE_E2E_CHILD_ENV";
const CHILD_RG: &str = "ARM_CORE_E2E_CHILD_RG";

#[tokio::main]
async fn main() -> ExitCode {
    match (std::env::var(CHILD_ENV), std::env::var(CHILD_RG)) {
        (Ok(env), Ok(rg)) => child(&env, &rg).await,
        _ => parent().await,
    }
    ExitCode::SUCCESS
}

async fn parent() {
    let emulator = Emulator::start(config("")).await.unwrap();
    let info = emulator.info().clone();
    let env = env_with(
        &info,
        &[
            ("AZ_MANAGED_IDENTITY", "true"),
            ("AZ_MANAGED_IDENTITY_CLIENT_ID", &info.defaults.identity_client_id),
        ],
    );
    let output = tokio::process::Command::new(std::env::current_exe().unwrap())
        .env(CHILD_ENV, serde_json::to_string(&env).unwrap())
        .env(CHILD_RG, &info.defaults.resource_group)
        .env("IDENTITY_ENDPOINT", &info.endpoints.app_service_identity)
        .env("IDENTITY_HEADER", &info.defaults.identity_header)
        .output()
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "child failed: {stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains("app service identity read"),
        "the child ran the check: {stdout}"
    );
    let entries = emulator.control().journal();
    assert!(
        entries.iter().any(|e| e.path == "/msi/token" && e.status == Some(200)),
        "{entries:?}"
    );
    assert!(
        !entries.iter().any(|e| e.path == "/metadata/identity/oauth2/token"),
        "IMDS was not used"
    );
    emulator.shutdown().await;
    println!("test managed_identity_through_the_app_service_endpoint ... ok");
}

async fn child(env: &str, rg: &str) {
    let env: BTreeMap<String, String> = serde_json::from_str(env).unwrap();
    let group = groups(&env, None).get(rg, None).await.unwrap();
    assert_eq!(group.name.as_deref(), Some(rg));
    println!("app service identity read {rg}");
}
